package auth_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// A refused form opens with the shared error summary: a focusable heading
// and one link per problem to the field that has it.
func TestErrorSummaryLinksToField(t *testing.T) {
	w := moduletest.New(t)
	const alpha = moduletest.Alpha
	cases := []struct {
		name, page, field string
		form              url.Values
		// signedIn: bruno sends the form; marked: the field itself says it
		// is wrong (the sign-in's fields are shared with the console's).
		signedIn, marked bool
	}{
		{"sign-in", "/auth/login", "email", url.Values{"email": {"anna@alpha.example"}, "password": {"sbagliata"}}, false, false},
		{"register", "/auth/register", "password", url.Values{"email": {"nuova@alpha.example"}, "name": {"Nuova"}, "password": {"corta"}}, false, true},
		{"register e-mail", "/auth/register", "email", url.Values{"email": {"non è un indirizzo"}, "name": {"Nuova"}, "password": {"una password lunga"}}, false, true},
		{"password", "/auth/password", "current", url.Values{"current": {"sbagliata"}, "password": {"una nuova password"}}, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			name := ""
			if tc.signedIn {
				name = "bruno"
			}
			b := w.Browser(t, alpha, name)
			_, page := b.Send(alpha+tc.page, alpha+tc.page, tc.form)
			for _, want := range []string{`class="alert alert-danger error-summary" role="alert"`, "C&#39;è un problema",
				`<a href="#` + tc.field + `">`, `id="` + tc.field + `"`} {
				if !strings.Contains(page, want) {
					t.Errorf("the page lacks %s:\n%s", want, page)
				}
			}
			marked := regexp.MustCompile(`id="` + tc.field + `"[^>]*aria-invalid="true"`).MatchString(page)
			if tc.marked && !marked || strings.Count(page, `aria-invalid="true"`) > 1 {
				t.Errorf("the field in error is not marked, or another one is too")
			}
		})
	}
	// A form with no problem has no summary.
	_, page := w.Browser(t, alpha, "").Get(alpha + "/auth/login")
	if strings.Contains(page, "error-summary") {
		t.Error("a fresh sign-in form shows an error summary")
	}
}
