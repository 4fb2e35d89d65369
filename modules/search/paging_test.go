package search_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/search"
	platformsearch "github.com/piazza-pa/piazza/platform/search"
)

var (
	hitRE  = regexp.MustCompile(`class="fw-semibold" href="(/[a-z]+/\d+)"`)
	moreRE = regexp.MustCompile(`href="([^"]*)" id="more"`)
)

// page reads a page of results: the hits' addresses and the next page's.
func page(t *testing.T, b *moduletest.Browser, u string) (hits []string, next string) {
	t.Helper()
	code, body := b.Get(alpha + u)
	if code != 200 {
		t.Fatalf("GET %s: %d", u, code)
	}
	for _, m := range hitRE.FindAllStringSubmatch(body, -1) {
		hits = append(hits, m[1])
	}
	if m := moreRE.FindStringSubmatch(body); m != nil {
		next = html.UnescapeString(m[1])
	}
	return hits, next
}

// insertNews writes n published news items of the whole tenant, written by
// the validator, whose title is title and number and whose body repeats
// word a varying number of times (so that they rank apart, some equally).
func insertNews(t *testing.T, w *moduletest.World, n int, title, word string) {
	t.Helper()
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO news (title, body, language, state, author_id, scope_kind, published_at)
			SELECT ? || ' ' || i, repeat(? || ' ', 1 + i % 7) || 'testo', 'it', 'published', ?, 'tenant', now()
			FROM generate_series(1, ?) AS i`, title, word, w.ID("alpha", "validator"), n)
		return err
	})
}

// TestPaging: results come a page at a time, each starting where the one
// before ended, none lost or repeated while items are added between pages;
// the last page has no next one; a cursor altered or taken from other
// words is a 404.
func TestPaging(t *testing.T) {
	w := moduletest.New(t)
	bruno := w.Browser(t, alpha, "bruno")
	// Three pages of matches, and three more items after each of the first
	// two: all of them within the window a search ranks (the newest
	// platformsearch.Window matches), where none may be lost.
	const total, added = 2*search.PageSize + 4, 3
	if total+2*added > platformsearch.Window {
		t.Fatalf("%d items are more than a search's window", total+2*added)
	}
	insertNews(t, w, total, "Lanterna", "lanterna")
	seen := map[string]int{}
	u, pages := "/search?q=lanterna", 0
	for u != "" {
		hits, next := page(t, bruno, u)
		if len(hits) > search.PageSize || (next != "" && len(hits) != search.PageSize) {
			t.Fatalf("page %d holds %d hits, next %q", pages, len(hits), next)
		}
		for _, h := range hits {
			seen[h]++
		}
		// Items added meanwhile, ranking both above and below the cursor.
		if pages < 2 {
			insertNews(t, w, added, fmt.Sprintf("Aggiunta %d", pages), "lanterna")
		}
		u, pages = next, pages+1
		if pages > 10 {
			t.Fatal("the pages do not end")
		}
	}
	var original int
	for h, n := range seen {
		if n > 1 {
			t.Errorf("%s shown %d times", h, n)
		}
	}
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		var ids []int64
		if err := tx.NewRaw("SELECT id FROM news WHERE title LIKE 'Lanterna %'").Scan(ctx, &ids); err != nil {
			return err
		}
		for _, id := range ids {
			if seen[fmt.Sprintf("/news/%d", id)] == 1 {
				original++
			}
		}
		return nil
	})
	if original != total || pages < 3 {
		t.Errorf("%d of the %d items found once, in %d pages", original, total, pages)
	}
	// Cursors: altered, from other words, or not cursors at all.
	_, next := page(t, bruno, "/search?q=lanterna")
	after := next[strings.Index(next, "after=")+len("after="):]
	after = after[:strings.IndexByte(after+"&", '&')]
	for _, bad := range []string{"/search?q=lanterne&after=" + after, "/search?q=lanterna&after=" + after[:len(after)-1] + "A",
		"/search?q=lanterna&after=garbage", "/search?q=lanterna&after=" + url.QueryEscape("%%%")} {
		if code, _ := bruno.Get(alpha + bad); code != 404 {
			t.Errorf("GET %s: %d, want 404", bad, code)
		}
	}
}

// TestRankedBelowHidden: an item the member may see is found even when
// many better-ranked items they may not see match too (someone else's
// drafts, a closed community's items): the visibility rules narrow the
// matches before they are ranked and cut, whether the index of the text
// finds them or the newest items are walked (a common word).
func TestRankedBelowHidden(t *testing.T) {
	w := moduletest.New(t)
	anna := w.ID("alpha", "anna")
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		var closed int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO communities (name, kind, created_by) VALUES ('Riservata', 'closed', ?) RETURNING id`, anna).Scan(&closed); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO community_members (community_id, user_id, role, state) VALUES (?, ?, 'manager', 'active')`, closed, anna); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO news (title, body, language, state, author_id, scope_kind, scope_communities, published_at)
			SELECT 'Velocipede velocipede ' || i, repeat('velocipede ', 20), 'it', CASE WHEN i % 2 = 0 THEN 'draft' ELSE 'published' END, ?,
				CASE WHEN i % 2 = 0 THEN 'tenant' ELSE 'communities' END, CASE WHEN i % 2 = 0 THEN '{}'::bigint[] ELSE ARRAY[?::bigint] END,
				CASE WHEN i % 2 = 0 THEN NULL ELSE now() END
			FROM generate_series(1, ?) AS i`, anna, closed, 3*search.PageSize)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO news (title, body, language, state, author_id, scope_kind, published_at)
			VALUES ('Mercato del sabato', 'Tra le bancarelle anche un velocipede.', 'it', 'published', ?, 'tenant', now())`, w.ID("alpha", "validator"))
		return err
	})
	bruno, annaB := w.Browser(t, alpha, "bruno"), w.Browser(t, alpha, "anna")
	for _, walk := range []bool{false, true} {
		if walk {
			analyzed(t, w, "velocipede")
		}
		hits, next := page(t, bruno, "/search?q=velocipede")
		if len(hits) != 1 || next != "" {
			t.Errorf("walk %v: bruno finds %v (next %q), want the one item he may see", walk, hits, next)
		}
		if hits, _ := page(t, annaB, "/search?q=velocipede"); len(hits) != search.PageSize {
			t.Errorf("walk %v: anna finds %d on the first page, want a full page", walk, len(hits))
		}
	}
}

// TestWindow: a word in more items than a search ranks (platformsearch.Window)
// finds the most recent of those the member may see, every one of them
// once across the pages: newer items they may not see (others' drafts)
// do not take the window's places, and the oldest are left out; the same
// once the word is known to be common, when the newest items are walked.
func TestWindow(t *testing.T) {
	w := moduletest.New(t)
	const old = 30
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO news (title, body, language, state, author_id, scope_kind, published_at, created_at)
			SELECT 'Campanile ' || i, repeat('campanile ', 1 + i % 5), 'it', 'published', ?0, 'tenant',
				now() - i * interval '1 hour', now() - i * interval '1 hour'
			FROM generate_series(1, ?1) AS i;
			INSERT INTO news (title, body, language, state, author_id, scope_kind, created_at)
			SELECT 'Bozza ' || i, 'campanile', 'it', 'draft', ?0, 'tenant', now() FROM generate_series(1, 50) AS i`,
			w.ID("alpha", "validator"), platformsearch.Window+old)
		return err
	})
	bruno := w.Browser(t, alpha, "bruno")
	readsWindow(t, w, bruno, "campanile", "Campanile %")
	analyzed(t, w, "campanile")
	readsWindow(t, w, bruno, "campanile", "Campanile %")
}

// analyzed has ANALYZE see tenant A's news and checks that the search
// for words then walks the newest items (search.Plan): the word is in
// most of them.
func analyzed(t *testing.T, w *moduletest.World, words string) {
	t.Helper()
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "ANALYZE news"); err != nil {
			return err
		}
		plan, err := platformsearch.Prepare(ctx, tx, words)
		if err != nil {
			return err
		}
		if plan.Walks("news", true) == 0 {
			t.Errorf("%q is read through the index of the text after ANALYZE", words)
		}
		return nil
	})
}

// readsWindow pages through the results of words as b and checks that
// they are the Window most recent items whose titles are like title, each
// once.
func readsWindow(t *testing.T, w *moduletest.World, b *moduletest.Browser, words, title string) {
	t.Helper()
	seen := map[string]bool{}
	for u, pages := "/search?q="+url.QueryEscape(words), 0; u != ""; pages++ {
		if pages > platformsearch.Window {
			t.Fatal("the pages do not end")
		}
		var hits []string
		hits, u = page(t, b, u)
		for _, h := range hits {
			if seen[h] {
				t.Errorf("%s shown twice", h)
			}
			seen[h] = true
		}
	}
	var want []string
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw("SELECT '/news/' || id FROM news WHERE title LIKE ? AND state = 'published' ORDER BY published_at DESC LIMIT ?", title, platformsearch.Window).Scan(ctx, &want)
	})
	missing := 0
	for _, h := range want {
		if !seen[h] {
			missing++
		}
	}
	if len(seen) != platformsearch.Window || missing > 0 {
		t.Errorf("found %d items, %d of the %d most recent missing", len(seen), missing, platformsearch.Window)
	}
}

// TestCommonButOld: a word in many items, none of them recent, is walked
// for (the statistics say it is common), the walk finds none among the
// newest items, and the index of the text finds the most recent of its
// matches after all: a full page, not an empty one.
func TestCommonButOld(t *testing.T) {
	w := moduletest.New(t)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO news (title, body, language, state, author_id, scope_kind, published_at, created_at)
			SELECT 'Dirigibile ' || i, 'dirigibile', 'it', 'published', ?0, 'tenant', now() - interval '2 years' - i * interval '1 hour', now() - interval '2 years'
			FROM generate_series(1, 300) AS i;
			INSERT INTO news (title, body, language, state, author_id, scope_kind, published_at, created_at)
			SELECT 'Mercato ' || i, 'bancarelle', 'it', 'published', ?0, 'tenant', now() - i * interval '1 minute', now()
			FROM generate_series(1, 400) AS i`, w.ID("alpha", "validator"))
		return err
	})
	analyzed(t, w, "dirigibile")
	hits, next := page(t, w.Browser(t, alpha, "bruno"), "/search?q=dirigibile")
	if len(hits) != search.PageSize || next == "" {
		t.Errorf("a common word, all its items old: %d hits (next %q), want a full page and more", len(hits), next)
	}
	readsWindow(t, w, w.Browser(t, alpha, "bruno"), "dirigibile", "Dirigibile %")
}

// TestCommonInAnotherLanguage: a word whose query in one language is
// common in the other ('innov', the English stem of "innovation", is the
// Italian stem of "innovazione") is walked for; the walk of its bound
// finds few items in its own language, and walking further finds them
// all: the Window most recent English items, not the few among the
// newest items holding 'innov' that the index of the text would give.
func TestCommonInAnotherLanguage(t *testing.T) {
	w := moduletest.New(t)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO news (title, body, language, state, author_id, scope_kind, published_at, created_at)
			SELECT CASE WHEN i % 6 = 0 THEN 'Innovation ' ELSE 'Innovazione ' END || i, CASE WHEN i % 6 = 0 THEN 'innovation' ELSE 'innovazione' END,
				CASE WHEN i % 6 = 0 THEN 'en' ELSE 'it' END, 'published', ?0, 'tenant', now() - i * interval '1 minute', now()
			FROM generate_series(1, 900) AS i`, w.ID("alpha", "validator"))
		return err
	})
	analyzed(t, w, "innovation")
	readsWindow(t, w, w.Browser(t, alpha, "bruno"), "innovation", "Innovation %")
}
