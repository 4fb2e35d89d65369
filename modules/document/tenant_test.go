package document_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestTenantLibrary: the tenant's admins fill /documents; each document
// is seen as its publication scope says (guests see the public ones);
// members and other tenants change nothing.
func TestTenantLibrary(t *testing.T) {
	w := moduletest.New(t)
	admin, anna, guest, other := w.Browser(t, alpha, "admin"), w.Browser(t, alpha, "anna"), w.Browser(t, alpha, ""), w.Browser(t, beta, "admin")
	if _, page := anna.Get(alpha + "/documents"); strings.Contains(page, `id="add-document"`) || strings.Contains(page, `id="new-folder"`) {
		t.Error("a member is offered to add to the tenant library")
	}
	folder := addFolder(t, admin, "", "", "Modulistica")
	public := addFile(t, admin, "", last(folder), "Modulo pubblico", url.Values{"public": {"1"}}, file{"modulo.pdf", "application/pdf", pdf})
	members := addFile(t, admin, "", last(folder), "Regolamento interno", nil, file{"regolamento.pdf", "application/pdf", pdf})
	cid := newCommunity(t, admin, "Giunta", "closed")
	scoped := addFile(t, admin, "", last(folder), "Delibera riservata", url.Values{"scope_kind": {"communities"}, "scope_communities": {cid}},
		file{"delibera.pdf", "application/pdf", pdf})

	for who, c := range map[string]struct {
		b    *moduletest.Browser
		sees []string
	}{
		"guest":  {guest, []string{public}},
		"member": {anna, []string{public, members}},
		"admin":  {admin, []string{public, members, scoped}},
	} {
		_, page := c.b.Get(alpha + folder)
		for _, d := range []string{public, members, scoped} {
			want := false
			for _, s := range c.sees {
				want = want || s == d
			}
			if got := strings.Contains(page, `href="`+d+`"`); got != want {
				t.Errorf("%s sees %s in the folder: %v", who, d, got)
			}
			code, _, _ := download(t, c.b, alpha+d+"/versions/1")
			if (code == 200) != want || (!want && code != 404) {
				t.Errorf("%s downloads %s: %d", who, d, code)
			}
		}
	}
	if code, _ := other.Get(beta + public); code != 404 {
		t.Errorf("another tenant's admin reads the public document: %d", code)
	}
	if code, _ := other.Get(beta + folder); code != 404 {
		t.Errorf("another tenant's admin opens the folder: %d", code)
	}
	// Only the tenant's admins add, change and remove.
	refused := map[string]url.Values{
		"/documents/folders":            {"name": {"Mia"}},
		folder + "/edit":                {"name": {"Rinominata"}},
		folder + "/delete":              {},
		members + "/edit":               {"kind": {"file"}, "title": {"Preso"}, "language": {"it"}, "scope_kind": {"tenant"}},
		members + "/delete":             {},
		members + "/versions/1/restore": {},
		"/documents":                    {"kind": {"link"}, "title": {"Intruso"}, "link": {"https://example.org"}, "language": {"it"}, "scope_kind": {"tenant"}},
	}
	for p, form := range refused {
		if res, _ := anna.Post(alpha+"/documents", alpha+p, clone(form)); res.StatusCode != 403 {
			t.Errorf("a member POST %s: %d", p, res.StatusCode)
		}
		if p == "/documents/folders" || p == "/documents" {
			continue // the other tenant's admin adds to their own library
		}
		if res, _ := other.Post(beta+"/documents", beta+p, clone(form)); res.StatusCode != 404 {
			t.Errorf("another tenant's admin POST %s: %d", p, res.StatusCode)
		}
	}
	if n := count(t, w, "SELECT count(*) FROM documents WHERE title IN ('Preso', 'Intruso')") +
		count(t, w, "SELECT count(*) FROM document_folders WHERE name IN ('Mia', 'Rinominata')"); n != 0 {
		t.Errorf("refused requests wrote %d rows", n)
	}
	// A link must be of the web.
	for _, bad := range []string{"javascript:alert(1)", "ftp://example.org/x", "https://", "https://exa mple.org", "//example.org"} {
		res, body := admin.Post(alpha+"/", alpha+"/documents", url.Values{"kind": {"link"}, "title": {"Cattivo"}, "link": {bad}, "language": {"it"}, "scope_kind": {"tenant"}})
		if res.StatusCode != 422 || !strings.Contains(body, "http:// o https://") {
			t.Errorf("link %q: %d", bad, res.StatusCode)
		}
	}
	if n := count(t, w, "SELECT count(*) FROM documents WHERE title = 'Cattivo'"); n != 0 {
		t.Errorf("%d bad links kept", n)
	}
}

// clone is a copy of form (a post adds its CSRF token to the form).
func clone(form url.Values) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = append([]string(nil), v...)
	}
	return out
}
