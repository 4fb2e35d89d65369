package discussion_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/keyset/keysettest"
)

var listRE = regexp.MustCompile(`<h2 class="h5 mb-1"><a href="/discussions/\d+">([^<]+)</a>`)

// TestListPages: the discussions come in pages of at most twenty that
// neither repeat nor skip a topic while topics are opened between one page
// and the next (three topics share each date); no page shows a topic out
// of the member's scope, someone else's draft or another tenant's; a
// cursor altered or taken from another list names no page.
func TestListPages(t *testing.T) {
	w := moduletest.New(t)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO discussions (title, language, state, scope_kind, published_at)
			SELECT 'Tema ' || lpad(i::text, 2, '0'), 'it', 'published', 'tenant', date_trunc('minute', now()) - make_interval(hours => i / 3)
			FROM generate_series(1, 45) AS i;
			INSERT INTO discussions (title, language, state, scope_kind, scope_themes, scope_communities, author_id, published_at) VALUES
			('Nascosto: tema', 'it', 'published', 'interests', '{aerospace}', '{}', NULL, now() - interval '2 hours'),
			('Nascosto: comunità', 'it', 'published', 'communities', '{}', '{999}', NULL, now() - interval '7 hours'),
			('Nascosto: bozza di Anna', 'it', 'draft', 'tenant', '{}', '{}', ?, NULL)`, w.ID("alpha", "anna"))
		return err
	})
	w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO discussions (title, language, state, scope_kind, published_at)
			SELECT 'Di Beta ' || i, 'it', 'published', 'tenant', now() - make_interval(mins => i) FROM generate_series(1, 30) AS i`)
		return err
	})
	var want []string
	for i := 1; i <= 45; i++ {
		want = append(want, fmt.Sprintf("Tema %02d", i))
	}
	added := 0
	open := func(int) {
		added++
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO discussions (title, language, state, scope_kind, published_at)
				VALUES ('Nuovo ' || ?, 'it', 'published', 'tenant', now())`, added)
			return err
		})
	}
	bruno := w.Browser(t, alpha, "bruno")
	seen := keysettest.Walk(t, bruno, alpha, "/discussions", listRE, open)
	missing, repeated, unexpected := keysettest.Once(seen, want, func(s string) bool { return strings.HasPrefix(s, "Nuovo ") })
	if len(missing)+len(repeated)+len(unexpected) > 0 {
		t.Errorf("walking the pages: missing %v, repeated %v, not for bruno %v", missing, repeated, unexpected)
	}
	if added < 3 {
		t.Errorf("%d pages, want at least 3", added)
	}

	_, page := bruno.Get(alpha + "/discussions")
	m := regexp.MustCompile(`href="/discussions\?after=([^"]+)" id="more"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the first page links no next page")
	}
	news := keyset.Cursor{Set: true, At: time.Now(), ID: 1}.Encode("news")
	for _, bad := range []string{"garbage", strings.ToUpper(m[1][:4]) + m[1][4:] + "x", m[1][1:], news} {
		if code, _ := bruno.Get(alpha + "/discussions?after=" + bad); code != 404 {
			t.Errorf("cursor %q: %d", bad, code)
		}
	}
}
