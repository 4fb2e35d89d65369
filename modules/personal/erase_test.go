package personal_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/personal"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/storage"
)

// column is a column of the tenant's schema that names a user.
type column struct{ table, column string }

// userColumns are the tenant schema's columns with a foreign key to users.
func userColumns(t *testing.T, w *moduletest.World) []column {
	var cols []column
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
			WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass AND c.connamespace = current_schema()::regnamespace
			ORDER BY 1, 2`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c column
			if err := rows.Scan(&c.table, &c.column); err != nil {
				return err
			}
			cols = append(cols, c)
		}
		return rows.Err()
	})
	return cols
}

// TestKindsCoverEveryUserColumn: every column naming a user is read by the
// archive and has a fate in the erasure, so that a table added later
// cannot be forgotten by either.
func TestKindsCoverEveryUserColumn(t *testing.T) {
	w := moduletest.New(t)
	cols := userColumns(t, w)
	if len(cols) < 30 {
		t.Fatalf("found only %d columns naming a user: %v", len(cols), cols)
	}
	queries := strings.Join(personal.KindQueries(), "\n")
	for _, c := range cols {
		name := c.table + "." + c.column
		if _, ok := personal.Fates[name]; !ok {
			t.Errorf("the erasure does not say what becomes of %s", name)
		}
		if !strings.Contains(queries, " "+c.table+" ") && !strings.Contains(queries, " "+c.table+"\n") {
			t.Errorf("the archive reads nothing of %s", c.table)
		} else if !strings.Contains(queries, c.column) {
			t.Errorf("the archive does not read %s", name)
		}
	}
}

// found lists where s occurs in any text, character, JSON, array or
// text-search column of any table of schema (the tenant's when tx is
// scoped to it), as "table.column".
func found(ctx context.Context, tx bun.IDB, schema string, s string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.table_name, c.column_name FROM information_schema.columns c
		JOIN information_schema.tables t USING (table_schema, table_name)
		WHERE c.table_schema = ? AND t.table_type = 'BASE TABLE'
		AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'tsvector'))`, schema)
	if err != nil {
		return nil, err
	}
	var cols []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.table, &c.column); err != nil {
			rows.Close()
			return nil, err
		}
		cols = append(cols, c)
	}
	rows.Close()
	var out []string
	for _, c := range cols {
		var n int
		// the addresses of others that hold anna's as a part are not hers
		q := fmt.Sprintf(`SELECT count(*) FROM %s.%s
			WHERE strpos(replace(replace(lower(%s::text), 'maria.' || lower(?), ''), lower(?) || '.org', ''), lower(?)) > 0`,
			bun.Ident(schema), bun.Ident(c.table), bun.Ident(c.column))
		if err := tx.NewRaw(q, s, s, s).Scan(ctx, &n); err != nil {
			return nil, fmt.Errorf("%s.%s: %w", c.table, c.column, err)
		}
		if n > 0 {
			out = append(out, c.table+"."+c.column)
		}
	}
	return out, nil
}

// traces are where who (name, e-mail, fiscal number) still shows in
// alpha's schema, in beta's (which received letters of hers through the
// exchange) and in the control schema.
func traces(t *testing.T, w *moduletest.World, p *someone) []string {
	t.Helper()
	var out []string
	for _, s := range []string{p.given, p.family, p.email, p.fiscal} {
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			at, err := found(ctx, tx, w.A.SchemaName, s)
			for _, a := range at {
				out = append(out, fmt.Sprintf("%q in %s", s, a))
			}
			return err
		})
		w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error {
			at, err := found(ctx, tx, w.B.SchemaName, s)
			for _, a := range at {
				out = append(out, fmt.Sprintf("%q in beta's %s", s, a))
			}
			return err
		})
		at, err := found(context.Background(), w.DB.DB, "piazza", s)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range at {
			out = append(out, fmt.Sprintf("%q in piazza.%s", s, a))
		}
	}
	return out
}

// arrange seeds anna and bruno, has bruno answer anna's comment, puts
// anna's address in the control plane (the tenant's first admin, an
// admin's action on her in the audit trail, a letter of hers in the
// exchange's mailbox), has letters of hers delivered to beta and signs
// her in; it returns her browser.
func arrange(t *testing.T, w *moduletest.World, anna, bruno *someone) *moduletest.Browser {
	t.Helper()
	seed(t, w, anna, bruno)
	seed(t, w, bruno, anna)
	seedAnswers(t, w, anna, bruno)
	seedAnswers(t, w, bruno, anna)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO comments (content_type, item_id, parent_id, author_id, body)
			SELECT content_type, item_id, id, ?, ? FROM comments WHERE author_id = ?`, bruno.id, bruno.mark+" reply", anna.id)
		return err
	})
	ctx := context.Background()
	for _, q := range []struct {
		q    string
		args []any
	}{
		{"UPDATE piazza.tenants SET admin_email = ? WHERE id = ?", []any{anna.email, w.A.ID}},
		// addresses of others that hold hers as a part
		{`INSERT INTO piazza.audit_log (actor, tenant_id, tenant_slug, action, detail)
			VALUES (?, ?, 'alpha', 'member.invite', jsonb_build_object('email', ?::text))`,
			[]any{"user:9 maria." + anna.email, w.A.ID, strings.ToUpper(anna.email) + ".org, " + anna.email + "."}},
		{"INSERT INTO piazza.exchange_members (tenant_id, joined_by) VALUES (?, ?)", []any{w.A.ID, "user:9 maria." + anna.email}},
		{`INSERT INTO piazza.exchange_mailbox (to_tenant_id, item_type, item_id, from_tenant_id, from_user_id, from_tenant, respondent, message)
			VALUES (?, 'proposal', 999, ?, ?, 'Comune di Alpha', ?, ?)`, []any{w.B.ID, w.A.ID, anna.id, anna.given + " " + anna.family, anna.mark + " letter"}},
	} {
		if _, err := w.DB.DB.ExecContext(ctx, q.q, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	deliverToBeta(t, w, anna)
	admin := w.Browser(t, moduletest.Alpha, "admin")
	// an invitation an admin once sent her, the address typed in capitals:
	// the trail loses it too (the suspension below names it as stored)
	if _, err := w.DB.DB.ExecContext(ctx, `INSERT INTO piazza.audit_log (actor, tenant_id, tenant_slug, action, detail)
		VALUES ('user:1 admin@alpha.example', ?, 'alpha', 'member.invite', jsonb_build_object('email', upper(?::text)))`, w.A.ID, anna.email); err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"suspend", "activate"} {
		if code, _ := admin.Send(moduletest.Alpha+"/admin", fmt.Sprintf("%s/admin/members/%d/%s", moduletest.Alpha, anna.id, action), nil); code != 200 {
			t.Fatalf("%s anna: %d", action, code)
		}
	}
	if len(traces(t, w, anna)) == 0 {
		t.Fatal("the arrangement left no trace of anna to erase")
	}
	b := w.Browser(t, moduletest.Alpha, "anna")
	if code, _ := b.Get(moduletest.Alpha + "/profile"); code != 200 {
		t.Fatalf("anna's profile before the erasure: %d", code)
	}
	return b
}

func count(t *testing.T, w *moduletest.World, q string, args ...any) int {
	t.Helper()
	var n int
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, q, args...).Scan(&n)
	})
	return n
}

// TestErase erases anna, keeping or deleting her contributions: her name,
// e-mail and fiscal number are then nowhere in the tenant's schema nor in
// the control schema, she cannot sign in nor use her open session, her
// contributions are kept under "Ex membro" or gone (with her file), and
// bruno's data is whole.
func TestErase(t *testing.T) {
	for _, mode := range []string{"keep", "delete"} {
		t.Run(mode, func(t *testing.T) {
			w := moduletest.New(t)
			anna, bruno := people(w)
			her := arrange(t, w, anna, bruno)
			admin := w.Browser(t, moduletest.Alpha, "admin")
			page := fmt.Sprintf("%s/admin/people/%d/erase", moduletest.Alpha, anna.id)
			if code, body := admin.Get(moduletest.Alpha + "/admin"); code != 200 || !strings.Contains(body, fmt.Sprintf(`href="/admin/people/%d/erase"`, anna.id)) {
				t.Fatalf("the members' list (%d) links no erasure of anna", code)
			}
			code, body := admin.Get(page)
			if code != 200 || !strings.Contains(body, anna.given+" "+anna.family) || !strings.Contains(body, anna.email) {
				t.Fatalf("the confirmation page (%d) does not name anna:\n%.2000s", code, body)
			}
			if code, body := admin.Send(page, page, url.Values{}); code != 422 || !strings.Contains(body, "Scegli se conservare o eliminare") {
				t.Fatalf("an erasure without a choice: %d", code)
			}
			if len(traces(t, w, anna)) == 0 {
				t.Fatal("an erasure without a choice erased anyway")
			}
			if code, _ := admin.Send(page, page, url.Values{"contributions": {mode}}); code != 303 {
				t.Fatalf("the erasure answered %d", code)
			}

			if left := traces(t, w, anna); len(left) > 0 {
				t.Errorf("anna is still in the database:\n%s", strings.Join(left, "\n"))
			}
			if len(traces(t, w, bruno)) == 0 {
				t.Error("the erasure of anna erased bruno too")
			}
			// she can neither sign in nor use the session she had
			if code, _ := her.Get(moduletest.Alpha + "/profile"); code == 200 {
				t.Error("anna's open session still shows her profile")
			}
			b := w.Browser(t, moduletest.Alpha, "")
			if code, _ := b.Send(moduletest.Alpha+"/auth/login", moduletest.Alpha+"/auth/login",
				url.Values{"email": {anna.email}, "password": {moduletest.Password}}); code == 303 {
				t.Error("anna signed in after her erasure")
			}
			// no way back in: no identity provider link, nothing to link by
			if n := count(t, w, `SELECT count(*) FROM user_identities WHERE user_id = ?`, anna.id) +
				count(t, w, `SELECT count(*) FROM users WHERE id = ? AND (password_hash IS NOT NULL OR fiscal_number IS NOT NULL OR status <> 'suspended' OR erased_at IS NULL)`, anna.id); n != 0 {
				t.Errorf("anna's account keeps a way to sign in (%d)", n)
			}
			roles, err := authz.Roles(context.Background(), w.DB.DB, fmt.Sprintf("user:%d", anna.id), w.A.Domain())
			if err != nil || len(roles) != 0 {
				t.Errorf("anna keeps the roles %v (%v)", roles, err)
			}
			checkAudit(t, w, anna)
			checkNeighbours(t, w, anna)
			if n := count(t, w, "SELECT count(*) FROM users WHERE id = ? AND display_name = 'Ex membro'", anna.id); n != 1 {
				t.Error("anna's account is not named Ex membro")
			}
			_, err = w.Files.Open(context.Background(), "alpha", anna.fileKey)
			kept := map[string]int{"keep": 1, "delete": 0}[mode]
			if (mode == "keep") != (err == nil) || mode == "delete" && !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("anna's file after %s: %v", mode, err)
			}
			if _, err := w.Files.Open(context.Background(), "alpha", bruno.fileKey); err != nil {
				t.Errorf("bruno's file: %v", err)
			}
			for _, q := range []string{
				"SELECT count(*) FROM news WHERE author_id = ?", "SELECT count(*) FROM discussions WHERE author_id = ?",
				"SELECT count(*) FROM proposals WHERE author_id = ?", "SELECT count(*) FROM documents WHERE author_id = ?",
				"SELECT count(*) FROM partnerships WHERE author_id = ?", "SELECT count(*) FROM proposal_interests WHERE author_id = ?",
				"SELECT count(*) FROM partnership_interests WHERE author_id = ?", "SELECT count(*) FROM messages WHERE sender_id = ?",
				"SELECT count(*) FROM attachments WHERE uploaded_by = ?",
			} {
				if n := count(t, w, q, anna.id); n != kept {
					t.Errorf("%s: %d after %s", q, n, mode)
				}
			}
			// her answered comment keeps its place for bruno's reply
			wantBody := map[string]string{"keep": anna.mark + " comment", "delete": "[commento rimosso]"}[mode]
			if n := count(t, w, "SELECT count(*) FROM comments WHERE author_id = ? AND body = ?", anna.id, wantBody); n != 1 {
				t.Errorf("anna's answered comment after %s: %d with %q", mode, n, wantBody)
			}
			if n := count(t, w, "SELECT count(*) FROM comments WHERE author_id = ? AND parent_id IS NOT NULL", bruno.id); n != 1 {
				t.Error("bruno's reply to anna's comment is gone")
			}
			// bruno's own items are whole (his answers to anna's items go
			// only with them)
			if n := count(t, w, "SELECT count(*) FROM proposal_interests WHERE author_id = ?", bruno.id); n != kept {
				t.Errorf("bruno's interest in anna's proposal after %s: %d", mode, n)
			}
			for _, q := range []string{"SELECT count(*) FROM news WHERE author_id = ?", "SELECT count(*) FROM proposals WHERE author_id = ?",
				"SELECT count(*) FROM attachments WHERE uploaded_by = ?", "SELECT count(*) FROM users WHERE id = ? AND erased_at IS NULL"} {
				if n := count(t, w, q, bruno.id); n != 1 {
					t.Errorf("%s for bruno: %d", q, n)
				}
			}
			checkBeta(t, w, anna, kept)
			if _, body := admin.Get(moduletest.Alpha + "/admin"); strings.Contains(body, fmt.Sprintf("/admin/people/%d/erase", anna.id)) {
				t.Error("the members' list still lists the erased person")
			}
			if code, _ := admin.Get(page); code != 404 {
				t.Errorf("the erasure page of an erased person answered %d, want 404", code)
			}
			if code, _ := admin.Send(moduletest.Alpha+"/admin", page, url.Values{"contributions": {"keep"}}); code != 404 {
				t.Errorf("erasing an erased person answered %d, want 404", code)
			}
		})
	}
}

// checkAudit: the erasure is in the audit trail with anna's number and the
// admin who erased her, and nothing else of hers.
func checkAudit(t *testing.T, w *moduletest.World, anna *someone) {
	t.Helper()
	var actor, detail string
	err := w.DB.DB.QueryRowContext(context.Background(), `SELECT actor, detail::text FROM piazza.audit_log
		WHERE tenant_id = ? AND action = 'member.erase'`, w.A.ID).Scan(&actor, &detail)
	if err != nil {
		t.Fatalf("no erasure in the audit trail: %v", err)
	}
	if !strings.Contains(actor, "admin@alpha.example") || !strings.Contains(detail, `"user:`+strconv.FormatInt(anna.id, 10)+`"`) {
		t.Errorf("the audit entry is %q %s", actor, detail)
	}
}

// checkNeighbours: the addresses of others that hold anna's as a part
// (maria.anna@…, anna@….org) are whole in the audit trail and the
// exchange's members, and hers beside them, ending a sentence, is erased.
func checkNeighbours(t *testing.T, w *moduletest.World, anna *someone) {
	t.Helper()
	var actor, detail, joined string
	err := w.DB.DB.QueryRowContext(context.Background(), `SELECT actor, detail->>'email' FROM piazza.audit_log
		WHERE tenant_id = ? AND actor LIKE 'user:9 %'`, w.A.ID).Scan(&actor, &detail)
	if err == nil {
		err = w.DB.DB.QueryRowContext(context.Background(), "SELECT joined_by FROM piazza.exchange_members WHERE tenant_id = ?", w.A.ID).Scan(&joined)
	}
	if err != nil {
		t.Fatal(err)
	}
	if want := "user:9 maria." + anna.email; actor != want || joined != want {
		t.Errorf("another person's address holding anna's: audit actor %q, exchange member %q, want %q", actor, joined, want)
	}
	if want := strings.ToUpper(anna.email) + ".org, [erased]."; detail != want {
		t.Errorf("audit detail %q, want %q", detail, want)
	}
}

// TestEraseRefusals: a member cannot erase anybody, an admin cannot erase
// themselves, and another tenant's admin cannot reach a person of alpha
// (404): nobody is erased by any of them.
func TestEraseRefusals(t *testing.T) {
	w := moduletest.New(t)
	var zelda int64 // a person of alpha with an id no one in beta has
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO users (email, display_name) VALUES ('zelda@alpha.example', 'Zelda Zeta') RETURNING id`).Scan(&zelda)
	})
	erase := func(site string, id int64) string { return fmt.Sprintf("%s/admin/people/%d/erase", site, id) }
	bruno := w.Browser(t, moduletest.Alpha, "bruno")
	if code, _ := bruno.Get(erase(moduletest.Alpha, zelda)); code != 403 {
		t.Errorf("a member's GET of the erasure page answered %d, want 403", code)
	}
	if code, _ := bruno.Send(moduletest.Alpha+"/profile", erase(moduletest.Alpha, zelda), url.Values{"contributions": {"delete"}}); code != 403 {
		t.Errorf("a member's erasure answered %d, want 403", code)
	}
	betaAdmin := w.Browser(t, moduletest.Beta, "admin")
	if code, _ := betaAdmin.Get(erase(moduletest.Beta, zelda)); code != 404 {
		t.Errorf("beta's admin's GET of alpha's person answered %d, want 404", code)
	}
	if code, _ := betaAdmin.Send(moduletest.Beta+"/admin", erase(moduletest.Beta, zelda), url.Values{"contributions": {"delete"}}); code != 404 {
		t.Errorf("beta's admin's erasure of alpha's person answered %d, want 404", code)
	}
	admin := w.Browser(t, moduletest.Alpha, "admin")
	self := erase(moduletest.Alpha, w.ID("alpha", "admin"))
	if code, body := admin.Get(self); code != 200 || !strings.Contains(body, "Non puoi cancellare il tuo account") {
		t.Errorf("the admin's own erasure page (%d) does not say they cannot", code)
	}
	if code, _ := admin.Send(self, self, url.Values{"contributions": {"keep"}}); code != 409 {
		t.Errorf("an admin's erasure of themselves answered %d, want 409", code)
	}
	var erased []string
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw("SELECT email FROM users WHERE erased_at IS NOT NULL").Scan(ctx, &erased)
	})
	if len(erased) != 0 || slices.Contains(erased, "zelda@alpha.example") {
		t.Errorf("erased: %v", erased)
	}
	var n int
	_ = w.DB.DB.QueryRowContext(context.Background(), "SELECT count(*) FROM piazza.audit_log WHERE action = 'member.erase'").Scan(&n)
	if n != 0 {
		t.Errorf("%d erasures in the audit trail", n)
	}
}

// deliverToBeta has beta receive, through the exchange, anna's interest in
// a proposal and in a partnership profile of bruno's there, as the
// delivery writes them: a delivered mailbox entry, and beta's interest
// naming her with the entry as its external_ref, its history and the
// notice to bruno.
func deliverToBeta(t *testing.T, w *moduletest.World, anna *someone) {
	t.Helper()
	bruno := w.ID("beta", "bruno")
	for _, k := range []struct{ typ, item, table, column, offer, content, state string }{
		{"proposal", `INSERT INTO proposals (title, body, kind, trl, state, author_id) VALUES ('Beta proposal', 'b', 'research', 3, 'published', ?) RETURNING id`,
			"proposal_interests", "proposal_id", "offer", "proposal_interest", "submitted"},
		{"partnership", `INSERT INTO partnerships (reference, kind, title, source_hash, author_id) VALUES ('TOBETA', 'technology_offer', 'Beta profile', 'h', ?) RETURNING id`,
			"partnership_interests", "profile_id", "message", "partnership_interest", "new"},
	} {
		var item, ref int64
		w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, k.item, bruno).Scan(&item)
		})
		err := w.DB.DB.QueryRowContext(context.Background(), `INSERT INTO piazza.exchange_mailbox (to_tenant_id, item_type, item_id,
			from_tenant_id, from_user_id, from_tenant, respondent, message, state, delivered_at)
			VALUES (?, ?, ?, ?, ?, 'Comune di Alpha', ?, ?, 'delivered', now()) RETURNING id`,
			w.B.ID, k.typ, item, w.A.ID, anna.id, anna.given+" "+anna.family, anna.mark+" letter").Scan(&ref)
		if err != nil {
			t.Fatal(err)
		}
		w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error {
			var in, ev int64
			err := tx.QueryRowContext(ctx, `INSERT INTO `+k.table+` (`+k.column+`, `+k.offer+`, state, external_name, external_organization,
				external_tenant, external_ref) VALUES (?, ?, ?, ?, 'Alpha Srl', 'Comune di Alpha', ?) RETURNING id`,
				item, anna.mark+" letter", k.state, anna.given+" "+anna.family, ref).Scan(&in)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO workflow_history (content_type, item_id, action, from_state, to_state)
				VALUES (?, ?, 'submit', 'draft', 'submitted')`, k.content, in); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO events (content_type, item_id, title, url, recipient_id, scope_kind)
				VALUES (?, ?, 'Beta item', '/x', ?, 'tenant') RETURNING id`, k.content, in, bruno).Scan(&ev); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO notifications (user_id, event_id, frequency) VALUES (?, ?, 'daily')`, bruno, ev)
			return err
		})
	}
}

// checkBeta: the interests beta received from anna through the exchange
// name her "Ex membro" when her contributions are kept (kept = 1), and are
// gone with their history and notices when they are deleted; beta's own
// people are whole.
func checkBeta(t *testing.T, w *moduletest.World, anna *someone, kept int) {
	t.Helper()
	n := func(q string) int {
		var c int
		w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error { return tx.QueryRowContext(ctx, q).Scan(&c) })
		return c
	}
	for _, table := range []string{"proposal_interests", "partnership_interests"} {
		if c := n("SELECT count(*) FROM " + table + " WHERE external_ref IS NOT NULL AND external_name = 'Ex membro'"); c != kept {
			t.Errorf("beta's %s from anna named Ex membro: %d, want %d", table, c, kept)
		}
		if c := n("SELECT count(*) FROM " + table + " WHERE external_ref IS NOT NULL"); c != kept {
			t.Errorf("beta's %s from anna: %d, want %d", table, c, kept)
		}
	}
	if c := n("SELECT count(*) FROM workflow_history WHERE content_type LIKE '%_interest'"); c != 2*kept {
		t.Errorf("beta's history of anna's interests: %d, want %d", c, 2*kept)
	}
	if c := n("SELECT count(*) FROM notifications"); c != 2*kept {
		t.Errorf("bruno's notices in beta of anna's interests: %d, want %d", c, 2*kept)
	}
	if c := n("SELECT count(*) FROM proposals WHERE title = 'Beta proposal'") + n("SELECT count(*) FROM users WHERE erased_at IS NULL"); c != 1+len(moduletest.People) {
		t.Errorf("beta's own proposal and people: %d, want %d", c, 1+len(moduletest.People))
	}
}
