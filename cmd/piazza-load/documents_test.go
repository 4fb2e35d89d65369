package main

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// TestSeedDocuments: -documents fills the communities' libraries and the
// tenant's with folders (some by year), links and files whose versions
// are stored as uploads are (bytes in the files directory, counted in the
// tenant's storage) and dated after their document; a community's
// documents are for its members. A member opens their community's
// library and downloads a seeded version, which holds what was stored;
// seeding again with the same figures writes nothing more.
func TestSeedDocuments(t *testing.T) {
	w := moduletest.New(t)
	ctx := context.Background()
	f := figures{Users: 12, Communities: 3, Joins: 2, Documents: 60, Seed: 1}
	o := seedOptions{tenants: 1, prefix: "docs", password: testPassword, files: w.Files, progress: io.Discard}
	sites, err := seedTenants(ctx, w.Reg, f, o)
	if err != nil {
		t.Fatal(err)
	}
	tn, err := w.Reg.Get(ctx, "docs-0001")
	if err != nil {
		t.Fatal(err)
	}
	countsAre(t, w, tn, map[string]int{
		"SELECT count(*) FROM documents": 60,
		// files have one to three versions, links none
		"SELECT count(*) FROM documents WHERE kind = 'file' AND versions NOT BETWEEN 1 AND 3 OR kind = 'link' AND versions <> 0":   0,
		"SELECT count(*) FROM documents d WHERE versions <> (SELECT count(*) FROM document_versions v WHERE v.document_id = d.id)": 0,
		// a community's documents are scoped to it, the tenant's never
		"SELECT count(*) FROM documents WHERE community_id IS NOT NULL AND scope_communities <> ARRAY[community_id]":                          0,
		"SELECT count(*) FROM documents WHERE community_id IS NULL AND scope_kind = 'communities'":                                            0,
		"SELECT count(*) FROM documents d JOIN document_folders f ON f.id = d.folder_id WHERE f.community_id IS DISTINCT FROM d.community_id": 0,
		// versions come after their document, the feed's date is the last one's
		`SELECT count(*) FROM document_versions v JOIN documents d ON d.id = v.document_id
			WHERE v.created_at < d.created_at OR v.created_at > now()`: 0,
		`SELECT count(*) FROM documents d WHERE d.kind = 'file'
			AND d.feed_at <> (SELECT max(v.created_at) FROM document_versions v WHERE v.document_id = d.id)`: 0,
		// the versions' bytes count against the tenant's storage
		"SELECT count(*) FROM attachments WHERE content_type = 'document' AND size <= 0": 0,
	})
	var stats struct{ files, links, community, nested, dated int }
	w.In(t, tn, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE kind = 'file'), count(*) FILTER (WHERE kind = 'link'),
			count(*) FILTER (WHERE community_id IS NOT NULL),
			(SELECT count(*) FROM document_folders WHERE parent_id IS NOT NULL),
			count(DISTINCT date_trunc('month', created_at)) FROM documents`).
			Scan(&stats.files, &stats.links, &stats.community, &stats.nested, &stats.dated)
	})
	if stats.files < 30 || stats.links < 4 || stats.community < 20 || stats.community > 50 || stats.dated < 12 {
		t.Errorf("documents seeded: %+v", stats)
	}

	// A member opens one of their communities' libraries (the "library"
	// page kind) and downloads a file's version listed there.
	pages, err := parsePages("library", sites)
	if err != nil {
		t.Fatal(err)
	}
	var m *Member
	var cid int64
	w.In(t, tn, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT community_id FROM documents WHERE community_id IS NOT NULL AND kind = 'file' AND folder_id IS NULL
			ORDER BY id LIMIT 1`).Scan(&cid)
	})
	for i := range sites[0].Members {
		for _, c := range sites[0].Members[i].Communities {
			if c == cid {
				m = &sites[0].Members[i]
			}
		}
	}
	if m == nil {
		t.Fatalf("no member of community %d", cid)
	}
	only := *m
	only.Communities = []int64{cid}
	path := pages[0].path(rand.New(rand.NewPCG(1, 2)), &sites[0], &only)
	b := webtest.NewBrowser(t, w.Addr)
	u, _ := url.Parse("http://" + sites[0].Host)
	b.Client.Jar.SetCookies(u, []*http.Cookie{{Name: session.CookieName, Value: m.Cookie}})
	code, page := b.Get(u.String() + path)
	doc := regexp.MustCompile(`href="(/documents/\d+)"`).FindStringSubmatch(page)
	if code != 200 || doc == nil {
		t.Fatalf("%s as a member: %d, no document listed", path, code)
	}
	code, page = b.Get(u.String() + doc[1])
	dl := regexp.MustCompile(`href="(/documents/\d+/versions/\d+)"`).FindStringSubmatch(page)
	if code != 200 || dl == nil {
		t.Fatalf("%s: %d, no version to download", doc[1], code)
	}
	code, body := b.Get(u.String() + dl[1])
	if code != 200 || len(strings.TrimSpace(body)) < 20 {
		t.Errorf("%s: %d, %q", dl[1], code, body)
	}

	// Seeding again finds the tenant filled with the same figures.
	if _, err := seedTenants(ctx, w.Reg, f, o); err != nil {
		t.Fatal(err)
	}
	countsAre(t, w, tn, map[string]int{"SELECT count(*) FROM documents": 60})
	f.Documents = 61
	if _, err := seedTenants(ctx, w.Reg, f, o); err == nil || !strings.Contains(err.Error(), "60 documents") {
		t.Errorf("seeding other figures: %v", err)
	}
}
