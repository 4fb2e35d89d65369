package partnership_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestAdminPage: only admins reach the page of imports; an upload shows
// the summary, or the problems of a refused file with their lines (and
// nothing written); the keyword mapping is kept there, applied at import
// and again to every profile with one button; the list filters by kind,
// theme, country and deadline; search finds profiles.
func TestAdminPage(t *testing.T) {
	w := moduletest.New(t)
	admin, anna := w.Browser(t, alpha, "admin"), w.Browser(t, alpha, "anna")
	if code, _ := anna.Get(alpha + "/admin/partnerships"); code != 403 {
		t.Errorf("a member reaches the admin page: %d", code)
	}
	if code, _ := upload(t, anna, alpha, "een.xml", []byte(sample()), false); code != 403 {
		t.Errorf("a member imports: %d", code)
	}
	add := func(keyword, theme string, want int) string {
		t.Helper()
		code, page := admin.Send(alpha+"/admin/partnerships", alpha+"/admin/partnerships/keywords", url.Values{"keyword": {keyword}, "theme": {theme}})
		if code != want {
			t.Errorf("mapping %s → %s: %d, want %d", keyword, theme, code, want)
		}
		return page
	}
	add(" CubeSat ", "aerospace", 200)
	if page := add("cubesat", "aerospace", 422); !strings.Contains(page, "dà già questo tema") {
		t.Error("a repeated row is not told")
	}
	add("cubesat", "nowhere", 422)
	bad := strings.Replace(sample(), "<type>RDR</type>", "<type>XX</type>", 1)
	code, page := upload(t, admin, alpha, "een.xml", []byte(bad), false)
	if code != 422 || !strings.Contains(page, "Riga 103, profilo 5 (RDDE20261105005)") {
		t.Errorf("a bad file: %d %s", code, excerpt(page, "problems"))
	}
	if n := query[int](t, w, "SELECT count(*) FROM partnerships"); n != 0 {
		t.Fatalf("a refused file wrote %d profiles", n)
	}
	if code, page := upload(t, admin, alpha, "een.xml", []byte(sample()), false); code != 200 || !strings.Contains(page, "8 creati, 0 aggiornati, 0 invariati, 0 scaduti") {
		t.Fatalf("the sample: %d %s", code, excerpt(page, "summary"))
	}
	fresh(t, w)
	if got := query[string](t, w, "SELECT themes::text FROM partnerships WHERE reference = 'TOIT20261002001'"); got != "{aerospace}" {
		t.Errorf("the cubesat profile's themes: %s", got)
	}
	add("06002004", "health", 200)
	if code, page := admin.Send(alpha+"/admin/partnerships", alpha+"/admin/partnerships/keywords/apply", nil); code != 200 || !strings.Contains(page, "Temi cambiati su 1 profili") {
		t.Errorf("apply: %d %s", code, excerpt(page, "message"))
	}
	filters(t, w, anna)
	kid := query[string](t, w, "SELECT id::text FROM partnership_keywords WHERE keyword = '06002004'")
	for _, want := range []int{200, 404} {
		if code, _ := admin.Send(alpha+"/admin/partnerships", alpha+"/admin/partnerships/keywords/"+kid+"/remove", nil); code != want {
			t.Errorf("remove: %d, want %d", code, want)
		}
	}
	if _, page := admin.Get(alpha + "/admin/audit"); !strings.Contains(page, "partnership.import") {
		t.Error("the import is not in the audit log")
	}
}

// filters: each filter of the list keeps the profiles it names.
func filters(t *testing.T, w *moduletest.World, anna *moduletest.Browser) {
	exec(t, w, "UPDATE partnerships SET deadline = current_date - 1 WHERE reference = 'BRES20260701004'")
	for q, want := range map[string]string{
		"theme=health": "tele-rehabilitation", "kind=business_request": "augmented-reality guides", "country=SE": "tele-rehabilitation",
		"deadline=past": "augmented-reality guides", "theme=aerospace&deadline=open": "composite brackets",
	} {
		_, page := anna.Get(alpha + "/partnerships?" + q)
		if n := strings.Count(page, `<li class="mb-4">`); n != 1 || !strings.Contains(page, want) {
			t.Errorf("?%s: %d profiles, want the one of %q", q, n, want)
		}
	}
	if _, page := anna.Get(alpha + "/search?q=rehabilitation"); !strings.Contains(page, "tele-rehabilitation") {
		t.Error("search does not find a profile")
	}
}

// excerpt is the part of page around the element of id.
func excerpt(page, id string) string {
	i := max(0, strings.Index(page, `id="`+id+`"`))
	return page[i:min(len(page), i+400)]
}
