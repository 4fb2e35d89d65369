package dashboard_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/db"
)

// moreRE finds the feed's link to its next page.
var moreRE = regexp.MustCompile(`href="(/dashboard\?after=[^"]+)" id="more"`)

// feedRecorder keeps the text of every statement the server runs.
type feedRecorder struct {
	mu  sync.Mutex
	all []string
}

func (r *feedRecorder) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (r *feedRecorder) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, e.Query)
}

// TestFeedStatementsShared: the feed's statements of news, topics and
// proposals are written with parameters, the same text for members of
// different memberships, so that each is prepared once per connection
// and its plan kept (a text holding a member's values would be a new
// statement, planned again, for every member); and each member still
// finds only what they may see.
func TestFeedStatementsShared(t *testing.T) {
	w := moduletest.New(t)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `
			WITH c AS (INSERT INTO communities (name, kind) VALUES ('Orti urbani', 'closed') RETURNING id),
			m AS (INSERT INTO community_members (community_id, user_id, role, state) SELECT c.id, ?0, 'participant', 'active' FROM c)
			INSERT INTO news (title, language, state, author_id, scope_kind, scope_communities, published_at)
			SELECT 'Raccolto di ottobre', 'it', 'published', ?0, 'communities', ARRAY[c.id], now() FROM c
			UNION ALL SELECT 'Bando regionale', 'it', 'published', ?0, 'tenant', '{}', now()
			UNION ALL SELECT 'Notizia ' || g, 'it', 'published', ?0, 'tenant', '{}', now() - g * interval '1 hour' FROM generate_series(1, 30) AS g`, w.ID("alpha", "anna"))
		return err
	})
	rec := &feedRecorder{}
	db.AddQueryHook(w.DB.DB, rec)
	pages := map[string]string{}
	for _, who := range []string{"anna", "bruno", "carla"} {
		b := w.Browser(t, alpha, who)
		_, pages[who] = b.Get(alpha + "/dashboard")
		more := moreRE.FindStringSubmatch(pages[who])
		if more == nil {
			t.Fatalf("%s's feed has no second page", who)
		}
		if code, _ := b.Get(alpha + html.UnescapeString(more[1])); code != 200 {
			t.Fatalf("%s's second page: %d", who, code)
		}
	}
	if !strings.Contains(pages["anna"], "Raccolto di ottobre") || strings.Contains(pages["bruno"], "Raccolto di ottobre") {
		t.Fatal("the community's news is not for its member alone")
	}
	for _, who := range []string{"anna", "bruno", "carla"} {
		if !strings.Contains(pages[who], "Bando regionale") {
			t.Fatalf("%s's feed lacks the tenant's news", who)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	// The first pages, then the second (after the cursor).
	for _, source := range []string{"SELECT n.id, n.title", "SELECT d.id, d.title, d.published_at, d.created_at FROM \"discussions\"", "SELECT p.id, p.title"} {
		for _, later := range []bool{false, true} {
			texts := map[string]bool{}
			n := 0
			for _, q := range rec.all {
				if strings.HasPrefix(q, source) && strings.Contains(q, "ORDER BY") && strings.Contains(q, "state = 'published'") &&
					strings.Contains(q, "::timestamptz") == later { // the cursor's time
					texts[q] = true
					n++
				}
			}
			if n < 3 {
				t.Fatalf("%q (later page %v): %d feed statements for three members", source, later, n)
			}
			if len(texts) != 1 {
				t.Errorf("%q (later page %v): %d texts for three members, want one:\n%s", source, later, len(texts), strings.Join(keys(texts), "\n"))
			}
		}
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
