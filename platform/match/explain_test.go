package match_test

import (
	"bytes"
	"html/template"
	"slices"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
	"github.com/piazza-pa/piazza/platform/match"
)

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, match.Messages) }

// bundle is the platform's messages (the themes' names) with the package's.
func bundle(t *testing.T) *i18n.Bundle {
	t.Helper()
	b, err := i18n.New(i18n.Messages, match.Messages)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestExplain: reasons become one phrase per kind of reason, singular or
// plural, themes translated, names quoted as written, in both languages.
func TestExplain(t *testing.T) {
	b := bundle(t)
	cases := []struct {
		r      match.Reasons
		en, it string
	}{
		{match.Reasons{Themes: []string{"health", "aerospace", "smart_communities"}, Competencies: []string{"hydrogen storage"}},
			`3 themes in common: Health, Aerospace, Smart communities · competence “hydrogen storage”`,
			`3 temi in comune: Salute, Aerospazio, Smart communities · competenza «hydrogen storage»`},
		{match.Reasons{Themes: []string{"health"}, Tags: []string{"energia", "acqua"}, Competencies: []string{"GIS", "IoT"}, Words: []string{"idrogeno"}},
			`theme in common: Health · 2 tags in common: “energia”, “acqua” · 2 competencies: “GIS”, “IoT” · mentions “idrogeno”`,
			`tema in comune: Salute · 2 tag in comune: «energia», «acqua» · 2 competenze: «GIS», «IoT» · parla di «idrogeno»`},
		{match.Reasons{Tags: []string{"energia"}, Words: []string{"idrogeno", "batteria"}},
			`tag in common: “energia” · mentions “idrogeno”, “batteria”`,
			`tag in comune: «energia» · parla di «idrogeno», «batteria»`},
		{match.Reasons{}, ``, ``},
	}
	for _, c := range cases {
		for lang, want := range map[string]string{"en": c.en, "it": c.it} {
			var got []string
			for _, p := range match.Explain(c.r) {
				got = append(got, p.Text(b.For(lang)))
			}
			if strings.Join(got, " · ") != want {
				t.Errorf("%s %+v:\n got %s\nwant %s", lang, c.r, strings.Join(got, " · "), want)
			}
		}
	}
	ps := match.Explain(match.Reasons{Themes: []string{"health", "aerospace"}, Competencies: []string{"GIS"}})
	want := []match.Phrase{{Key: "match.reason.themes", Count: 2, Names: []string{"health", "aerospace"}, Themes: true},
		{Key: "match.reason.competencies_one", Count: 1, Names: []string{"GIS"}}}
	if !slices.EqualFunc(ps, want, func(a, b match.Phrase) bool {
		return a.Key == b.Key && a.Count == b.Count && slices.Equal(a.Names, b.Names) && a.Themes == b.Themes
	}) {
		t.Errorf("phrases %+v, want %+v", ps, want)
	}
}

// render draws the partial with l.
func render(t *testing.T, l match.List) string {
	t.Helper()
	tpl, err := template.ParseFS(match.Partials, match.Pattern)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := tpl.ExecuteTemplate(&out, "match", l); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestPartial: each suggestion links to its page with its explanation and
// an Invite button posting its kind and id, with the CSRF token, to the
// caller's URL, or says it was invited already; no URL, no button;
// nobody, a sentence saying so.
func TestPartial(t *testing.T) {
	b := bundle(t)
	list := match.List{L: b.For("en"), CSRF: "tok", Invite: "/proposals/7/invite", Suggestions: []match.Suggestion{
		{Kind: match.Person, ID: 12, Name: "Anna Idrogeno", Reasons: match.Reasons{Themes: []string{"health"}, Competencies: []string{"GIS"}}},
		{Kind: match.Organization, ID: 3, Name: "H2 Lombardia", Reasons: match.Reasons{Words: []string{"idrogeno"}}},
	}}
	out := render(t, list)
	for _, want := range []string{
		`<a class="fw-semibold" href="/people/12">Anna Idrogeno</a>`, `<a class="fw-semibold" href="/organizations/3">H2 Lombardia</a>`,
		`theme in common: Health · competence “GIS”`, `mentions “idrogeno”`,
		`action="/proposals/7/invite"`, `name="_csrf" value="tok"`,
		`name="kind" value="person"><input type="hidden" name="id" value="12">`,
		`name="kind" value="organization"><input type="hidden" name="id" value="3">`,
		`aria-label="Invite Anna Idrogeno">Invite</button>`, `>Organisation</span>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the list lacks %s:\n%s", want, out)
		}
	}
	list.Suggestions[0].Invited = true
	if out := render(t, list); strings.Contains(out, `aria-label="Invite Anna Idrogeno"`) || !strings.Contains(out, `<div id="invite-person-12" aria-live="polite"><span class="badge bg-success">Invited</span></div>`) ||
		!strings.Contains(out, `aria-label="Invite H2 Lombardia"`) {
		t.Errorf("a suggestion invited already still has its button, or the others lost theirs:\n%s", out)
	}
	list.Invite = ""
	if out := render(t, list); strings.Contains(out, "<form") || strings.Contains(out, "_csrf") {
		t.Errorf("a list without an invitation URL has a form:\n%s", out)
	}
	list.Suggestions, list.L = nil, b.For("it")
	if out := render(t, list); !strings.Contains(out, "Ancora nessuna corrispondenza") {
		t.Errorf("an empty list says nothing:\n%s", out)
	}
}

// TestPartialInert: HTML in a name, a competency, a tag or a word is shown
// as text, in the page and in the button's label.
func TestPartialInert(t *testing.T) {
	b := bundle(t)
	payload := `<script>alert(1)</script><img src=x onerror=alert(2)>"'`
	list := match.List{L: b.For("it"), CSRF: "tok", Invite: "/proposals/7/invite", Suggestions: []match.Suggestion{
		{Kind: match.Person, ID: 1, Name: payload, Reasons: match.Reasons{Competencies: []string{payload}, Tags: []string{payload}, Words: []string{payload}}},
	}}
	out := render(t, list)
	for _, bad := range []string{"<script", "<img", `onerror=alert(2)>"`} {
		if strings.Contains(out, bad) {
			t.Errorf("the payload is live (%s):\n%s", bad, out)
		}
	}
	if n := strings.Count(out, "&lt;script&gt;alert(1)&lt;/script&gt;"); n != 5 {
		t.Errorf("the payload is shown escaped %d times, want 5 (name, label, tag, competency, word):\n%s", n, out)
	}
}
