package personal

import (
	"archive/zip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/storage"
)

// kind is one file of the archive: the JSON array of the rows query
// selects, each of which names the person's id as ? (every ? is theirs).
type kind struct {
	file  string
	query string
}

// kinds are everything a tenant holds about a person, one file each, from
// every table with a column naming a user (TestKindsCoverEveryUserColumn
// keeps the list whole). Only the person's own rows are read: their items,
// their memberships, what was addressed to them; never another person's
// item, interest or message to someone else. Secrets (password hash,
// session tokens, ID tokens, API token digests) are left out.
var kinds = []kind{
	{"account.json", `SELECT id, email, display_name, given_name, family_name, fiscal_number, locale, status, is_admin,
		password_hash IS NOT NULL AS has_password, email_verified_at, created_at, updated_at FROM users WHERE id = ?`},
	{"profile.json", `SELECT p.bio, p.competencies, p.themes,
		(SELECT coalesce(json_agg(t.name ORDER BY t.name), '[]') FROM tags t WHERE t.id = ANY (p.tags)) AS tags,
		p.notify_frequency, p.contact_off, p.state, p.photo_type, p.updated_at FROM profiles p WHERE p.user_id = ?`},
	{"organizations.json", `SELECT o.id AS organization_id, o.name, m.role, m.state, m.created_at, m.decided_at,
		false AS created_by_you FROM organization_members m JOIN organizations o ON o.id = m.organization_id WHERE m.user_id = ?
		UNION ALL SELECT id, name, NULL, NULL, created_at, NULL, true FROM organizations WHERE created_by = ? ORDER BY 5`},
	{"communities.json", `SELECT c.id AS community_id, c.name, m.role, m.state, m.notify_frequency, m.created_at, m.decided_at,
		false AS created_by_you FROM community_members m JOIN communities c ON c.id = m.community_id WHERE m.user_id = ?
		UNION ALL SELECT id, name, NULL, state, NULL, created_at, NULL, true FROM communities WHERE created_by = ? ORDER BY 6`},
	{"community_invitations_sent.json", `SELECT community_id, user_id AS invited_user_id, state, created_at FROM community_members
		WHERE invited_by = ? ORDER BY created_at`},
	{"sign_in_identities.json", `SELECT idp_key, subject, created_at FROM user_identities WHERE user_id = ? ORDER BY created_at`},
	{"sessions.json", `SELECT created_at, last_seen_at, expires_at, client_addr, user_agent, method FROM sessions
		WHERE user_id = ? ORDER BY created_at`},
	{"account_links.json", `SELECT purpose, created_at, expires_at, used_at FROM auth_tokens WHERE user_id = ? ORDER BY created_at`},
	{"failed_sign_ins.json", `SELECT f.at FROM auth_failures f, users u WHERE u.id = ? AND f.key = 'account:' || lower(u.email) ORDER BY f.at`},
	{"api_tokens.json", `SELECT name, hint, write, expires_at, last_used_at, revoked_at, created_at FROM api_tokens
		WHERE user_id = ? ORDER BY created_at`},
	{"news.json", `SELECT id, title, subtitle, summary, body, category, language, state, scope_kind, public, in_evidence,
		published_at, publish_from, publish_until, image_alt, created_at, updated_at FROM news WHERE author_id = ? ORDER BY id`},
	{"discussions.json", `SELECT id, title, body, language, state, closed, scope_kind, public, published_at, created_at, updated_at
		FROM discussions WHERE author_id = ? ORDER BY id`},
	{"comments.json", `SELECT id, content_type, item_id, parent_id, body, state, created_at, decided_at FROM comments
		WHERE author_id = ? ORDER BY id`},
	{"proposals.json", `SELECT id, title, summary, body, offer, expected, kind, trl, ip_status, countries, languages, themes,
		organization_id, closes_at, language, state, scope_kind, public, published_at, created_at, updated_at
		FROM proposals WHERE author_id = ? ORDER BY id`},
	{"proposal_interests.json", `SELECT i.id, i.proposal_id, p.title AS proposal_title, i.organization_id, i.offer, i.role,
		i.state, i.note, i.created_at, i.updated_at FROM proposal_interests i JOIN proposals p ON p.id = i.proposal_id
		WHERE i.author_id = ? ORDER BY i.id`},
	{"proposal_invitations.json", `SELECT proposal_id, kind, target_id, 'sent' AS direction, created_at FROM proposal_invitations
		WHERE invited_by = ? UNION ALL SELECT proposal_id, kind, target_id, 'received', created_at FROM proposal_invitations
		WHERE kind = 'person' AND target_id = ? ORDER BY 5`},
	{"proposal_suggestions.json", `SELECT s.proposal_id, p.title AS proposal_title, s.ranked_at, e.value -> 'themes' AS themes,
		e.value -> 'tags' AS tags, e.value -> 'competencies' AS competencies, e.value -> 'words' AS words
		FROM proposal_suggestions s JOIN proposals p ON p.id = s.proposal_id CROSS JOIN LATERAL jsonb_array_elements(s.suggestions) AS e
		WHERE s.suggestions @> jsonb_build_array(jsonb_build_object('kind', 'person', 'id', ?::bigint))
		AND e.value @> jsonb_build_object('kind', 'person', 'id', ?::bigint) ORDER BY s.proposal_id`},
	{"partnership_profiles.json", `SELECT id, reference, kind, title, summary, state, created_at, updated_at FROM partnerships
		WHERE author_id = ? ORDER BY id`},
	{"partnership_interests.json", `SELECT i.id, i.profile_id, p.reference, p.title AS profile_title, i.organization_id,
		i.message, i.state, i.created_at, i.updated_at FROM partnership_interests i JOIN partnerships p ON p.id = i.profile_id
		WHERE i.author_id = ? ORDER BY i.id`},
	{"partnership_interests_advised.json", `SELECT id, profile_id, state, updated_at FROM partnership_interests
		WHERE advisor_id = ? ORDER BY id`},
	{"exchange_shares.json", `SELECT item_type, item_id, shared_at FROM exchange_shares WHERE shared_by = ? ORDER BY shared_at`},
	{"documents.json", `SELECT id, kind, title, body, link, language, themes, versions, file_name, mime, size, community_id,
		folder_id, scope_kind, public, published_at, created_at, updated_at FROM documents WHERE author_id = ? ORDER BY id`},
	{"document_versions.json", `SELECT document_id, number, attachment_id, restored_from, created_at FROM document_versions
		WHERE created_by = ? ORDER BY document_id, number`},
	{"document_folders.json", `SELECT id, community_id, parent_id, name, created_at FROM document_folders WHERE created_by = ? ORDER BY id`},
	{"files.json", `SELECT id, content_type, item_id, comment_id, name, mime, size, sha256, created_at,
		'files/' || id || '-' || regexp_replace(name, '[/\\]', '_', 'g') AS archive_path
		FROM attachments WHERE uploaded_by = ? ORDER BY id`},
	{"workflow_actions.json", `SELECT content_type, item_id, action, from_state, to_state, note, at FROM workflow_history
		WHERE actor_id = ? ORDER BY at, id`},
	{"projects.json", `SELECT m.project_id, p.title, m.role, m.created_at, p.created_by = ? AS created_by_you FROM project_members m
		JOIN projects p ON p.id = m.project_id WHERE m.user_id = ?
		UNION ALL SELECT id, title, NULL, created_at, true FROM projects p
		WHERE created_by = ? AND NOT EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.user_id = ?) ORDER BY 1`},
	{"project_partner_referent.json", `SELECT project_id, organization_id, created_at FROM project_partners WHERE referent_id = ? ORDER BY id`},
	{"project_tasks.json", `SELECT t.id, t.project_id, t.title, t.description, t.starts_on, t.ends_on, t.status, t.progress
		FROM project_task_assignees a JOIN project_tasks t ON t.id = a.task_id WHERE a.user_id = ? ORDER BY t.id`},
	{"project_expenses.json", `SELECT id, project_id, line_id, spent_on, amount_cents, description, created_at, updated_at
		FROM project_expenses WHERE created_by = ? ORDER BY id`},
	{"project_reports.json", `SELECT id, project_id, partner_id, period_start, period_end, body, state, note, created_at, updated_at
		FROM project_reports WHERE author_id = ? ORDER BY id`},
	{"project_budget_changes.json", `SELECT project_id, line_id, expense_id, action, what, before_cents, after_cents, at
		FROM project_budget_history WHERE actor_id = ? ORDER BY at, id`},
	{"notifications.json", `SELECT n.created_at, n.frequency, n.read_at, n.emailed_at, e.content_type, e.item_id, e.title, e.url,
		e.message FROM notifications n JOIN events e ON e.id = n.event_id WHERE n.user_id = ? ORDER BY n.created_at, n.id`},
	{"notification_digests.json", `SELECT frequency, period, items, sent_at FROM digests WHERE user_id = ? ORDER BY sent_at`},
	{"events_published.json", `SELECT content_type, item_id, title, url, created_at FROM events
		WHERE author_id = ? AND recipient_id IS NULL ORDER BY id`},
	{"messages.json", `SELECT id, CASE WHEN sender_id = ? THEN 'sent' ELSE 'received' END AS direction,
		CASE WHEN sender_id = ? THEN recipient_id ELSE sender_id END AS other_member_id, reply_to, body, created_at, read_at
		FROM messages WHERE sender_id = ? OR recipient_id = ? ORDER BY created_at, id`},
}

// photoExt names the archive's copy of the profile photo by its type.
var photoExt = map[string]string{"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}

// archive writes a person's archive to zw, reading in tx (the tenant's,
// read-only and repeatable, so that every file tells the same moment) and
// the files' bytes from store under slug. Each entry is written as its
// rows arrive: nothing is held whole in memory.
type archive struct {
	tx     bun.Tx
	store  storage.Store
	slug   string
	uid    int64
	zw     *zip.Writer
	now    time.Time
	readme func(file string) string
	// extra are files written from values read outside the tenant's
	// schema (the roles, kept by the control plane).
	extra map[string]any
}

func (a *archive) create(name string) (io.Writer, error) {
	return a.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: a.now})
}

// write writes the archive's rows: README.txt, each kind and the photo;
// it returns the uploaded files, whose bytes writeFiles copies once the
// transaction has ended.
func (a *archive) write(ctx context.Context, intro string, names []string) ([]upload, error) {
	w, err := a.create("README.txt")
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString(intro + "\n\n")
	for _, n := range names {
		fmt.Fprintf(&b, "%s\n    %s\n", n, a.readme(n))
	}
	if _, err := io.WriteString(w, strings.ReplaceAll(b.String(), "\n", "\r\n")); err != nil {
		return nil, err
	}
	for name, v := range a.extra {
		if err := a.writeValue(name, v); err != nil {
			return nil, err
		}
	}
	for _, k := range kinds {
		if err := a.writeKind(ctx, k); err != nil {
			return nil, fmt.Errorf("%s: %w", k.file, err)
		}
	}
	if err := a.writePhoto(ctx); err != nil {
		return nil, err
	}
	return a.uploads(ctx)
}

// fileNames are the archive's files that README.txt describes, in order.
func fileNames(extra map[string]any) []string {
	names := []string{}
	for _, k := range kinds {
		names = append(names, k.file)
	}
	for n := range extra {
		names = append(names, n)
	}
	return append(names, "files/")
}

func (a *archive) writeValue(name string, v any) error {
	w, err := a.create(name)
	if err != nil {
		return err
	}
	return encodeJSON(w, v)
}

func (a *archive) writeKind(ctx context.Context, k kind) error {
	args := make([]any, strings.Count(k.query, "?"))
	for i := range args {
		args[i] = a.uid
	}
	rows, err := a.tx.QueryContext(ctx, "SELECT row_to_json(x)::text FROM ("+k.query+") x", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	w, err := a.create(k.file)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	sep := "\n"
	for rows.Next() {
		var row string
		if err := rows.Scan(&row); err != nil {
			return err
		}
		if _, err := io.WriteString(w, sep+row); err != nil {
			return err
		}
		sep = ",\n"
	}
	if err := rows.Err(); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n]\n")
	return err
}

func (a *archive) writePhoto(ctx context.Context) error {
	var photo []byte
	var typ string
	err := a.tx.QueryRowContext(ctx, "SELECT photo, photo_type FROM profiles WHERE user_id = ? AND photo IS NOT NULL", a.uid).Scan(&photo, &typ)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return fmt.Errorf("photo: %w", err)
	}
	ext := photoExt[typ]
	if ext == "" {
		ext = "bin"
	}
	w, err := a.create("files/profile-photo." + ext)
	if err != nil {
		return err
	}
	_, err = w.Write(photo)
	return err
}

// upload is a file the person uploaded: its id, name and storage key.
type upload struct {
	ID   int64  `bun:"id"`
	Name string `bun:"name"`
	Key  string `bun:"storage_key"`
}

// uploads are the files the person uploaded.
func (a *archive) uploads(ctx context.Context) ([]upload, error) {
	var files []upload
	if err := a.tx.NewRaw("SELECT id, name, storage_key FROM attachments WHERE uploaded_by = ? ORDER BY id", a.uid).Scan(ctx, &files); err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	return files, nil
}

// writeFiles copies the bytes of files from the store; a file the store
// no longer has is left out (files.json still lists it).
func (a *archive) writeFiles(ctx context.Context, files []upload) error {
	for _, f := range files {
		if err := a.copyFile(ctx, "files/"+strconv.FormatInt(f.ID, 10)+"-"+strings.NewReplacer("/", "_", `\`, "_").Replace(f.Name), f.Key); err != nil {
			return err
		}
	}
	return nil
}

func (a *archive) copyFile(ctx context.Context, name, key string) error {
	r, err := a.store.Open(ctx, a.slug, key)
	if err == storage.ErrNotFound {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", name, err)
	}
	defer r.Close()
	w, err := a.create(name)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, r)
	return err
}
