package file_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/tenant"
)

// TestStorageQuota: a file that would take alpha past its plan's storage is
// refused on the item's page with the reason, and neither its row nor its
// bytes are kept; once the plan is raised, the same file is taken.
func TestStorageQuota(t *testing.T) {
	w := moduletest.New(t)
	ctx := context.Background()
	plan := tenant.PlanInput{Slug: "piccolo", Name: "Piccolo", Members: "100", Storage: "100", Hosts: "0", IdPs: "0"}
	if _, err := w.Reg.CreatePlan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Reg.SetPlan(ctx, "alpha", "piccolo"); err != nil {
		t.Fatal(err)
	}
	anna := w.Browser(t, alpha, "anna")
	if code, _ := anna.Send(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {"Tavolo"}, "kind": {"closed"}}); code != 303 {
		t.Fatal(code)
	}
	_, page := anna.Get(alpha + "/communities")
	cid := regexp.MustCompile(`/communities/(\d+)`).FindStringSubmatch(page[strings.Index(page, `id="communities"`):])[1]
	res, _ := anna.Post(alpha+"/news/new", alpha+"/news", url.Values{"title": {"Verbale"}, "language": {"it"},
		"scope_kind": {"communities"}, "scope_communities": {cid}, "action": {"publish"}})
	if res.StatusCode != 303 {
		t.Fatal(res.StatusCode)
	}
	news := strings.TrimSuffix(res.Header.Get("Location"), "?done=1")
	item := "news/" + strings.TrimPrefix(news, "/news/")
	note := []byte(strings.Repeat("verbale ", 8)) // 64 bytes
	if code, body := upload(t, anna, alpha+news, item, "uno.txt", "text/plain", note); code != 303 {
		t.Fatalf("first file: %d\n%s", code, body)
	}
	code, body := upload(t, anna, alpha+news, item, "due.txt", "text/plain", note)
	if code != 422 || !strings.Contains(body, "Questo file porterebbe lo spazio del sito oltre quanto il suo piano consente") {
		t.Fatalf("a file past the plan: %d\n%s", code, body)
	}
	var rows int
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM attachments WHERE name = 'due.txt'").Scan(&rows)
	})
	if rows != 0 {
		t.Fatalf("the refused file has %d rows", rows)
	}
	plan.Storage = "1KiB"
	if _, err := w.Reg.UpdatePlan(ctx, "piccolo", plan); err != nil {
		t.Fatal(err)
	}
	if code, body := upload(t, anna, alpha+news, item, "due.txt", "text/plain", note); code != 303 {
		t.Fatalf("after the plan was raised: %d\n%s", code, body)
	}
}
