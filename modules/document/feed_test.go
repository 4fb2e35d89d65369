package document_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// entryRE is an entry of the dashboard's feed: its label, address, title
// and the line under it (date and community).
var entryRE = regexp.MustCompile(`<span class="badge bg-light text-dark border">([^<]*)</span>\s*<h2 class="h5 mt-1 mb-1"><a href="([^"]+)">([^<]*)</a></h2>\s*<div class="small text-muted">([^<]*)</div>`)

// entry is what a member reads of an entry of their feed.
type entry struct{ label, url, title, line string }

// feedOf is the first page of b's feed at site.
func feedOf(t *testing.T, b *moduletest.Browser, site string) []entry {
	t.Helper()
	code, page := b.Get(site + "/dashboard")
	if code != 200 {
		t.Fatalf("dashboard: %d", code)
	}
	var out []entry
	for _, m := range entryRE.FindAllStringSubmatch(page, -1) {
		out = append(out, entry{html.UnescapeString(m[1]), m[2], html.UnescapeString(m[3]), html.UnescapeString(m[4])})
	}
	return out
}

// at is where the entry of path is in es (-1: absent).
func at(es []entry, path string) int {
	return slices.IndexFunc(es, func(e entry) bool { return e.url == path })
}

// TestFeed: a document added or given a new version shows on the
// dashboards of those its library shows it to — a community's to its
// members, the tenant library's by its scope — and on no one else's,
// another tenant's member of the same id included, at the top and again
// at each version (a restore is one; an edit is not); those who see it are
// told of it, the tenant library's documents included. The dashboards are
// read before each change, so that what shows comes through the cache's
// invalidation, also of a change written by another replica; a tenant that
// switches documents off has none in its feed.
func TestFeed(t *testing.T) {
	w := moduletest.New(t)
	admin, bruno, carla := w.Browser(t, alpha, "admin"), w.Browser(t, alpha, "bruno"), w.Browser(t, alpha, "carla")
	otherBruno := w.Browser(t, beta, "bruno")
	if w.ID("alpha", "bruno") != w.ID("beta", "bruno") {
		t.Fatal("the test needs a member of the same id in both tenants")
	}
	w.StartJobs(t, time.Now)
	cid := newCommunity(t, admin, "Tavolo riservato", "closed")
	join(t, w, admin, bruno, cid, "bruno")
	for _, b := range []*moduletest.Browser{bruno, carla} {
		feedOf(t, b, alpha) // kept from now on, until a change
	}
	feedOf(t, otherBruno, beta)

	verbale := addFile(t, admin, cid, "", "Verbale di maggio", url.Values{"body": {"Le decisioni del tavolo."}}, file{"verbale.pdf", "application/pdf", pdf})
	regolamento := addFile(t, admin, "", "", "Regolamento interno", nil, file{"regolamento.pdf", "application/pdf", pdf})
	delibera := addFile(t, admin, "", "", "Delibera riservata", url.Values{"scope_kind": {"communities"}, "scope_communities": {cid}},
		file{"delibera.pdf", "application/pdf", pdf})
	es := feedOf(t, bruno, alpha)
	if got := []int{at(es, delibera), at(es, regolamento), at(es, verbale)}; !slices.Equal(got, []int{0, 1, 2}) {
		t.Fatalf("the member's feed: %+v, want the three documents, the latest first", es)
	}
	if e := es[2]; e.label != "Documento" || e.title != "Verbale di maggio" || !strings.HasSuffix(e.line, " · Tavolo riservato") {
		t.Errorf("the community's document reads %+v", e)
	}
	es = feedOf(t, carla, alpha)
	if at(es, regolamento) < 0 || at(es, delibera) >= 0 || at(es, verbale) >= 0 {
		t.Errorf("a member outside the community: %+v, want the tenant-wide document only", es)
	}
	if es := feedOf(t, otherBruno, beta); len(es) != 0 {
		t.Errorf("the other tenant's member of the same id: %+v", es)
	}

	// Told: the community's member of all three, the others of what they see.
	bruno.Eventually(alpha+"/notifications", "the member's notifications", func(_ int, page string) bool {
		return strings.Contains(page, "Nuovo documento: Verbale di maggio") && strings.Contains(page, "Nuovo documento: Regolamento interno") &&
			strings.Contains(page, "Nuovo documento: Delibera riservata")
	})
	carla.Eventually(alpha+"/notifications", "the tenant library's notification", func(_ int, page string) bool {
		return strings.Contains(page, "Nuovo documento: Regolamento interno")
	})
	if _, page := carla.Get(alpha + "/notifications"); strings.Contains(page, "Verbale di maggio") || strings.Contains(page, "Delibera riservata") {
		t.Error("a member outside the community is told of its documents")
	}

	t.Run("a new version comes back to the top, an edit does not", func(t *testing.T) {
		if code, _, body := send(t, admin, alpha+verbale+"/versions", nil, &file{"verbale-v2.pdf", "application/pdf", pdfV2}); code != 303 {
			t.Fatalf("version 2: %d %s", code, excerpt(body))
		}
		res, _ := admin.Post(alpha+regolamento, alpha+regolamento+"/edit", url.Values{"kind": {"file"}, "title": {"Regolamento interno"},
			"body": {"Aggiornata la descrizione."}, "language": {"it"}, "scope_kind": {"tenant"}})
		if res.StatusCode != 303 {
			t.Fatalf("edit: %d", res.StatusCode)
		}
		es := feedOf(t, bruno, alpha)
		if got := []int{at(es, verbale), at(es, delibera), at(es, regolamento)}; !slices.Equal(got, []int{0, 1, 2}) {
			t.Fatalf("after a version and an edit: %+v", es)
		}
		if es[0].label != "Documento, nuova versione" {
			t.Errorf("a new version is labelled %q", es[0].label)
		}
		if at(feedOf(t, carla, alpha), verbale) >= 0 {
			t.Error("the new version shows to a member outside the community")
		}
		if res, _ := admin.Post(alpha+regolamento, alpha+regolamento+"/versions/1/restore", url.Values{}); res.StatusCode != 303 {
			t.Fatalf("restore: %d", res.StatusCode)
		}
		if es := feedOf(t, carla, alpha); at(es, regolamento) != 0 || es[0].label != "Documento, nuova versione" {
			t.Errorf("a restored version does not come back: %+v", es)
		}
		bruno.Eventually(alpha+"/notifications", "the new version's notification", func(_ int, page string) bool {
			return strings.Contains(page, "Nuova versione del documento Verbale di maggio")
		})
	})

	t.Run("a change written elsewhere shows", func(t *testing.T) {
		w.Elsewhere(t, w.A, "UPDATE documents SET title = 'Delibera riletta altrove' WHERE id = "+last(delibera))
		bruno.Eventually(alpha+"/dashboard", "the title changed elsewhere", func(_ int, page string) bool {
			return strings.Contains(page, "Delibera riletta altrove")
		})
	})

	t.Run("none while documents are switched off", func(t *testing.T) {
		// The tenant's admin leaves every module on but documents, and publishes.
		_, page := admin.Get(alpha + "/admin/branding")
		on := url.Values{"modules_form": {"1"}}
		for _, m := range regexp.MustCompile(`name="modules" value="([a-z_]+)"`).FindAllStringSubmatch(page, -1) {
			if m[1] != "document" {
				on.Add("modules", m[1])
			}
		}
		if len(on["modules"]) == 0 {
			t.Fatal("the branding form lists no module")
		}
		for _, p := range []string{"/admin/branding", "/admin/branding/publish"} {
			if res, _ := admin.Post(alpha+"/admin/branding", alpha+p, clone(on)); res.StatusCode != 200 {
				t.Fatalf("%s: %d", p, res.StatusCode)
			}
		}
		if code, _ := bruno.Get(alpha + "/documents"); code != 404 {
			t.Fatalf("switched off, the library answers %d", code)
		}
		if _, page := bruno.Get(alpha + "/dashboard"); strings.Contains(page, `href="/documents/`) || !strings.Contains(page, `id="feed"`) {
			t.Error("switched off, the feed still shows documents")
		}
	})
}

// TestFeedPages: with documents, news and other communities' documents
// dated alike, the member's feed walked page by page shows every document
// and item they may see once, in feed order (the latest first; at the
// same time documents before news, then the latest added first), none of
// those of a community they are not in nor of a scope that leaves them
// out; stored-XSS payloads in the documents' names, descriptions and
// community's name are inert on every page.
func TestFeedPages(t *testing.T) {
	w := moduletest.New(t)
	admin, bruno := w.Browser(t, alpha, "admin"), w.Browser(t, alpha, "bruno")
	mine, other := newCommunity(t, admin, "Tavolo", "closed"), newCommunity(t, admin, "Altro tavolo", "closed")
	join(t, w, admin, bruno, mine, "bruno")
	type item struct {
		url string
		at  time.Time
		doc bool
		id  int64
	}
	var want []item
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE communities SET name = ? WHERE id = ?", cut(webtest.Payloads[0], 100), mine); err != nil {
			return err
		}
		add := func(doc bool, q string, when time.Time, args ...any) error {
			var id int64
			if err := tx.QueryRowContext(ctx, q, args...).Scan(&id); err != nil {
				return err
			}
			if doc {
				want = append(want, item{fmt.Sprintf("/documents/%d", id), when, true, id})
			} else {
				want = append(want, item{fmt.Sprintf("/news/%d", id), when, false, id})
			}
			return nil
		}
		const insertDoc = `INSERT INTO documents (community_id, kind, title, body, link, scope_kind, scope_communities, feed_at)
			VALUES (?0, 'link', ?1, ?2, 'https://example.org/', 'communities', ARRAY[?0]::bigint[], ?3) RETURNING id`
		for i := range 36 { // three a minute
			when := base.Add(-time.Duration(i/3) * time.Minute)
			p := webtest.Payloads[i%len(webtest.Payloads)]
			if err := add(true, insertDoc, when, mine, fmt.Sprintf("%02d %s", i, cut(p, 190)), p, when); err != nil {
				return err
			}
			if i%5 == 0 { // out of sight: another community's, dated alike
				if _, err := tx.ExecContext(ctx, insertDoc, other, fmt.Sprintf("Fuori %02d", i), "", when); err != nil {
					return err
				}
			}
			if i%4 == 0 {
				err := add(false, `INSERT INTO news (title, language, state, scope_kind, published_at) VALUES (?, 'it', 'published', 'tenant', ?) RETURNING id`,
					when, fmt.Sprintf("Notizia %02d", i), when)
				if err != nil {
					return err
				}
			}
		}
		// The tenant library: one for everyone, one for the other community.
		when := base.Add(-90 * time.Second)
		if err := add(true, `INSERT INTO documents (kind, title, link, scope_kind, feed_at) VALUES ('link', 'Per tutti', 'https://example.org/', 'tenant', ?) RETURNING id`,
			when, when); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO documents (kind, title, link, scope_kind, scope_communities, feed_at)
			VALUES ('link', 'Fuori dal tenant', 'https://example.org/', 'communities', ARRAY[?]::bigint[], ?)`, other, when)
		return err
	})
	slices.SortStableFunc(want, func(a, b item) int {
		switch {
		case !a.at.Equal(b.at):
			return b.at.Compare(a.at)
		case a.doc != b.doc: // "document" < "news"
			if a.doc {
				return -1
			}
			return 1
		}
		return int(b.id - a.id)
	})
	var seen []string
	next := "/dashboard"
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("the feed does not end")
		}
		code, page := bruno.Get(alpha + next)
		if code != 200 {
			t.Fatalf("%s: %d", next, code)
		}
		if bad := webtest.Inert(page); bad != "" {
			t.Errorf("%s: %s", next, bad)
		}
		for _, m := range entryRE.FindAllStringSubmatch(page, -1) {
			seen = append(seen, m[2])
		}
		next = ""
		if m := regexp.MustCompile(`href="(/dashboard\?after=[^"]+)" id="more"`).FindStringSubmatch(page); m != nil {
			next = html.UnescapeString(m[1])
		}
	}
	urls := make([]string, len(want))
	for i, it := range want {
		urls[i] = it.url
	}
	if !slices.Equal(seen, urls) {
		t.Errorf("the feed, page by page:\n%v\nwant\n%v", seen, urls)
	}
	_, page := bruno.Get(alpha + "/dashboard")
	if !strings.Contains(page, "00 &lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(page, "· &lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the payloads in a document's name and its community's are not shown as text (unchecked)")
	}
}
