package proposal_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestSwitchedOff: the tenant admin's branding form offers to switch
// proposals off; once a look without them is published the section leaves
// the navigation, every route under /proposals answers 404, and the
// dashboard, inbox and search offer no proposal, at that tenant only.
func TestSwitchedOff(t *testing.T) {
	w := moduletest.New(t)
	admin, anna, bruno := w.Browser(t, alpha, "admin"), w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "bruno")
	if _, page := admin.Get(alpha + "/admin/branding"); !strings.Contains(page, `id="mod-proposal" name="modules" value="proposal" checked`) {
		t.Fatal("the branding form does not offer to switch proposals off")
	}
	id := write(t, admin, alpha, "Proposta spenta", url.Values{"public": {"1"}, "action": {"publish"}})
	exec(t, w, "UPDATE proposals SET author_id = ? WHERE id = ?", w.ID("alpha", "anna"), id)
	iid := express(t, bruno, id, "Offerta", "submit")
	if _, page := anna.Get(alpha + "/dashboard/inbox"); !strings.Contains(page, "/proposals/interests/"+iid) {
		t.Fatal("the inbox lacks the expression before switching off")
	}
	look := w.A.Brand.Published
	look.Off = []string{"proposal"}
	ctx := context.Background()
	if err := w.Reg.SaveDraft(ctx, w.A.ID, look); err != nil {
		t.Fatal(err)
	}
	if err := w.Reg.Publish(ctx, w.A.ID); err != nil {
		t.Fatal(err)
	}
	bruno.Eventually(alpha+"/proposals", "the section switched off", func(code int, _ string) bool { return code == 404 })
	for _, p := range []string{"/proposals", "/proposals/" + id, "/proposals/new", "/proposals/" + id + "/interest", "/proposals/interests/" + iid} {
		if code, _ := anna.Get(alpha + p); code != 404 {
			t.Errorf("switched off, %s answers %d", p, code)
		}
	}
	if code, _ := anna.Send(alpha+"/dashboard", alpha+"/proposals/interests/"+iid+"/do/relevant", nil); code != 404 {
		t.Errorf("switched off, a decision is taken: %d", code)
	}
	for _, p := range []string{"/dashboard", "/dashboard/inbox", "/search?q=spenta"} {
		if _, page := anna.Get(alpha + p); strings.Contains(page, `href="/proposals`) {
			t.Errorf("switched off, %s still shows proposals", p)
		}
	}
	if code, _ := w.Browser(t, beta, "anna").Get(beta + "/proposals"); code != 200 {
		t.Errorf("the other tenant lost proposals: %d", code)
	}
}
