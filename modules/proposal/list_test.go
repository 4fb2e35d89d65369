package proposal_test

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

var listRE = regexp.MustCompile(`<h2 class="h5 mb-1"><a href="/proposals/\d+">([^<]+)</a>`)

// TestListPages: the list comes in pages of at most twenty, newest first,
// that neither repeat nor skip a proposal while proposals are published
// between pages, with each filter kept on the pages' links; closed
// proposals stay listed, drafts of others and another tenant's never; a
// cursor altered or from another list is a 404.
func TestListPages(t *testing.T) {
	w := moduletest.New(t)
	anna := w.ID("alpha", "anna")
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO proposals (title, kind, trl, themes, language, state, scope_kind, public, published_at)
			SELECT 'Proposta ' || lpad(i::text, 2, '0'), (ARRAY['research','technology','challenge'])[1 + i % 3], 1 + i % 9,
				CASE WHEN i % 2 = 0 THEN '{health}'::text[] ELSE '{aerospace}' END, 'it', CASE WHEN i % 4 = 0 THEN 'closed' ELSE 'published' END,
				'tenant', i % 2 = 0, date_trunc('minute', now()) - make_interval(hours => i / 5)
			FROM generate_series(1, 45) AS i;
			INSERT INTO proposals (title, kind, trl, language, state, scope_kind, author_id) VALUES
			('Nascosta: bozza di Anna', 'research', 3, 'it', 'draft', 'tenant', ?0)`, anna)
		return err
	})
	w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO proposals (title, kind, trl, language, state, scope_kind, public, published_at)
			SELECT 'Di Beta ' || i, 'research', 2, 'it', 'published', 'tenant', true, now() FROM generate_series(1, 25) AS i`)
		return err
	})
	added := 0
	publish := func(int) {
		added++
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO proposals (title, kind, trl, themes, language, state, scope_kind, public, published_at)
				VALUES ('Nuova ' || ?, 'research', 5, '{health}', 'it', 'published', 'tenant', true, now())`, added)
			return err
		})
	}
	isNew := func(s string) bool { return strings.HasPrefix(s, "Nuova ") }
	want := func(keep func(i int) bool) []string {
		var out []string
		for i := 1; i <= 45; i++ {
			if keep(i) {
				out = append(out, fmt.Sprintf("Proposta %02d", i))
			}
		}
		return out
	}
	cases := []struct {
		who, path string
		keep      func(i int) bool
	}{
		{"bruno", "/proposals", func(int) bool { return true }},
		{"", "/proposals", func(i int) bool { return i%2 == 0 }},
		{"bruno", "/proposals?kind=technology", func(i int) bool { return i%3 == 1 }},
		{"bruno", "/proposals?theme=health", func(i int) bool { return i%2 == 0 }},
		{"bruno", "/proposals?trl=5", func(i int) bool { return 1+i%9 == 5 }},
		{"bruno", "/proposals?status=closed", func(i int) bool { return i%4 == 0 }},
		{"bruno", "/proposals?status=open&theme=health", func(i int) bool { return i%4 == 2 }},
	}
	for _, c := range cases {
		seen := keysettest.Walk(t, w.Browser(t, alpha, c.who), alpha, c.path, listRE, publish)
		extra := func(s string) bool {
			return isNew(s) && !strings.Contains(c.path, "status=closed") && !strings.Contains(c.path, "kind=") && !strings.Contains(c.path, "trl=")
		}
		if strings.Contains(c.path, "trl=5") {
			extra = isNew
		}
		missing, repeated, unexpected := keysettest.Once(seen, want(c.keep), extra)
		if len(missing)+len(repeated)+len(unexpected) > 0 {
			t.Errorf("%q on %s: missing %v, repeated %v, unexpected %v", c.who, c.path, missing, repeated, unexpected)
		}
		if slices.ContainsFunc(seen, func(s string) bool { return strings.HasPrefix(s, "Nascosta") || strings.HasPrefix(s, "Di Beta") }) {
			t.Errorf("%s shows what is not for %q", c.path, c.who)
		}
	}
	// The filters stay on the next page's link.
	bruno := w.Browser(t, alpha, "bruno")
	_, page := bruno.Get(alpha + "/proposals?theme=health")
	m := regexp.MustCompile(`href="(/proposals\?after=[^"]+)" id="more"`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(m[1], "theme=health") {
		t.Fatalf("the next page's link lacks the filter: %v", m)
	}
	cur := regexp.MustCompile(`after=([^&"]+)`).FindStringSubmatch(m[1])[1]
	other := keyset.Cursor{Set: true, At: time.Now(), ID: 1}.Encode("news")
	for _, bad := range []string{"garbage", cur[:len(cur)-1] + "Z", "A" + cur, other} {
		if code, _ := bruno.Get(alpha + "/proposals?after=" + bad); code != 404 {
			t.Errorf("cursor %q: %d", bad, code)
		}
	}
	// Unknown filter values are ignored, never an error.
	if code, _ := bruno.Get(alpha + "/proposals?kind=%3Cx%3E&trl=99&status=maybe&theme=x"); code != 200 {
		t.Errorf("unknown filters: %d", code)
	}
}
