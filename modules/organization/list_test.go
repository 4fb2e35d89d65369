package organization_test

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

var listRE = regexp.MustCompile(`<a class="fw-semibold" href="/organizations/\d+">([^<]+)</a>`)

// TestListPages: the organisations come by name in pages of at most
// twenty that neither repeat nor skip one while organisations are
// registered between one page and the next; the words searched and the
// theme hold on every page; no page shows another's organisation not yet
// validated, nor another tenant's, except to a facilitator, who sees them
// all; each shows its count of people; a cursor altered or taken from
// another list names no page.
func TestListPages(t *testing.T) {
	w := moduletest.New(t)
	bruno := w.ID("alpha", "bruno")
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO organizations (name, themes)
			SELECT CASE WHEN i % 3 = 0 THEN 'Ente ' ELSE 'Cooperativa ' END || lpad(i::text, 2, '0'),
				CASE WHEN i % 2 = 0 THEN '{health}'::text[] ELSE '{energy}' END
			FROM generate_series(1, 45) AS i;
			INSERT INTO organizations (name, state) VALUES ('Cooperativa da validare', 'to_validate');
			INSERT INTO organization_members (organization_id, user_id, role, state)
			SELECT o.id, u.id, 'employee', 'active' FROM organizations AS o, users AS u WHERE o.name = 'Cooperativa 01' AND u.id <> ?`, bruno)
		return err
	})
	w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO organizations (name) SELECT 'Cooperativa di Beta ' || i FROM generate_series(1, 30) AS i`)
		return err
	})
	want := func(keep func(i int) bool) []string {
		var out []string
		for i := 1; i <= 45; i++ {
			if keep(i) {
				out = append(out, fmt.Sprintf("%s %02d", map[bool]string{true: "Ente", false: "Cooperativa"}[i%3 == 0], i))
			}
		}
		return out
	}
	added := 0
	register := func(int) {
		added++
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO organizations (name, themes) VALUES ('Cooperativa aggiunta ' || ?0, '{health}'),
				('Accademia aggiunta ' || ?0, '{health}')`, added)
			return err
		})
	}
	isNew := func(s string) bool { return strings.Contains(s, " aggiunta ") }
	cooperative := func(i int) bool { return i%3 != 0 }
	for _, c := range []struct {
		who, path string
		want      []string
	}{
		{"bruno", "/organizations", want(func(int) bool { return true })},
		{"bruno", "/organizations?q=cooperativa&theme=health", want(func(i int) bool { return cooperative(i) && i%2 == 0 })},
		{"facilitator", "/organizations?q=cooperativa", append(want(cooperative), "Cooperativa da validare")},
	} {
		seen := keysettest.Walk(t, w.Browser(t, alpha, c.who), alpha, c.path, listRE, register)
		missing, repeated, unexpected := keysettest.Once(seen, c.want, isNew)
		if len(missing)+len(repeated)+len(unexpected) > 0 {
			t.Errorf("%s at %s: missing %v, repeated %v, not for them %v", c.who, c.path, missing, repeated, unexpected)
		}
	}
	// The count of people is each organisation's own.
	b := w.Browser(t, alpha, "bruno")
	_, page := b.Get(alpha + "/organizations?q=cooperativa+0")
	row := page[strings.Index(page, ">Cooperativa 01<"):]
	row = row[:strings.Index(row, "</li>")]
	if n := len(moduletest.People) - 1; !strings.Contains(row, fmt.Sprintf("%d persone", n)) {
		t.Errorf("Cooperativa 01's row does not count %d people: %s", n, row)
	}
	if !strings.Contains(page, "0 persone") {
		t.Error("an organisation without people does not count none")
	}

	_, page = b.Get(alpha + "/organizations?theme=energy")
	m := regexp.MustCompile(`href="/organizations\?after=([^"&]+)&amp;theme=energy" id="more"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the first page links no next page with its filter")
	}
	other := keyset.Cursor{Set: true, Text: "cooperativa 01", ID: 1}.Encode("communities")
	for _, bad := range []string{"garbage", m[1] + "A", m[1][:len(m[1])-2], other} {
		if code, _ := b.Get(alpha + "/organizations?after=" + bad); code != 404 {
			t.Errorf("cursor %q: %d", bad, code)
		}
	}
}
