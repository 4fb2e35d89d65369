package news_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/keyset/keysettest"
)

var listRE = regexp.MustCompile(`<h2 class="h5 mb-1"><a href="/news/\d+">([^<]+)</a>`)

// TestListPages: the news list comes in pages of at most twenty, newest
// first, that neither repeat nor skip an item while items are published
// between one page and the next (five items share each date, so pages end
// between items of the same date); no page shows what the reader may not
// see or another tenant's items; a cursor altered, taken from another list
// or not a cursor names no page.
func TestListPages(t *testing.T) {
	w := moduletest.New(t)
	anna := w.ID("alpha", "anna")
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO news (title, language, state, scope_kind, public, published_at)
			SELECT 'Notizia ' || lpad(i::text, 2, '0'), 'it', 'published', 'tenant', i % 2 = 0, date_trunc('minute', now()) - make_interval(hours => i / 5)
			FROM generate_series(1, 50) AS i;
			INSERT INTO news (title, language, state, scope_kind, scope_themes, scope_communities, author_id, published_at, publish_from) VALUES
			('Nascosta: tema', 'it', 'published', 'interests', '{aerospace}', '{}', NULL, now() - interval '3 hours', NULL),
			('Nascosta: comunità', 'it', 'published', 'communities', '{}', '{999}', NULL, now() - interval '4 hours', NULL),
			('Nascosta: programmata', 'it', 'published', 'tenant', '{}', '{}', NULL, now() - interval '5 hours', now() + interval '1 day');
			INSERT INTO news (title, language, state, scope_kind, author_id) VALUES
			('Nascosta: bozza di Anna', 'it', 'draft', 'tenant', ?0), ('Nascosta: da validare', 'it', 'to_validate', 'tenant', ?0)`, anna)
		return err
	})
	w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO news (title, language, state, scope_kind, public, published_at)
			SELECT 'Di Beta ' || i, 'it', 'published', 'tenant', true, now() - make_interval(mins => i) FROM generate_series(1, 30) AS i`)
		return err
	})
	var all, public []string
	for i := 1; i <= 50; i++ {
		all = append(all, fmt.Sprintf("Notizia %02d", i))
		if i%2 == 0 {
			public = append(public, fmt.Sprintf("Notizia %02d", i))
		}
	}
	added := 0
	publish := func(int) {
		added++
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO news (title, language, state, scope_kind, public, published_at)
				VALUES ('Nuova ' || ?, 'it', 'published', 'tenant', true, now())`, added)
			return err
		})
	}
	isNew := func(s string) bool { return strings.HasPrefix(s, "Nuova ") }
	for _, who := range []string{"bruno", ""} {
		want := all
		if who == "" {
			want = public
		}
		seen := keysettest.Walk(t, w.Browser(t, alpha, who), alpha, "/news", listRE, publish)
		missing, repeated, unexpected := keysettest.Once(seen, want, isNew)
		if len(missing)+len(repeated)+len(unexpected) > 0 {
			t.Errorf("%q walking the pages: missing %v, repeated %v, not for them %v", who, missing, repeated, unexpected)
		}
		// Newest first; of the same date, the later written first.
		order := slices.Clone(want)
		slices.SortStableFunc(order, func(a, b string) int {
			var i, j int
			fmt.Sscanf(a, "Notizia %d", &i)
			fmt.Sscanf(b, "Notizia %d", &j)
			if i/5 != j/5 {
				return i/5 - j/5
			}
			return j - i
		})
		if got := slices.DeleteFunc(slices.Clone(seen), isNew); !slices.Equal(got, order) {
			t.Errorf("%q: the pages show %v, want %v", who, got, order)
		}
	}

	// Cursors: altered, another list's, not one, or out of range: 404.
	bruno := w.Browser(t, alpha, "bruno")
	_, page := bruno.Get(alpha + "/news")
	m := regexp.MustCompile(`href="/news\?after=([^"]+)" id="more"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the first page links no next page")
	}
	cur := m[1]
	if code, _ := bruno.Get(alpha + "/news?after=" + cur); code != 200 {
		t.Fatalf("the next page: %d", code)
	}
	last := "A"
	if strings.HasSuffix(cur, "A") {
		last = "B"
	}
	other := keyset.Cursor{Set: true, At: time.Now(), ID: 1}.Encode("discussion")
	far := keyset.Cursor{Set: true, At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), ID: 1}.Encode("news")
	for _, bad := range []string{"garbage", cur[:len(cur)-1] + last, cur + "A", "A" + cur, other, far} {
		if code, _ := bruno.Get(alpha + "/news?after=" + bad); code != 404 {
			t.Errorf("cursor %q: %d", bad, code)
		}
	}
	// A cursor written by hand for the list only says where the page
	// starts: what follows is still only what the reader sees.
	start := keyset.Cursor{Set: true, At: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), ID: 1}.Encode("news")
	_, page = w.Browser(t, alpha, "").Get(alpha + "/news?after=" + start)
	for _, r := range listRE.FindAllStringSubmatch(page, -1) {
		if !slices.Contains(public, r[1]) && !isNew(r[1]) {
			t.Errorf("a guest's page from a hand-written cursor shows %q", r[1])
		}
	}
}
