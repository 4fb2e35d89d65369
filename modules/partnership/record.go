package partnership

import (
	"encoding/xml"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/piazza-pa/piazza/platform/i18n"
)

// The export's codes of the EEN kinds.
var kindCodes = map[string]string{"TO": "technology_offer", "TR": "technology_request", "BO": "business_offer",
	"BR": "business_request", "RDR": "rd_request"}

// limits are the longest texts of a profile's elements, in characters
// (as the table allows).
var limits = map[string]int{"title": 200, "summary": 2000, "description": 20000, "innovation": 8000, "stage": 200,
	"ipr": 200, "type": 500, "role": 4000, "code": 40, "label": 200, "word": 100}

// Most entries of a profile's lists.
const (
	maxCountries = 60
	maxKeywords  = 50
)

// referenceRE is an EEN reference (TOIT20251002001, RDDE20250115002 …).
var referenceRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{2,39}$`)

// field is an element of a profile as read: its text and line.
type field struct {
	text string
	line int
}

// profile reads the <profile> element just started and keeps its record,
// or reports what is wrong with it.
func (p *parser) profile() error {
	p.count++
	r := Record{Line: p.line(), Index: p.count}
	bad := len(p.problems)
	fs := map[string]field{}
	for {
		el, err := p.child()
		if err != nil {
			return err
		}
		if el == nil {
			break
		}
		if err := p.element(el.Name.Local, &r, fs); err != nil {
			return err
		}
	}
	r.Reference = fs["reference"].text
	p.check(&r, fs)
	for i := bad; i < len(p.problems); i++ {
		p.problems[i].Reference = r.Reference
	}
	if len(p.problems) == bad {
		p.records = append(p.records, r)
	}
	return nil
}

// element reads one child element of a profile: simple ones into fs,
// lists into r.
func (p *parser) element(name string, r *Record, fs map[string]field) error {
	switch name {
	case "partner":
		return p.each(func(el *xml.StartElement) error { return p.simple("partner/"+el.Name.Local, r, fs) })
	case "countries":
		return p.each(func(el *xml.StartElement) error {
			return p.listed(el.Name.Local, "country", r, &r.Countries, maxCountries)
		})
	case "keywords":
		return p.each(func(el *xml.StartElement) error { return p.keyword(el, r) })
	}
	return p.simple(name, r, fs)
}

// each reads the children of the current element with fn.
func (p *parser) each(fn func(el *xml.StartElement) error) error {
	for {
		el, err := p.child()
		if err != nil || el == nil {
			return err
		}
		if err := fn(el); err != nil {
			return err
		}
	}
}

// simple reads a text element into fs (unknown ones are skipped).
func (p *parser) simple(name string, r *Record, fs map[string]field) error {
	line := p.line()
	s, flat, err := p.text()
	if err != nil {
		return err
	}
	if !flat {
		p.problem(r, line, "nested", name, "", 0)
	}
	fs[name] = field{text: s, line: line}
	return nil
}

// listed reads an entry of a list element into to, at most max of them.
func (p *parser) listed(name, want string, r *Record, to *[]string, max int) error {
	line := p.line()
	s, flat, err := p.text()
	if err != nil || name != want {
		return err
	}
	if !flat {
		p.problem(r, line, "nested", name, "", 0)
	}
	if len(*to) == max {
		p.problem(r, line, "many", name, "", max)
		return nil
	}
	if name == "country" {
		s = strings.ToUpper(s)
		if !isCountry(s) {
			p.problem(r, line, "country", name, s, 0)
		}
	}
	*to = append(*to, s)
	return nil
}

// keyword reads an entry of <keywords>: a <technology> or <market> with
// its code (attribute code) and label (its text), or a free <word>.
func (p *parser) keyword(el *xml.StartElement, r *Record) error {
	name := el.Name.Local
	if name == "word" {
		return p.listed(name, "word", r, &r.Words, maxKeywords)
	}
	line := p.line()
	label, flat, err := p.text()
	if err != nil || (name != "technology" && name != "market") {
		return err
	}
	if !flat {
		p.problem(r, line, "nested", name, "", 0)
	}
	k := Keyword{Label: label}
	for _, a := range el.Attr {
		if a.Name.Local == "code" {
			k.Code = strings.TrimSpace(a.Value)
		}
	}
	switch {
	case k.Code == "":
		p.problem(r, line, "missing", name+"/@code", "", 0)
	case utf8.RuneCountInString(k.Code) > limits["code"]:
		p.problem(r, line, "long", name+"/@code", "", limits["code"])
	case utf8.RuneCountInString(label) > limits["label"]:
		p.problem(r, line, "long", name, "", limits["label"])
	}
	to := &r.Technologies
	if name == "market" {
		to = &r.Markets
	}
	if len(*to) == maxKeywords {
		p.problem(r, line, "many", name, "", maxKeywords)
		return nil
	}
	*to = append(*to, k)
	return nil
}

// isCountry says whether s is an ISO 3166 code of a country.
func isCountry(s string) bool {
	if len(s) != 2 {
		return false
	}
	reg, err := language.ParseRegion(s)
	return err == nil && reg.IsCountry() && reg.String() == s
}

// problem reports what is wrong with element name of r's profile.
func (p *parser) problem(r *Record, line int, code, name, value string, max int) {
	p.add(Problem{Line: line, Index: r.Index, Reference: r.Reference, Code: code, Field: name, Value: value, Max: max})
}

// check reads the simple elements of fs into r and reports what is
// missing, too long, or not a kind, a reference or a date.
func (p *parser) check(r *Record, fs map[string]field) {
	at := func(name string) int {
		if f, ok := fs[name]; ok {
			return f.line
		}
		return r.Line
	}
	for _, name := range []string{"reference", "type", "title", "published"} {
		if fs[name].text == "" {
			p.problem(r, at(name), "missing", name, "", 0)
		}
	}
	if ref := r.Reference; ref != "" && !referenceRE.MatchString(ref) {
		p.problem(r, at("reference"), "reference", "reference", ref, 0)
	} else if i, ok := p.seen[ref]; ok && ref != "" {
		p.problem(r, at("reference"), "duplicate", "reference", ref, i)
	} else if ref != "" {
		p.seen[ref] = r.Index
	}
	if t := fs["type"].text; t != "" {
		if r.Kind = kindCodes[strings.ToUpper(t)]; r.Kind == "" {
			p.problem(r, at("type"), "kind", "type", t, 0)
		}
	}
	p.texts(r, fs, at)
	r.Published, r.Deadline = p.day(r, fs, "published", at), p.day(r, fs, "deadline", at)
	if r.Deadline != "" && r.Published != "" && r.Deadline < r.Published {
		p.problem(r, at("deadline"), "deadline", "deadline", r.Deadline, 0)
	}
	if r.Language = fs["language"].text; r.Language == "" {
		r.Language = "en"
	} else if !slices.Contains(i18n.Supported, r.Language) {
		p.problem(r, at("language"), "language", "language", r.Language, 0)
	}
}

// texts reads the free texts of fs into r, reporting those too long.
func (p *parser) texts(r *Record, fs map[string]field, at func(string) int) {
	for name, to := range map[string]*string{"title": &r.Title, "summary": &r.Summary, "description": &r.Description,
		"innovation": &r.Innovation, "stage": &r.Stage, "ipr": &r.IPR, "partner/type": &r.PartnerType, "partner/role": &r.PartnerRole} {
		*to = fs[name].text
		short := strings.TrimPrefix(name, "partner/")
		if utf8.RuneCountInString(*to) > limits[short] {
			p.problem(r, at(name), "long", name, "", limits[short])
		}
	}
	if t := r.Title; t != "" && utf8.RuneCountInString(strings.Join(strings.Fields(t), " ")) < 3 {
		p.problem(r, at("title"), "missing", "title", "", 0)
	}
	r.Title = strings.Join(strings.Fields(r.Title), " ")
	for _, w := range r.Words {
		if w == "" {
			p.problem(r, r.Line, "missing", "word", "", 0)
		} else if utf8.RuneCountInString(w) > limits["word"] {
			p.problem(r, r.Line, "long", "word", "", limits["word"])
		}
	}
}

// day reads the date element name of fs ("" when absent).
func (p *parser) day(r *Record, fs map[string]field, name string, at func(string) int) string {
	s := fs[name].text
	if s == "" {
		return ""
	}
	if d, err := time.Parse(time.DateOnly, s); err != nil || d.Year() < 1990 || d.Year() > 2200 {
		p.problem(r, at(name), "date", name, s, 0)
		return ""
	}
	return s
}
