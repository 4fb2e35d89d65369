package profile_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// The profile form refused sums up its problems above it, each a link to
// its field, and its text fields are typed (drawn with a visible line).
func TestProfileFormSummary(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	code, page := anna.Send(alpha+"/profile", alpha+"/profile", url.Values{"name": {"A"}, "bio": {strings.Repeat("x", 2001)}, "notify_frequency": {"daily"}})
	if code != 422 || !strings.Contains(page, "error-summary") {
		t.Fatalf("a refused profile: %d, no error summary", code)
	}
	summary := page[strings.Index(page, "error-summary"):]
	summary = summary[:strings.Index(summary, "</ul>")]
	for _, want := range []string{`<a href="#name">Indica un nome da 2 a 120 caratteri.</a>`, `<a href="#bio">Scrivi al massimo 2.000 caratteri.</a>`} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary lacks %s", want)
		}
	}
	for _, field := range []string{"name", "competencies"} {
		if !regexp.MustCompile(`<input type="text" class="form-control[^"]*" id="` + field + `"`).MatchString(page) {
			t.Errorf("the field %s is not a typed input", field)
		}
	}
	if _, page := anna.Get(alpha + "/people"); !strings.Contains(page, `<input type="search" class="form-control" id="q"`) ||
		!strings.Contains(page, `<input type="text" class="form-control" id="competency"`) {
		t.Error("the directory's filters are not typed inputs")
	}
}
