package community_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestPageKeptFresh: a member's view of a community's page is kept per
// replica, and yet a membership given or taken elsewhere, an item published
// here or elsewhere, show at once; another tenant's member of the same id
// never gets it.
func TestPageKeptFresh(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	id := create(t, anna, "Tavolo rifiuti", "closed")
	page := alpha + "/communities/" + id
	brunoID := strconv.FormatInt(w.ID(w.A.Slug, "bruno"), 10)
	if code, _ := bruno.Get(page); code != 404 {
		t.Fatalf("a closed community shown to a non-member: %d", code)
	}
	w.Elsewhere(t, w.A, `INSERT INTO community_members (community_id, user_id, state) VALUES (`+id+`, `+brunoID+`, 'active')`)
	bruno.Eventually(page, "a membership given elsewhere", func(code int, _ string) bool { return code == 200 })

	publish(t, anna, id, "Verbale del tavolo") // on this replica: shown on the next page
	if _, p := bruno.Get(page); !strings.Contains(p, "Verbale del tavolo") {
		t.Error("an item published here is missing from the member's page")
	}
	w.Elsewhere(t, w.A, `INSERT INTO news (title, language, state, scope_kind, scope_communities, published_at)
		VALUES ('Calendario della raccolta', 'it', 'published', 'communities', '{`+id+`}', now())`)
	bruno.Eventually(page, "an item published elsewhere", func(_ int, p string) bool { return strings.Contains(p, "Calendario della raccolta") })

	if w.ID(w.A.Slug, "bruno") != w.ID(w.B.Slug, "bruno") {
		t.Fatal("the test needs a member of the same id in both tenants")
	}
	if code, p := w.Browser(t, beta, "bruno").Get(beta + "/communities/" + id); code != 404 || strings.Contains(p, "Tavolo rifiuti") {
		t.Errorf("beta's member of the same id got alpha's community page: %d", code)
	}

	w.Elsewhere(t, w.A, `DELETE FROM community_members WHERE user_id = `+brunoID)
	bruno.Eventually(page, "a membership taken elsewhere", func(code int, _ string) bool { return code == 404 })
}
