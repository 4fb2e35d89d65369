package community_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/keyset/keysettest"
)

var listRE = regexp.MustCompile(`<a href="/communities/\d+" class="fw-semibold">([^<]+)</a>`)

// TestListPages: the communities come by name in pages of at most twenty
// that neither repeat nor skip one while communities are created between
// one page and the next (each name twice, in two cases, so that pages end
// between equal names); the filters hold on every page; no page shows a
// closed community the member is not in, one waiting for validation or
// another tenant's; each shows its count of members; a cursor altered or
// taken from another list names no page.
func TestListPages(t *testing.T) {
	w := moduletest.New(t)
	bruno := w.ID("alpha", "bruno")
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO communities (name, kind, themes)
			SELECT CASE WHEN c = 1 THEN 'Comunità ' ELSE 'COMUNITÀ ' END || lpad(i::text, 2, '0'), 'open',
				CASE WHEN i % 2 = 0 THEN '{health}'::text[] ELSE '{energy}' END
			FROM generate_series(1, 25) AS i, generate_series(1, 2) AS c;
			INSERT INTO communities (name, kind, state) VALUES ('Nascosta: chiusa', 'closed', 'active'), ('Nascosta: da validare', 'open', 'to_validate');
			INSERT INTO community_members (community_id, user_id, state)
			SELECT c.id, u.id, 'active' FROM communities AS c, users AS u WHERE c.name = 'Comunità 07' AND u.email NOT LIKE 'admin%';
			INSERT INTO community_members (community_id, user_id, state)
			SELECT id, ?, 'active' FROM communities WHERE name IN ('COMUNITÀ 03', 'Comunità 12', 'COMUNITÀ 24')`, bruno)
		return err
	})
	w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO communities (name, kind) SELECT 'Di Beta ' || i, 'open' FROM generate_series(1, 30) AS i`)
		return err
	})
	want := func(keep func(i int) bool) []string {
		var out []string
		for i := 1; i <= 25; i++ {
			if keep(i) {
				out = append(out, fmt.Sprintf("Comunità %02d", i), fmt.Sprintf("COMUNITÀ %02d", i))
			}
		}
		return out
	}
	added := 0
	create := func(int) {
		added++
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO communities (name, kind, themes) VALUES ('Aggiunta prima ' || ?0, 'open', '{health}'),
				('Zona aggiunta ' || ?0, 'open', '{health}')`, added)
			return err
		})
	}
	isNew := func(s string) bool {
		return strings.HasPrefix(s, "Aggiunta prima ") || strings.HasPrefix(s, "Zona aggiunta ")
	}
	b := w.Browser(t, alpha, "bruno")
	for _, c := range []struct {
		path string
		want []string
	}{
		{"/communities", want(func(int) bool { return true })},
		{"/communities?theme=health", want(func(i int) bool { return i%2 == 0 })},
		{"/communities?mine=1", []string{"COMUNITÀ 03", "Comunità 07", "Comunità 12", "COMUNITÀ 24"}},
	} {
		seen := keysettest.Walk(t, b, alpha, c.path, listRE, create)
		missing, repeated, unexpected := keysettest.Once(seen, c.want, isNew)
		if len(missing)+len(repeated)+len(unexpected) > 0 {
			t.Errorf("%s: missing %v, repeated %v, not for bruno %v", c.path, missing, repeated, unexpected)
		}
	}
	// The count of members is each community's own.
	_, page := b.Get(alpha + "/communities?theme=energy")
	row := page[strings.Index(page, ">Comunità 07<"):]
	row = row[:strings.Index(row, "</li>")]
	if n := len(moduletest.People) - 1; !strings.Contains(row, fmt.Sprintf("%d membri", n)) {
		t.Errorf("Comunità 07's row does not count %d members: %s", n, row)
	}
	if !strings.Contains(page, "0 membri") {
		t.Error("a community without members does not count none")
	}

	m := regexp.MustCompile(`href="/communities\?after=([^"&]+)&amp;theme=energy" id="more"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the first page links no next page")
	}
	other := keyset.Cursor{Set: true, Text: "comunità 01", ID: 1}.Encode("organizations")
	for _, bad := range []string{"garbage", m[1] + "A", m[1][:len(m[1])-2], other} {
		if code, _ := b.Get(alpha + "/communities?after=" + bad); code != 404 {
			t.Errorf("cursor %q: %d", bad, code)
		}
	}
}

// TestNavigationMarksTheSection: the navigation marks the section of the
// page, on the section's own page and under it, and no other.
func TestNavigationMarksTheSection(t *testing.T) {
	w := moduletest.New(t)
	bruno := w.Browser(t, alpha, "bruno")
	for _, path := range []string{"/communities", "/communities?kind=open", "/communities/new"} {
		code, page := bruno.Get(alpha + path)
		if code != 200 {
			t.Fatalf("GET %s: %d", path, code)
		}
		if !strings.Contains(page, `<a class="nav-link active" href="/communities" aria-current="page">`) {
			t.Errorf("%s: the communities are not marked in the navigation", path)
		}
		if n := strings.Count(page, `aria-current="page"`); n != 1 {
			t.Errorf("%s: %d entries marked as the page's, want 1", path, n)
		}
		if !strings.Contains(page, `<a class="nav-link" href="/news">`) {
			t.Errorf("%s: the news are not in the navigation, unmarked", path)
		}
	}
}
