package personal_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/authz"
)

// someone is a seeded person: who they are and the marker every text they
// wrote carries (so that an archive shows whose rows it holds).
type someone struct {
	name, given, family, email, fiscal, mark string
	id                                       int64
	// fileKey and fileBytes are an upload of theirs in the storage.
	fileKey   string
	fileBytes []byte
}

func people(w *moduletest.World) (anna, bruno *someone) {
	anna = &someone{name: "anna", given: "Annunziata", family: "Zanardelli", email: "anna@alpha.example",
		fiscal: "ZNRNNZ80A41H501X", mark: "ANNAMARK", id: w.ID("alpha", "anna")}
	bruno = &someone{name: "bruno", given: "Brunello", family: "Quagliarulo", email: "bruno@alpha.example",
		fiscal: "QGLBRN75B12F205Y", mark: "BRUNOMARK", id: w.ID("alpha", "bruno")}
	return anna, bruno
}

// seed gives p an item of every kind in alpha, other answering some of
// them; it returns nothing but fails the test on any error.
func seed(t *testing.T, w *moduletest.World, p, other *someone) {
	t.Helper()
	ctx := context.Background()
	p.fileKey = strings.Repeat(fmt.Sprint(p.id%10), 32)
	p.fileBytes = []byte("the bytes of " + p.mark + " file\n")
	if err := w.Files.Put(ctx, "alpha", p.fileKey, strings.NewReader(string(p.fileBytes))); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(p.fileBytes)
	m := p.mark
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		var ids struct{ org, com, news, disc, prop, part, doc, proj, wp, task, partner, line, event, msg, comment int64 }
		q := func(dst *int64, query string, args ...any) {
			if err := tx.QueryRowContext(ctx, query, args...).Scan(dst); err != nil {
				t.Fatalf("seed %s: %s: %v", p.name, strings.Fields(query)[2], err)
			}
		}
		x := func(query string, args ...any) {
			if _, err := tx.ExecContext(ctx, query, args...); err != nil {
				t.Fatalf("seed %s: %s: %v", p.name, query[:min(len(query), 60)], err)
			}
		}
		x(`UPDATE users SET display_name = ?, given_name = ?, family_name = ?, fiscal_number = ? WHERE id = ?`,
			p.given+" "+p.family, p.given, p.family, p.fiscal, p.id)
		x(`INSERT INTO profiles (user_id, bio, competencies, photo, photo_type) VALUES (?, ?, ARRAY[?], ?, 'image/png')
			ON CONFLICT (user_id) DO UPDATE SET bio = excluded.bio, competencies = excluded.competencies, photo = excluded.photo, photo_type = 'image/png'`,
			p.id, m+" bio", m+"competency", []byte("\x89PNG "+m))
		q(&ids.org, `INSERT INTO organizations (name, created_by) VALUES (?, ?) RETURNING id`, m+" org", p.id)
		x(`INSERT INTO organization_members (organization_id, user_id, role, state) VALUES (?, ?, 'referent', 'active')`, ids.org, p.id)
		q(&ids.com, `INSERT INTO communities (name, kind, created_by) VALUES (?, 'open', ?) RETURNING id`, m+" community", p.id)
		x(`INSERT INTO community_members (community_id, user_id, role, state) VALUES (?, ?, 'manager', 'active')`, ids.com, p.id)
		x(`INSERT INTO community_members (community_id, user_id, state, invited_by) VALUES (?, ?, 'invited', ?)`, ids.com, other.id, p.id)
		q(&ids.news, `INSERT INTO news (title, body, state, author_id, published_at) VALUES (?, ?, 'published', ?, now()) RETURNING id`,
			m+" news", m+" news body", p.id)
		q(&ids.disc, `INSERT INTO discussions (title, body, state, author_id) VALUES (?, ?, 'published', ?) RETURNING id`,
			m+" discussion", m+" discussion body", p.id)
		q(&ids.prop, `INSERT INTO proposals (title, body, kind, trl, state, author_id) VALUES (?, ?, 'research', 3, 'published', ?) RETURNING id`,
			m+" proposal", m+" proposal body", p.id)
		x(`INSERT INTO proposal_invitations (proposal_id, kind, target_id, invited_by) VALUES (?, 'person', ?, ?)`, ids.prop, other.id, p.id)
		x(`INSERT INTO exchange_shares (item_type, item_id, shared_by) VALUES ('proposal', ?, ?)`, ids.prop, p.id)
		q(&ids.part, `INSERT INTO partnerships (reference, kind, title, source_hash, author_id) VALUES (?, 'technology_offer', ?, 'h', ?) RETURNING id`,
			"TO"+m, m+" partnership", p.id)
		q(&ids.doc, `INSERT INTO documents (kind, title, body, link, author_id) VALUES ('link', ?, ?, 'https://example.org/doc', ?) RETURNING id`,
			m+" document", m+" document body", p.id)
		x(`INSERT INTO document_folders (name, created_by) VALUES (?, ?)`, m+" folder", p.id)
		x(`INSERT INTO attachments (content_type, item_id, name, mime, size, sha256, storage_key, uploaded_by) VALUES ('news', ?, ?, 'text/plain', ?, ?, ?, ?)`,
			ids.news, p.name+"-notes.txt", len(p.fileBytes), hex.EncodeToString(sum[:]), p.fileKey, p.id)
		x(`INSERT INTO workflow_history (content_type, item_id, action, from_state, to_state, actor_id, note) VALUES ('news', ?, 'publish', 'draft', 'published', ?, ?)`,
			ids.news, p.id, m+" history note")
		q(&ids.proj, `INSERT INTO projects (title, starts_on, ends_on, created_by) VALUES (?, '2026-01-01', '2026-12-31', ?) RETURNING id`, m+" project", p.id)
		x(`INSERT INTO project_members (project_id, user_id, role) VALUES (?, ?, 'manager')`, ids.proj, p.id)
		q(&ids.partner, `INSERT INTO project_partners (project_id, organization_id, referent_id) VALUES (?, ?, ?) RETURNING id`, ids.proj, ids.org, p.id)
		q(&ids.wp, `INSERT INTO project_work_packages (project_id, code, title, starts_on, ends_on) VALUES (?, 'WP1', ?, '2026-01-01', '2026-06-30') RETURNING id`,
			ids.proj, m+" wp")
		q(&ids.task, `INSERT INTO project_tasks (project_id, work_package_id, title, starts_on, ends_on) VALUES (?, ?, ?, '2026-01-01', '2026-02-01') RETURNING id`,
			ids.proj, ids.wp, m+" task")
		x(`INSERT INTO project_task_assignees (task_id, user_id) VALUES (?, ?)`, ids.task, p.id)
		q(&ids.line, `INSERT INTO project_budget_lines (project_id, partner_id, category, planned_cents) VALUES (?, ?, 'travel', 1000) RETURNING id`,
			ids.proj, ids.partner)
		x(`INSERT INTO project_expenses (project_id, line_id, spent_on, amount_cents, description, created_by) VALUES (?, ?, '2026-02-01', 100, ?, ?)`,
			ids.proj, ids.line, m+" expense", p.id)
		x(`INSERT INTO project_reports (project_id, partner_id, period_start, period_end, body, author_id) VALUES (?, ?, '2026-01-01', '2026-03-31', ?, ?)`,
			ids.proj, ids.partner, m+" report", p.id)
		x(`INSERT INTO project_budget_history (project_id, action, what, actor_id) VALUES (?, 'line_created', ?, ?)`, ids.proj, m+" budget change", p.id)
		q(&ids.event, `INSERT INTO events (content_type, item_id, title, url, author_id, scope_kind) VALUES ('news', ?, ?, '/news/1', ?, 'tenant') RETURNING id`,
			ids.news, m+" event", p.id)
		x(`INSERT INTO notifications (user_id, event_id, frequency) VALUES (?, ?, 'daily')`, other.id, ids.event)
		x(`INSERT INTO digests (user_id, frequency, period) VALUES (?, 'daily', ?)`, p.id, m+"-period")
		x(`INSERT INTO messages (sender_id, recipient_id, body) VALUES (?, ?, ?)`, p.id, other.id, m+" message")
		x(`INSERT INTO api_tokens (user_id, name, digest, hint) VALUES (?, ?, ?, 'pz_1234')`, p.id, m+" token", sum[:])
		x(`INSERT INTO user_identities (idp_key, subject, user_id) VALUES ('spid', ?, ?)`, m+"-subject", p.id)
		x(`INSERT INTO auth_tokens (token_hash, purpose, user_id, expires_at) VALUES (?, 'verify_email', ?, now() + interval '1 day')`,
			tokenHash(m), p.id)
		x(`INSERT INTO auth_failures (key) VALUES (?)`, "account:"+p.email)
		return nil
	})
	// What answers the other's items, once both are seeded (seedAnswers).
	if err := authz.Assign(ctx, w.DB.DB, fmt.Sprintf("user:%d", p.id), authz.RoleValidator, w.A.Domain()); err != nil {
		t.Fatal(err)
	}
}

// seedAnswers has p answer other's items: a comment on their discussion,
// an expression of interest in their proposal and one in their
// partnership profile, and a notification of theirs.
func seedAnswers(t *testing.T, w *moduletest.World, p, other *someone) {
	t.Helper()
	m := p.mark
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		x := func(query string, args ...any) {
			if _, err := tx.ExecContext(ctx, query, args...); err != nil {
				t.Fatalf("answers of %s: %s: %v", p.name, query[:min(len(query), 60)], err)
			}
		}
		x(`INSERT INTO comments (content_type, item_id, author_id, body) SELECT 'discussion', id, ?, ? FROM discussions WHERE author_id = ?`,
			p.id, m+" comment", other.id)
		x(`INSERT INTO proposal_interests (proposal_id, author_id, offer, state) SELECT id, ?, ?, 'submitted' FROM proposals WHERE author_id = ?`,
			p.id, m+" interest offer", other.id)
		x(`INSERT INTO partnership_interests (profile_id, author_id, message) SELECT id, ?, ? FROM partnerships WHERE author_id = ?`,
			p.id, m+" partnership interest", other.id)
		return nil
	})
}

func tokenHash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}
