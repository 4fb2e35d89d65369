package dashboard_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestActivitiesTab: "My activities" is a tab of the dashboard with the
// number of things waiting for the member, counted in their own tenant
// only, and the count follows their answers.
func TestActivitiesTab(t *testing.T) {
	w := moduletest.New(t)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO news (title, language, state, scope_kind, author_id) VALUES ('Sportello unico', 'it', 'to_validate', 'tenant', ?)`,
			w.ID(w.A.Slug, "bruno"))
		return err
	})
	count := regexp.MustCompile(`id="inbox-link">Le mie attività\s*<span[^>]*id="waiting-count"[^>]*>([^<]+)</span>`)
	tab := func(b *moduletest.Browser, site, path string) string {
		t.Helper()
		_, page := b.Get(site + path)
		m := count.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("%s: no \"Le mie attività\" tab with its count", path)
		}
		return m[1]
	}
	validator := w.Browser(t, alpha, "validator")
	if n := tab(validator, alpha, "/dashboard"); n != "1" {
		t.Errorf("the validator's dashboard counts %s waiting, want 1", n)
	}
	_, inbox := validator.Get(alpha + "/dashboard/inbox")
	if n := tab(validator, alpha, "/dashboard/inbox"); n != "1" || !strings.Contains(inbox, "Qui trovi tutto ciò che aspetta una tua risposta") {
		t.Errorf("the inbox's tab counts %s, or its help is missing", n)
	}
	if n := tab(w.Browser(t, alpha, "anna"), alpha, "/dashboard"); n != "0" {
		t.Errorf("a member with nothing to answer counts %s", n)
	}
	if n := tab(w.Browser(t, beta, "validator"), beta, "/dashboard"); n != "0" {
		t.Errorf("beta's validator counts alpha's task: %s", n)
	}
	approve := regexp.MustCompile(`action="(/news/\d+/do/approve)"`).FindStringSubmatch(inbox)
	if approve == nil {
		t.Fatal("no approve form in the inbox")
	}
	if res, _ := validator.Post(alpha+"/dashboard/inbox", alpha+approve[1], url.Values{}); res.StatusCode >= 400 {
		t.Fatalf("approve: %d", res.StatusCode)
	}
	if n := tab(validator, alpha, "/dashboard"); n != "0" {
		t.Errorf("after the answer the dashboard still counts %s", n)
	}
}
