package dashboard_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/dashboard"
	"github.com/piazza-pa/piazza/modules/moduletest"
)

var commentTaskRE = regexp.MustCompile(`hx-post="/comments/\d+/approve"`)

// TestInboxComments: comments waiting for moderation reach the inbox of
// those who moderate their item, and theirs only: a tenant-wide topic's
// go to the validators, a community topic's to its managers (not to its
// other members, nor to the validators), and an item its moderator may
// not see goes to nobody.
func TestInboxComments(t *testing.T) {
	w := moduletest.New(t)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `
			WITH c AS (INSERT INTO communities (name, kind) VALUES ('Orti urbani', 'open') RETURNING id),
			m AS (INSERT INTO community_members (community_id, user_id, role, state)
				SELECT c.id, u.id, CASE WHEN u.email LIKE 'anna@%' THEN 'manager' ELSE 'participant' END, 'active'
				FROM c, users AS u WHERE u.email LIKE 'anna@%' OR u.email LIKE 'carla@%'),
			d AS (INSERT INTO discussions (title, language, state, author_id, scope_kind, scope_communities, published_at)
				SELECT t.title, 'it', 'published', ?0, t.kind, CASE WHEN t.kind = 'communities' THEN ARRAY[c.id] ELSE '{}' END, now()
				FROM c, (VALUES ('Piazza di tutti', 'tenant'), ('Orto comune', 'communities')) AS t (title, kind) RETURNING id, title),
			n AS (INSERT INTO news (title, language, state, author_id, scope_kind, scope_themes, published_at)
				VALUES ('Solo per la salute', 'it', 'published', ?0, 'interests', '{health}', now()) RETURNING id)
			INSERT INTO comments (content_type, item_id, author_id, body, state)
			SELECT 'discussion', d.id, ?1, d.title || ' ' || i, 'to_validate' FROM d, generate_series(1, CASE WHEN d.title = 'Piazza di tutti' THEN 3 ELSE 2 END) AS i
			UNION ALL SELECT 'news', n.id, ?1, 'Salute', 'to_validate' FROM n`, w.ID("alpha", "dario"), w.ID("alpha", "bruno"))
		return err
	})
	for who, want := range map[string]int{"validator": 3, "admin": 3, "anna": 2, "carla": 0, "bruno": 0} {
		_, page := w.Browser(t, alpha, who).Get(alpha + "/dashboard/inbox")
		if n := len(commentTaskRE.FindAllString(page, -1)); n != want {
			t.Errorf("%s's inbox lists %d comments, want %d", who, n, want)
		}
		if who == "anna" && (!strings.Contains(page, "Orto comune") || strings.Contains(page, "Piazza di tutti")) {
			t.Error("the community's manager is offered the wrong topic's comments")
		}
		if strings.Contains(page, "Solo per la salute") {
			t.Errorf("%s is offered the comments of an item they may not see", who)
		}
	}
}

// TestInboxBounded: however much waits, the inbox lists at most
// InboxSize tasks, the longest waiting first, and counts "99+".
func TestInboxBounded(t *testing.T) {
	w := moduletest.New(t)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `
			WITH d AS (INSERT INTO discussions (title, language, state, author_id, scope_kind, published_at)
				VALUES ('Piazza di tutti', 'it', 'published', ?0, 'tenant', now()) RETURNING id)
			INSERT INTO comments (content_type, item_id, author_id, body, state, created_at)
			SELECT 'discussion', d.id, ?0, 'Commento ' || i, 'to_validate', now() - i * interval '1 minute' FROM d, generate_series(1, ?1) AS i;
			INSERT INTO news (title, language, state, scope_kind, author_id, updated_at)
			SELECT 'Notizia ' || i, 'it', 'to_validate', 'tenant', ?0, now() - i * interval '1 minute' - interval '1 day' FROM generate_series(1, ?1) AS i`,
			w.ID("alpha", "bruno"), dashboard.InboxSize)
		return err
	})
	_, page := w.Browser(t, alpha, "validator").Get(alpha + "/dashboard/inbox")
	news := regexp.MustCompile(`action="/news/\d+/do/approve"`).FindAllString(page, -1)
	if n := len(commentTaskRE.FindAllString(page, -1)) + len(news); n != dashboard.InboxSize || len(news) != dashboard.InboxSize {
		t.Errorf("the inbox lists %d tasks (%d news), want the %d longest waiting, all news", n, len(news), dashboard.InboxSize)
	}
	if !regexp.MustCompile(`id="waiting-count"[^>]*>99(\+|&#43;)<`).MatchString(page) {
		t.Error("the inbox does not count 99+")
	}
}
