package personal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/audit"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/secret"
	"github.com/piazza-pa/piazza/tenant"
)

// The refusals of an erasure.
var (
	// ErrPersonNotFound: no such person in this site (or already erased:
	// there is nobody left to erase).
	ErrPersonNotFound = platform.NewKeyedError(platform.ErrNotFound, "personal.error.not_found", "no such person")
	// ErrSelf: an admin does not erase their own account.
	ErrSelf = platform.NewKeyedError(platform.ErrConflict, "personal.error.self", "you cannot erase your own account")
	// ErrChoice: the form did not say what becomes of the contributions.
	ErrChoice = platform.NewKeyedError(platform.ErrInvalid, "personal.error.choice",
		"choose whether the contributions are kept or deleted")
)

// Erasure is what an admin asked: whom to erase, whether their
// contributions are deleted (else kept under Former), who asks and from
// where (for the audit trail).
type Erasure struct {
	UserID int64
	Delete bool
	// Former is the name erased accounts take, in the site's language.
	Former string
	// Removed replaces the text of a deleted comment that others answered.
	Removed    string
	Actor      string
	ActorID    int64
	ClientAddr string
}

// person is what the erasure reads of the person before it clears it.
type person struct {
	Email, Name string
}

// Erase erases e.UserID in t's site, in one transaction over the tenant's
// schema and then the control plane's rows that name them (roles, audit
// trail, the first admin's address, letters of the exchange); the files
// of deleted contributions go once it has committed.
func (m *Module) Erase(ctx context.Context, t *tenant.Tenant, e Erasure) error {
	if e.UserID == e.ActorID {
		return ErrSelf
	}
	var p person
	var keys []string
	var ended []signIn
	err := m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		err := db.InTenantTx(ctx, tx, t.Scope(), func() error {
			var err error
			if p, err = lockPerson(ctx, tx, e.UserID); err != nil {
				return err
			}
			if ended, err = signIns(ctx, tx, e.UserID); err != nil {
				return err
			}
			if e.Delete {
				if keys, err = deleteContributions(ctx, tx, e.UserID, e.Removed); err != nil {
					return err
				}
			}
			return clearPerson(ctx, tx, e.UserID, p.Email, e.Former)
		})
		if err != nil {
			return err
		}
		return m.eraseControl(ctx, tx, t, e, p)
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		_ = m.files.Delete(context.WithoutCancel(ctx), t.Slug, k) // a file left behind is unreachable: no row names it
	}
	m.endSignIns(context.WithoutCancel(ctx), t, ended)
	return nil
}

// signIn is a session's sign-in at an identity provider: how, and the ID
// token the provider's tokens kept for it are found by.
type signIn struct {
	Method  string `bun:"method"`
	IDToken string `bun:"id_token"`
}

// signIns are the person's sessions opened through an identity provider.
func signIns(ctx context.Context, tx bun.Tx, uid int64) ([]signIn, error) {
	var out []signIn
	err := tx.NewRaw("SELECT method, id_token FROM sessions WHERE user_id = ? AND id_token IS NOT NULL AND id_token <> ''", uid).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("erase: sign-ins: %w", err)
	}
	return out, nil
}

// endSignIns ends, once the erasure has committed, the person's sign-ins
// at their identity providers as sign-out does: the tokens kept for each
// are revoked at the provider and dropped (a provider's failure is logged
// by the flow, without the tokens). Whatever is still kept for them then
// (a provider unreachable) is dropped unrevoked: nothing of an erased
// person's sign-in stays.
func (m *Module) endSignIns(ctx context.Context, t *tenant.Tenant, ended []signIn) {
	if len(ended) == 0 {
		return
	}
	digests := make([][]byte, 0, len(ended))
	for _, s := range ended {
		if m.endSession != nil {
			_ = m.endSession(ctx, s.Method, s.IDToken, "")
		}
		digests = append(digests, secret.Digest(s.IDToken))
	}
	if _, err := m.DB.ExecContext(ctx, "DELETE FROM piazza.tenant_idp_tokens WHERE tenant_id = ? AND id_token_hash = ANY (?)",
		t.ID, pgdialect.Array(digests)); err != nil {
		slog.ErrorContext(ctx, "erase: provider tokens kept", "tenant", t.ID, "err", err)
	}
}

func lockPerson(ctx context.Context, tx bun.Tx, id int64) (person, error) {
	var p person
	var erased sql.NullTime
	err := tx.QueryRowContext(ctx, "SELECT email, display_name, erased_at FROM users WHERE id = ? FOR UPDATE", id).
		Scan(&p.Email, &p.Name, &erased)
	if errors.Is(err, sql.ErrNoRows) || err == nil && erased.Valid {
		return p, ErrPersonNotFound
	}
	if err != nil {
		return p, fmt.Errorf("read person: %w", err)
	}
	return p, nil
}

// exec runs each statement with the person's id for every ?.
func exec(ctx context.Context, tx bun.IDB, uid int64, stmts ...string) error {
	for _, q := range stmts {
		args := make([]any, strings.Count(q, "?"))
		for i := range args {
			args[i] = uid
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("erase: %s: %w", strings.Fields(q)[:3], err)
		}
	}
	return nil
}

// fates are what an erasure does with each column of the tenant's schema
// that names a user (TestKindsCoverEveryUserColumn fails on a column
// missing here): "cleared" rows go whatever the admin chose; "deleted"
// ones go when the contributions are deleted and are otherwise kept
// under the former member's name; "kept" ones stay, naming the erased
// account by its number only, as records of the site (a project's
// account, who invited whom, what someone approved).
var fates = map[string]string{
	"profiles.user_id": "cleared", "sessions.user_id": "cleared", "auth_tokens.user_id": "cleared",
	"user_identities.user_id": "cleared", "api_tokens.user_id": "cleared", "notifications.user_id": "cleared",
	"digests.user_id": "cleared", "events.recipient_id": "cleared", "community_members.user_id": "cleared",
	"organization_members.user_id": "cleared", "project_members.user_id": "cleared",
	"project_task_assignees.user_id": "cleared", "project_partners.referent_id": "cleared",
	"news.author_id": "deleted", "discussions.author_id": "deleted", "proposals.author_id": "deleted",
	"documents.author_id": "deleted", "partnerships.author_id": "deleted", "comments.author_id": "deleted",
	"proposal_interests.author_id": "deleted", "partnership_interests.author_id": "deleted",
	"messages.sender_id": "deleted", "messages.recipient_id": "deleted", "events.author_id": "deleted",
	"attachments.uploaded_by":  "deleted",
	"organizations.created_by": "kept", "communities.created_by": "kept", "community_members.invited_by": "kept",
	"workflow_history.actor_id": "kept", "document_folders.created_by": "kept", "document_versions.created_by": "kept",
	"proposal_invitations.invited_by": "kept", "partnership_interests.advisor_id": "kept",
	"exchange_shares.shared_by": "kept", "projects.created_by": "kept", "project_expenses.created_by": "kept",
	"project_reports.author_id": "kept", "project_budget_history.actor_id": "kept",
}

// authored are the content types whose items deleting contributions
// deletes, by their table.
var authored = []struct{ typ, table string }{
	{"news", "news"}, {"discussion", "discussions"}, {"proposal", "proposals"},
	{"document", "documents"}, {"partnership", "partnerships"},
}

// kept are the content types whose attachments stay with a project's
// account (expenses' receipts, reports' annexes), as the records do.
const kept = "('project_expense', 'project_report')"

// deleteContributions deletes what the person wrote (items with their
// comments, attachments, history and events; their comments, interests
// and messages) and returns the storage keys of the files to delete. A
// comment of theirs that others answered keeps its place with removed
// as its text. What they recorded in a project (expenses, reports,
// budget history) stays: it is the project's account, kept by law; so
// does a version they added to someone else's document (the document's
// history would lose a number).
func deleteContributions(ctx context.Context, tx bun.Tx, uid int64, removed string) ([]string, error) {
	var keys []string
	drop := func(where string, args ...any) error {
		var ks []string
		err := tx.NewRaw(`DELETE FROM attachments a WHERE `+where+`
			AND NOT EXISTS (SELECT 1 FROM document_versions v WHERE v.attachment_id = a.id) RETURNING storage_key`, args...).Scan(ctx, &ks)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("erase: files: %w", err)
		}
		keys = append(keys, ks...)
		return nil
	}
	for _, a := range authored {
		var ids []int64
		if err := tx.NewRaw("SELECT id FROM "+a.table+" WHERE author_id = ?", uid).Scan(ctx, &ids); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("erase: %s: %w", a.table, err)
		}
		if len(ids) == 0 {
			continue
		}
		list := pgdialect.Array(ids)
		for _, q := range []string{
			"DELETE FROM " + a.table + " WHERE id = ANY (?)", // a document's versions go with it
			"DELETE FROM workflow_history WHERE content_type = ? AND item_id = ANY (?)",
			"DELETE FROM events WHERE content_type = ? AND item_id = ANY (?)",
		} {
			args := []any{a.typ, list}
			if !strings.Contains(q, "content_type") {
				args = args[1:]
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return nil, fmt.Errorf("erase: %s: %w", a.table, err)
			}
		}
		// the item's files, its comments' included, then its comments
		onItem := "content_type = ? AND item_id = ANY (?)"
		if err := drop("("+onItem+" OR comment_id IN (SELECT id FROM comments WHERE "+onItem+"))", a.typ, list, a.typ, list); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM comments WHERE content_type = ? AND item_id = ANY (?)", a.typ, list); err != nil {
			return nil, fmt.Errorf("erase: comments: %w", err)
		}
	}
	unanswered := "author_id = ? AND NOT EXISTS (SELECT 1 FROM comments r WHERE r.parent_id = c.id)"
	if err := drop("comment_id IN (SELECT id FROM comments c WHERE "+unanswered+")", uid); err != nil {
		return nil, err
	}
	err := exec(ctx, tx, uid,
		"DELETE FROM comments c WHERE "+unanswered,
		"DELETE FROM proposal_interests WHERE author_id = ?",
		"DELETE FROM partnership_interests WHERE author_id = ?",
		"DELETE FROM messages WHERE sender_id = ? OR recipient_id = ?",
		"DELETE FROM events WHERE author_id = ?")
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE comments SET body = ? WHERE author_id = ?", removed, uid); err != nil {
		return nil, fmt.Errorf("erase: answered comments: %w", err)
	}
	if err := drop("uploaded_by = ? AND content_type NOT IN "+kept, uid); err != nil {
		return nil, err
	}
	return keys, nil
}

// clearPerson clears the person's personal data, links and sign-in, and
// names the account former.
func clearPerson(ctx context.Context, tx bun.Tx, uid int64, email, former string) error {
	_, err := tx.ExecContext(ctx, "DELETE FROM auth_failures WHERE key = ?", "account:"+strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return fmt.Errorf("erase: sign-in failures: %w", err)
	}
	err = exec(ctx, tx, uid,
		"DELETE FROM sessions WHERE user_id = ?",
		"DELETE FROM auth_tokens WHERE user_id = ?",
		"DELETE FROM user_identities WHERE user_id = ?",
		"DELETE FROM api_tokens WHERE user_id = ?",
		"DELETE FROM notifications WHERE user_id = ?",
		"DELETE FROM digests WHERE user_id = ?",
		"DELETE FROM events WHERE recipient_id = ?",
		"DELETE FROM community_members WHERE user_id = ?",
		"DELETE FROM organization_members WHERE user_id = ?",
		"DELETE FROM project_members WHERE user_id = ?",
		"DELETE FROM project_task_assignees WHERE user_id = ?",
		"UPDATE project_partners SET referent_id = NULL WHERE referent_id = ?",
		"DELETE FROM proposal_invitations WHERE kind = 'person' AND target_id = ?",
		// rankings of who could be interested in a proposal that name them
		// (ranked again when shown)
		"DELETE FROM proposal_suggestions WHERE suggestions @> jsonb_build_array(jsonb_build_object('kind', 'person', 'id', ?::bigint))",
		`UPDATE profiles SET bio = '', competencies = '{}', themes = '{}', tags = '{}', photo = NULL, photo_type = NULL,
			notify_frequency = 'off', contact_off = true, state = 'draft', updated_at = now() WHERE user_id = ?`)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE users SET email = 'erased-' || id || '@erased.invalid', display_name = ?,
		given_name = '', family_name = '', fiscal_number = NULL, locale = '', status = 'suspended', is_admin = false,
		password_hash = NULL, email_verified_at = NULL, erased_at = now(), updated_at = now() WHERE id = ?`, former, uid)
	if err != nil {
		return fmt.Errorf("erase: account: %w", err)
	}
	return nil
}

// eraseControl removes the person from the control plane's rows: their
// roles, their address in the audit trail and as the tenant's first admin,
// their name on their letters of the exchange, and on the copies other
// administrations received (deleted with the contributions); and records
// the erasure, with ids only.
func (m *Module) eraseControl(ctx context.Context, tx bun.Tx, t *tenant.Tenant, e Erasure, p person) error {
	subject := "user:" + strconv.FormatInt(e.UserID, 10)
	quoted, _ := json.Marshal(p.Email)
	asText, inJSON := wholeAddress(p.Email), wholeAddress(strings.Trim(string(quoted), `"`))
	mailbox := `UPDATE piazza.exchange_mailbox SET respondent = ? WHERE from_tenant_id = ? AND from_user_id = ?`
	margs := []any{e.Former, t.ID, e.UserID}
	if e.Delete {
		mailbox, margs = `DELETE FROM piazza.exchange_mailbox WHERE from_tenant_id = ? AND from_user_id = ?`, margs[1:]
	}
	steps := []struct {
		q    string
		args []any
	}{
		{`DELETE FROM piazza.casbin_rules WHERE ptype = 'g' AND v0 = ? AND v2 = ?`, []any{subject, t.Domain()}},
		// the address as an admin typed it, in whatever case
		{`UPDATE piazza.audit_log SET actor = regexp_replace(actor, ?, '[erased]', 'gi'),
			detail = regexp_replace(detail::text, ?, '[erased]', 'gi')::jsonb
			WHERE tenant_id = ? AND (actor ~* ? OR detail::text ~* ?)`, []any{asText, inJSON, t.ID, asText, inJSON}},
		{`UPDATE piazza.exchange_members SET joined_by = regexp_replace(joined_by, ?, '[erased]', 'gi') WHERE tenant_id = ?`, []any{asText, t.ID}},
		{`UPDATE piazza.tenants SET admin_email = NULL WHERE id = ? AND lower(admin_email) = lower(?)`, []any{t.ID, p.Email}},
		{mailbox, margs},
	}
	if err := eraseDelivered(ctx, tx, t, e); err != nil {
		return err
	}
	for _, s := range steps {
		if _, err := tx.ExecContext(ctx, s.q, s.args...); err != nil {
			return fmt.Errorf("erase in the control plane: %w", err)
		}
	}
	contributions := "kept"
	if e.Delete {
		contributions = "deleted"
	}
	id := t.ID
	return audit.Record(ctx, tx, audit.Entry{Actor: e.Actor, TenantID: &id, TenantSlug: t.Slug, Action: "member.erase",
		Detail: map[string]any{"user": subject, "contributions": contributions}, ClientAddr: e.ClientAddr})
}

// wholeAddress is a PostgreSQL regular expression of the address a, as
// a whole: not the end of a longer address (anna.mario@ for mario@) nor
// the start of one (@comune.it.example for @comune.it). A sentence's full
// stop after it still matches.
func wholeAddress(a string) string {
	return `(?<![[:alnum:]._%+'-])` + regexp.QuoteMeta(a) + `(?![[:alnum:]_-]|\.[[:alnum:]])`
}

// interestTables are, by the exchange's item type, the table where a
// tenant keeps the expressions of interest the exchange delivered to it,
// and their content type.
var interestTables = map[string][2]string{
	"proposal":    {"proposal_interests", "proposal_interest"},
	"partnership": {"partnership_interests", "partnership_interest"},
}

// delivered is a letter of the person the exchange delivered into another
// tenant, where that tenant keeps it (by its mailbox id, external_ref).
type delivered struct {
	id       int64
	itemType string
	scope    db.Scope
}

// eraseDelivered reaches the copies of the person's letters that the
// exchange delivered into other tenants, as the delivery wrote them:
// inside each destination tenant's scope, by the letter's mailbox id. Kept
// contributions there take the former member's name; deleted ones go, with
// their history, their notices and the replies not yet sent back. The
// letters are locked first, so that a delivery waits for the erasure.
func eraseDelivered(ctx context.Context, tx bun.Tx, t *tenant.Tenant, e Erasure) error {
	rows, err := tx.QueryContext(ctx, `SELECT m.id, m.item_type, d.schema_name, d.role_name, coalesce(d.login_role, '')
		FROM piazza.exchange_mailbox m JOIN piazza.tenants d ON d.id = m.to_tenant_id
		WHERE m.from_tenant_id = ? AND m.from_user_id = ? AND m.state = 'delivered' ORDER BY m.id FOR UPDATE OF m`, t.ID, e.UserID)
	if err != nil {
		return fmt.Errorf("erase: delivered letters: %w", err)
	}
	var letters []delivered
	for rows.Next() {
		var l delivered
		if err := rows.Scan(&l.id, &l.itemType, &l.scope.Schema, &l.scope.Role, &l.scope.Login); err != nil {
			rows.Close()
			return fmt.Errorf("erase: delivered letters: %w", err)
		}
		letters = append(letters, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("erase: delivered letters: %w", err)
	}
	for _, l := range letters {
		tbl, ok := interestTables[l.itemType]
		if !ok {
			continue
		}
		err := db.InTenantTx(ctx, tx, l.scope, func() error { return eraseCopy(ctx, tx, tbl[0], tbl[1], l.id, e) })
		if err != nil {
			return fmt.Errorf("erase: letter %d in %s: %w", l.id, l.scope.Schema, err)
		}
	}
	return nil
}

// eraseCopy renames or deletes, in the destination tenant's scope, the
// interest that came from mailbox entry ref.
func eraseCopy(ctx context.Context, tx bun.Tx, table, typ string, ref int64, e Erasure) error {
	if !e.Delete {
		_, err := tx.ExecContext(ctx, "UPDATE ? SET external_name = ? WHERE external_ref = ?", bun.Ident(table), e.Former, ref)
		return err
	}
	ids := "(SELECT id FROM " + table + " WHERE external_ref = ?)"
	for _, q := range []struct {
		q    string
		args []any
	}{
		{"DELETE FROM workflow_history WHERE content_type = ? AND item_id IN " + ids, []any{typ, ref}},
		{"DELETE FROM events WHERE content_type = ? AND item_id IN " + ids, []any{typ, ref}},
		{"DELETE FROM exchange_reply_outbox WHERE ref = ?", []any{ref}},
		{"DELETE FROM " + table + " WHERE external_ref = ?", []any{ref}},
	} {
		if _, err := tx.ExecContext(ctx, q.q, q.args...); err != nil {
			return err
		}
	}
	return nil
}
