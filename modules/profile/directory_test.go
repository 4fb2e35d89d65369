package profile_test

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
	"github.com/piazza-pa/piazza/platform/setting"
)

var personRE = regexp.MustCompile(`<a class="fw-semibold" href="/people/\d+">([^<]+)</a>`)

// TestDirectoryPages: the directory comes by name in pages of at most
// twenty that neither repeat nor skip a person while members join between
// one page and the next; each filter (words as the start of a name's or a
// bio's words, theme, competency) holds on every page; profiles not yet
// validated show to their facilitator only, suspended members and another
// tenant's to nobody; a cursor altered or taken from another list is a 404.
func TestDirectoryPages(t *testing.T) {
	w := moduletest.New(t)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		if err := setting.SetBool(ctx, tx, setting.ProfileValidation, true); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO users (email, given_name, family_name) SELECT 'p' || i || '@alpha.example', 'Persona', CASE WHEN i % 3 = 0 THEN 'Rossi ' ELSE 'Verdi ' END || lpad(i::text, 2, '0')
			FROM generate_series(1, 45) AS i;
			INSERT INTO profiles (user_id, bio, competencies, themes, state)
			SELECT id, CASE WHEN email LIKE 'p1%' THEN 'Esperta di idrogeno verde.' ELSE 'Tecnico comunale.' END,
				CASE WHEN email LIKE '%5@%' THEN '{"Fondi europei", GIS}'::text[] ELSE '{Cartografia}' END,
				CASE WHEN email ~ '^p[0-9]*[02468]@' THEN '{health}'::text[] ELSE '{agrifood}' END, 'validated'
			FROM users WHERE email LIKE 'p%@alpha.example';
			INSERT INTO users (email, display_name, status) VALUES ('sospesa@alpha.example', 'Persona Sospesa', 'suspended');
			INSERT INTO users (email, display_name) VALUES ('bozza@alpha.example', 'Persona In Bozza');`)
		return err
	})
	w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (email, display_name) SELECT 'b' || i || '@beta.example', 'Persona di Beta ' || i FROM generate_series(1, 30) AS i`)
		return err
	})
	want := func(keep func(i int) bool) []string {
		var out []string
		for i := 1; i <= 45; i++ {
			if keep(i) {
				out = append(out, fmt.Sprintf("Persona %s %02d", map[bool]string{true: "Rossi", false: "Verdi"}[i%3 == 0], i))
			}
		}
		return out
	}
	added := 0
	join := func(int) {
		added++
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO users (email, display_name) VALUES ('n' || ?0 || 'a@alpha.example', 'Persona Nuova ' || ?0),
				('n' || ?0 || 'b@alpha.example', 'Aaa Persona Nuova ' || ?0);
				INSERT INTO profiles (user_id, themes, state) SELECT id, '{health}', 'validated' FROM users WHERE email LIKE 'n' || ?0 || '_@alpha.example'`, added)
			return err
		})
	}
	isNew := func(s string) bool { return strings.Contains(s, "Persona Nuova ") }
	all := func(int) bool { return true }
	for _, c := range []struct {
		who, path string
		want      []string
	}{
		{"bruno", "/people?q=persona", want(all)},
		{"bruno", "/people?q=ross+pers&theme=health", want(func(i int) bool { return i%3 == 0 && i%2 == 0 })},
		{"bruno", "/people?q=idrog", want(func(i int) bool { return i == 1 || i >= 10 && i <= 19 })},
		{"bruno", "/people?competency=fondi+eur", want(func(i int) bool { return i%10 == 5 })},
		{"facilitator", "/people?q=persona", append(want(all), "Persona In Bozza")},
	} {
		seen := keysettest.Walk(t, w.Browser(t, alpha, c.who), alpha, c.path, personRE, join)
		missing, repeated, unexpected := keysettest.Once(seen, c.want, isNew)
		if len(missing)+len(repeated)+len(unexpected) > 0 {
			t.Errorf("%s at %s: missing %v, repeated %v, not for them %v", c.who, c.path, missing, repeated, unexpected)
		}
	}
	b := w.Browser(t, alpha, "bruno")
	_, page := b.Get(alpha + "/people?theme=agrifood")
	m := regexp.MustCompile(`href="/people\?after=([^"&]+)&amp;theme=agrifood" id="more"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the first page links no next page with its filter")
	}
	other := keyset.Cursor{Set: true, Text: "persona rossi 03", ID: 1}.Encode("organizations")
	for _, bad := range []string{"garbage", m[1] + "A", m[1][:len(m[1])-2], other} {
		if code, _ := b.Get(alpha + "/people?after=" + bad); code != 404 {
			t.Errorf("cursor %q: %d", bad, code)
		}
	}
}
