package dashboard_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/dashboard"
	"github.com/piazza-pa/piazza/modules/moduletest"
)

// taskRE finds what a task of the inbox leads to and offers.
var taskRE = regexp.MustCompile(`(?:href|hx-post|action)="(/[a-z/]+/\d+[^"]*)"`)

// TestInboxProbes: with something of every kind waiting (items and
// community items to validate, comments, join requests, invitations,
// groups and profiles to validate, unread messages, expressions of
// interest and proposals), every member's
// inbox lists exactly the same tasks whether the sources are probed
// first or all read, and a member for whom nothing waits sees none.
func TestInboxProbes(t *testing.T) {
	w := moduletest.New(t)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO settings (key, value) VALUES ('profile.validation', 'true'), ('organization.validation', 'true')
				ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
			WITH c AS (INSERT INTO communities (name, kind) VALUES ('Orti urbani', 'reserved'), ('Nuova', 'open') RETURNING id, name),
			m AS (INSERT INTO community_members (community_id, user_id, role, state)
				SELECT c.id, u.id, v.role, v.state FROM c, users AS u,
					(VALUES ('anna', 'manager', 'active'), ('bruno', 'participant', 'request_sent'), ('carla', 'participant', 'invited')) AS v (who, role, state)
				WHERE c.name = 'Orti urbani' AND u.email LIKE v.who || '@%'),
			v AS (UPDATE communities SET state = 'to_validate', created_by = ?0 WHERE name = 'Nuova'),
			d AS (INSERT INTO discussions (title, language, state, author_id, scope_kind, scope_communities)
				SELECT 'Orto comune', 'it', 'to_validate', ?0, 'communities', ARRAY[c.id] FROM c WHERE c.name = 'Orti urbani' RETURNING id),
			n AS (INSERT INTO news (title, language, state, author_id, scope_kind, published_at)
				VALUES ('Di tutti', 'it', 'to_validate', ?0, 'tenant', NULL), ('Pubblicata', 'it', 'published', ?0, 'tenant', now()) RETURNING id, state),
			o AS (INSERT INTO organizations (name, state, created_by) VALUES ('Officina', 'to_validate', ?0) RETURNING id),
			p AS (INSERT INTO profiles (user_id, state) VALUES (?0, 'to_validate') ON CONFLICT (user_id) DO UPDATE SET state = 'to_validate'),
			g AS (INSERT INTO messages (sender_id, recipient_id, body) VALUES (?0, ?1, 'Ciao')),
			pr AS (INSERT INTO proposals (title, kind, trl, state, author_id, published_at)
				SELECT 'Idrogeno verde', 'research', 4, 'published', u.id, now() FROM users AS u WHERE u.email LIKE 'carla@%'
				UNION ALL SELECT 'Da validare', 'research', 2, 'to_validate', ?0, NULL RETURNING id, state),
			ei AS (INSERT INTO proposal_interests (proposal_id, author_id, offer, state) SELECT pr.id, ?0, 'Offro', 'submitted' FROM pr WHERE pr.state = 'published')
			INSERT INTO comments (content_type, item_id, author_id, body, state)
			SELECT 'news', n.id, ?0, 'Commento', 'to_validate' FROM n WHERE n.state = 'published'`,
			w.ID("alpha", "bruno"), w.ID("alpha", "dario"))
		return err
	})
	tasks := func(who string) []string {
		_, page := w.Browser(t, alpha, who).Get(alpha + "/dashboard/inbox")
		var out []string
		for _, m := range taskRE.FindAllStringSubmatch(page, -1) {
			if !strings.HasPrefix(m[1], "/static/") {
				out = append(out, m[1])
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	probed := map[string][]string{}
	for _, who := range moduletest.People {
		probed[who] = tasks(who)
	}
	dashboard.ReadEverySource(true)
	defer dashboard.ReadEverySource(false)
	for _, who := range moduletest.People {
		if all := tasks(who); !slices.Equal(all, probed[who]) {
			t.Errorf("%s's inbox with probes:\n%v\nreading every source:\n%v", who, probed[who], all)
		}
	}
	// anna manages Orti urbani, not a validator: its discussion waits for
	// her, the tenant-wide news waiting does not (her probe asks only her
	// communities).
	for _, c := range [][2]string{{"anna", "/communities/"}, {"anna", "/discussions/"}, {"carla", "/proposals/interests/"},
		{"dario", "/profile/messages/"}, {"validator", "/proposals/"}, {"validator", "/news/"}, {"facilitator", "/organizations/"}} {
		who, want := c[0], c[1]
		if !slices.ContainsFunc(probed[who], func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("%s's inbox lacks %s: %v", who, want, probed[who])
		}
	}
	if slices.ContainsFunc(probed["anna"], func(s string) bool { return strings.Contains(s, "/news/") }) {
		t.Errorf("anna's inbox lists news waiting outside her communities: %v", probed["anna"])
	}
}
