package document_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/quota"
	"github.com/piazza-pa/piazza/tenant"
)

// TestStorageQuota: every version's bytes count against the site's
// storage (the admins' usage shows them); a new document, a new version
// or a restored one past the plan is refused with the plan's reason and
// leaves no row and no file; once the plan is raised they are taken.
func TestStorageQuota(t *testing.T) {
	w := moduletest.New(t)
	ctx := context.Background()
	plan := tenant.PlanInput{Slug: "piccolo", Name: "Piccolo", Members: "100", Storage: "200", Hosts: "0", IdPs: "0"}
	if _, err := w.Reg.CreatePlan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Reg.SetPlan(ctx, "alpha", "piccolo"); err != nil {
		t.Fatal(err)
	}
	anna := w.Browser(t, alpha, "anna")
	cid := newCommunity(t, anna, "Tavolo", "closed")
	note := []byte(strings.Repeat("verbale ", 10)) // 80 bytes
	doc := addFile(t, anna, cid, "", "Verbale", nil, file{"uno.txt", "text/plain", note})
	if code, _, body := send(t, anna, alpha+doc+"/versions", nil, &file{"due.txt", "text/plain", append(note, '!')}); code != 303 {
		t.Fatalf("second version: %d %s", code, excerpt(body))
	}
	usage := func() int64 {
		var u quota.Usage
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			var err error
			u, err = quota.Read(ctx, tx)
			return err
		})
		return u.StorageBytes
	}
	if got := usage(); got != 161 {
		t.Errorf("the usage counts %d bytes, want the two versions' 161", got)
	}
	const past = "Questo file porterebbe lo spazio del sito oltre quanto il suo piano consente"
	rows := func() int {
		return count(t, w, "SELECT count(*) FROM attachments") + count(t, w, "SELECT count(*) FROM document_versions") +
			count(t, w, "SELECT count(*) FROM documents")
	}
	before := rows()
	code, _, body := send(t, anna, alpha+doc+"/versions", nil, &file{"tre.txt", "text/plain", note})
	if code != 422 || !strings.Contains(body, past) || !strings.Contains(body, `id="file-refused"`) {
		t.Errorf("a version past the plan: %d", code)
	}
	if res, body := anna.Post(alpha+doc, alpha+doc+"/versions/1/restore", url.Values{}); res.StatusCode != 422 || !strings.Contains(body, past) {
		t.Errorf("a restored version past the plan: %d", res.StatusCode)
	}
	code, _, body = send(t, anna, alpha+"/documents", url.Values{"kind": {"file"}, "title": {"Troppo"}, "language": {"it"}, "community": {cid}},
		&file{"quattro.txt", "text/plain", note})
	if code != 422 || !strings.Contains(body, past) {
		t.Errorf("a new document past the plan: %d", code)
	}
	if after := rows(); after != before || usage() != 161 {
		t.Errorf("refusals wrote rows (%d → %d) or bytes (%d)", before, after, usage())
	}
	plan.Storage = "1KiB"
	if _, err := w.Reg.UpdatePlan(ctx, "piccolo", plan); err != nil {
		t.Fatal(err)
	}
	if res, _ := anna.Post(alpha+doc, alpha+doc+"/versions/1/restore", url.Values{}); res.StatusCode != 303 {
		t.Errorf("restore once the plan is raised: %d", res.StatusCode)
	}
	if got := usage(); got != 241 {
		t.Errorf("the usage counts %d bytes after the restore, want 241", got)
	}
}
