package deploy

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"
)

// publiccode holds every key the publiccode.yml standard (0.x) defines;
// decoding with KnownFields refuses any other key, as the official parser
// does.
type publiccode struct {
	Version          string         `yaml:"publiccodeYmlVersion"`
	Name             string         `yaml:"name"`
	ApplicationSuite string         `yaml:"applicationSuite"`
	URL              string         `yaml:"url"`
	LandingURL       string         `yaml:"landingURL"`
	IsBasedOn        any            `yaml:"isBasedOn"`
	SoftwareVersion  string         `yaml:"softwareVersion"`
	ReleaseDate      string         `yaml:"releaseDate"`
	Logo             string         `yaml:"logo"`
	MonochromeLogo   string         `yaml:"monochromeLogo"`
	Organisation     *organisation  `yaml:"organisation"`
	InputTypes       []string       `yaml:"inputTypes"`
	OutputTypes      []string       `yaml:"outputTypes"`
	Platforms        []string       `yaml:"platforms"`
	Categories       []string       `yaml:"categories"`
	UsedBy           []string       `yaml:"usedBy"`
	FundedBy         []organisation `yaml:"fundedBy"`
	Roadmap          string         `yaml:"roadmap"`
	Status           string         `yaml:"developmentStatus"`
	SoftwareType     string         `yaml:"softwareType"`
	Supports         []support      `yaml:"supports"`
	IntendedAudience struct {
		Scope                []string `yaml:"scope"`
		Countries            []string `yaml:"countries"`
		UnsupportedCountries []string `yaml:"unsupportedCountries"`
	} `yaml:"intendedAudience"`
	Description map[string]description `yaml:"description"`
	Legal       struct {
		License            string `yaml:"license"`
		MainCopyrightOwner string `yaml:"mainCopyrightOwner"`
		RepoOwner          string `yaml:"repoOwner"`
		AuthorsFile        string `yaml:"authorsFile"`
	} `yaml:"legal"`
	Maintenance struct {
		Type        string       `yaml:"type"`
		Contractors []contractor `yaml:"contractors"`
		Contacts    []contact    `yaml:"contacts"`
	} `yaml:"maintenance"`
	Localisation struct {
		Ready     *bool    `yaml:"localisationReady"`
		Languages []string `yaml:"availableLanguages"`
	} `yaml:"localisation"`
	DependsOn struct {
		Open        []dependency `yaml:"open"`
		Proprietary []dependency `yaml:"proprietary"`
		Hardware    []dependency `yaml:"hardware"`
	} `yaml:"dependsOn"`
	IT      *italy `yaml:"IT"`
	ItLower *italy `yaml:"it"`
}

type organisation struct {
	Name string `yaml:"name"`
	URI  string `yaml:"uri"`
}

type description struct {
	LocalisedName    string   `yaml:"localisedName"`
	GenericName      string   `yaml:"genericName"`
	ShortDescription string   `yaml:"shortDescription"`
	LongDescription  string   `yaml:"longDescription"`
	Documentation    string   `yaml:"documentation"`
	APIDocumentation string   `yaml:"apiDocumentation"`
	Features         []string `yaml:"features"`
	Screenshots      []string `yaml:"screenshots"`
	Videos           []string `yaml:"videos"`
	Awards           []string `yaml:"awards"`
}

type support struct {
	ID string `yaml:"id"`
}

type contractor struct {
	Name    string `yaml:"name"`
	Email   string `yaml:"email"`
	Website string `yaml:"website"`
	Until   string `yaml:"until"`
}

type contact struct {
	Name        string `yaml:"name"`
	Email       string `yaml:"email"`
	Affiliation string `yaml:"affiliation"`
	Phone       string `yaml:"phone"`
}

type dependency struct {
	Name       string `yaml:"name"`
	VersionMin string `yaml:"versionMin"`
	VersionMax string `yaml:"versionMax"`
	Optional   *bool  `yaml:"optional"`
	Version    string `yaml:"version"`
}

type italy struct {
	CountryExtensionVersion string          `yaml:"countryExtensionVersion"`
	Conforme                map[string]bool `yaml:"conforme"`
	Riuso                   struct {
		CodiceIPA string `yaml:"codiceIPA"`
	} `yaml:"riuso"`
	Piattaforme struct {
		SPID   bool `yaml:"spid"`
		PagoPA bool `yaml:"pagopa"`
		CIE    bool `yaml:"cie"`
		ANPR   bool `yaml:"anpr"`
		IO     bool `yaml:"io"`
	} `yaml:"piattaforme"`
}

func readPubliccode(t *testing.T) *publiccode {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "publiccode.yml"))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var pc publiccode
	if err := dec.Decode(&pc); err != nil {
		t.Fatalf("publiccode.yml: %v", err)
	}
	return &pc
}

// TestPubliccodeVocabulary checks every value the standard draws from a
// list, as the catalogue's parser does before it lists the software.
func TestPubliccodeVocabulary(t *testing.T) {
	pc := readPubliccode(t)
	checks := []struct {
		key     string
		values  []string
		allowed map[string]bool
	}{
		{"publiccodeYmlVersion", []string{pc.Version}, versions},
		{"platforms", pc.Platforms, platforms},
		{"categories", pc.Categories, categories},
		{"developmentStatus", []string{pc.Status}, developmentStatuses},
		{"softwareType", []string{pc.SoftwareType}, softwareTypes},
		{"intendedAudience.scope", pc.IntendedAudience.Scope, scopes},
		{"maintenance.type", []string{pc.Maintenance.Type}, maintenanceTypes},
	}
	for _, c := range checks {
		for _, v := range c.values {
			if !c.allowed[v] {
				t.Errorf("%s: %q is not in the standard's vocabulary", c.key, v)
			}
		}
	}
	for _, it := range []*italy{pc.IT, pc.ItLower} {
		if it != nil && it.CountryExtensionVersion != "" && !countryExtensionVersions[it.CountryExtensionVersion] {
			t.Errorf("it.countryExtensionVersion: %q is not a version of the Italian extension", it.CountryExtensionVersion)
		}
	}
	for _, lang := range pc.Localisation.Languages {
		checkLanguage(t, "localisation.availableLanguages", lang)
	}
	for lang := range pc.Description {
		checkLanguage(t, "description", lang)
	}
}

// TestPubliccodeRequired checks the keys the standard requires and the
// lengths it limits.
func TestPubliccodeRequired(t *testing.T) {
	pc := readPubliccode(t)
	required := map[string]bool{
		"name": pc.Name != "", "url": pc.URL != "", "platforms": len(pc.Platforms) > 0,
		"developmentStatus": pc.Status != "", "softwareType": pc.SoftwareType != "",
		"description": len(pc.Description) > 0, "legal.license": pc.Legal.License != "",
		"maintenance.type": pc.Maintenance.Type != "", "localisation.localisationReady": pc.Localisation.Ready != nil,
		"localisation.availableLanguages": len(pc.Localisation.Languages) > 0,
	}
	if slices.Contains([]string{"community", "internal"}, pc.Maintenance.Type) {
		required["maintenance.contacts"] = len(pc.Maintenance.Contacts) > 0
	}
	for key, present := range required {
		if !present {
			t.Errorf("%s is required", key)
		}
	}
	for lang, d := range pc.Description {
		checkLength(t, "description."+lang+".genericName", d.GenericName, 0, 35)
		checkLength(t, "description."+lang+".shortDescription", d.ShortDescription, 1, 150)
		checkLength(t, "description."+lang+".longDescription", d.LongDescription, 150, 10000)
		if len(d.Features) == 0 {
			t.Errorf("description.%s.features is required", lang)
		}
	}
}

func checkLanguage(t *testing.T, key, tag string) {
	t.Helper()
	parsed, err := language.Parse(tag)
	if err != nil || parsed.String() != tag {
		t.Errorf("%s: %q is not a BCP 47 language tag", key, tag)
	}
}

func checkLength(t *testing.T, key, s string, lo, hi int) {
	t.Helper()
	if n := utf8.RuneCountInString(s); n < lo || n > hi {
		t.Errorf("%s: %d characters, the standard wants %d to %d", key, n, lo, hi)
	}
}

// words turns a list separated by white space into a set.
func words(list string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(list) {
		set[w] = true
	}
	return set
}
