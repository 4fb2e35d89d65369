package tenant

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
)

// Login groups (see platform/db/group.go): each tenant's role is a member
// of one group login role, shared by at most Options.GroupSize tenants
// (spares count), made as needed; the main login role is a member of none.
// A group's name is <prefix>__g and its number: no slug gives a name with
// two underscores, and a spare's 12 hex digits never start with g.

// DefaultGroupSize is how many tenant roles a login group takes by
// default: the membership list a group's connection rebuilds after every
// provisioning then costs about a millisecond (docs/benchmarks.md).
const DefaultGroupSize = 250

// groupLock is the advisory lock key a transaction takes before it joins
// a login group, until it commits: provisionings that find every group
// full at once wait for the one group the first makes instead of making
// one each. Those joining the same group wait for each other on its row
// anyway, so taking this lock first (one order for both locks: no
// deadlock) serialises nothing more.
const groupLock = 727_018

// joinGroup counts one more member in a login group with room, made when
// none has, and returns its role name; "" when the pool has no key to give
// a group its password (the main login role then takes the tenant's role,
// as before groups: `piazza migrate` moves such tenants later). The
// group's row stays locked until tx ends.
func (r *Registry) joinGroup(ctx context.Context, tx bun.Tx) (string, error) {
	if !db.HasGroupKey(r.db) {
		return "", nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", groupLock); err != nil {
		return "", err
	}
	// A group made while this transaction waited is committed and seen now.
	if name, err := r.roomInGroup(ctx, tx); name != "" || err != nil {
		return name, err
	}
	return r.makeGroup(ctx, tx)
}

// roomInGroup counts one more member in the first login group with room
// and returns its name, or "" when every group is full.
func (r *Registry) roomInGroup(ctx context.Context, tx bun.Tx) (string, error) {
	var name []string
	err := tx.NewRaw(`UPDATE piazza.login_groups SET members = members + 1
		WHERE id = (SELECT id FROM piazza.login_groups WHERE members < ? ORDER BY id LIMIT 1)
		AND members < ? RETURNING role_name`, r.groupSize, r.groupSize).Scan(ctx, &name)
	if err != nil || len(name) == 0 {
		return "", err
	}
	return name[0], nil
}

// makeGroup records a new login group with one member, creates its role
// and returns its name.
func (r *Registry) makeGroup(ctx context.Context, tx bun.Tx) (string, error) {
	var name []string
	err := tx.NewRaw(`WITH n AS (SELECT nextval(pg_get_serial_sequence('piazza.login_groups', 'id')) AS id)
		INSERT INTO piazza.login_groups (id, role_name, members) OVERRIDING SYSTEM VALUE
		SELECT id, ? || lpad(id::text, 4, '0'), 1 FROM n RETURNING role_name`, r.rolePrefix+"__g").Scan(ctx, &name)
	if err != nil {
		return "", fmt.Errorf("record a login group: %w", err)
	}
	if err := db.CreateGroup(ctx, tx, r.db, name[0]); err != nil {
		return "", fmt.Errorf("create login group %s: %w", name[0], err)
	}
	return name[0], nil
}

// enterGroup makes role, the role of a schema made in tx (still the main
// login role's since createSchema), a member of a login group with room
// instead of the main login role's, and returns the group's name ("" when
// there is no key: the main login role keeps the role, as before groups).
// It comes last in its transaction: the groups' lock and the group's row
// are then held from here to the commit only, so provisionings at once
// build their schemas side by side and queue for this step alone.
func (r *Registry) enterGroup(ctx context.Context, tx bun.Tx, role string) (string, error) {
	name, err := r.joinGroup(ctx, tx)
	if err != nil || name == "" {
		return name, err
	}
	if _, err := tx.ExecContext(ctx, "REVOKE "+pgx.Identifier{role}.Sanitize()+" FROM CURRENT_USER"); err != nil {
		return "", err
	}
	return name, grantGroup(ctx, tx, role, name)
}

// tenantJoinsGroup is enterGroup for a tenant made in tx, recorded in its
// registry row.
func (r *Registry) tenantJoinsGroup(ctx context.Context, tx bun.Tx, t *Tenant) error {
	name, err := r.enterGroup(ctx, tx, t.RoleName)
	if err != nil {
		return fmt.Errorf("provision %s: login group: %w", t.Slug, err)
	}
	if name == "" {
		return nil
	}
	t.LoginRole = name
	_, err = tx.NewUpdate().Model((*Tenant)(nil)).Set("login_role = ?", name).Where("id = ?", t.ID).Exec(ctx)
	return err
}

// ResetGroupPasswords sets every login group's password again, from the
// key of r's pool, and returns how many groups there are. The passwords
// derive from PIAZZA_SECRET_KEY: after it changed, `piazza migrate` run
// with the new key lets the servers into the groups again. With the same
// key it changes nothing. Without a key it does nothing.
func (r *Registry) ResetGroupPasswords(ctx context.Context) (int, error) {
	if !db.HasGroupKey(r.db) {
		return 0, nil
	}
	var names []string
	if err := r.db.NewRaw("SELECT role_name FROM piazza.login_groups ORDER BY id").Scan(ctx, &names); err != nil {
		return 0, fmt.Errorf("read the login groups: %w", err)
	}
	for _, name := range names {
		if err := db.SetGroupPassword(ctx, r.db, r.db, name); err != nil {
			return 0, fmt.Errorf("set the password of login group %s: %w", name, err)
		}
	}
	return len(names), nil
}

// leaveGroup counts one member less in login group name (none for "").
func leaveGroup(ctx context.Context, tx bun.Tx, name string) error {
	if name == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, "UPDATE piazza.login_groups SET members = members - 1 WHERE role_name = ?", name)
	return err
}

// grantGroup makes role a member of login group name.
func grantGroup(ctx context.Context, tx bun.Tx, role, name string) error {
	_, err := tx.ExecContext(ctx, "GRANT "+pgx.Identifier{role}.Sanitize()+" TO "+pgx.Identifier{name}.Sanitize())
	return err
}

// moveBatch is how many roles one transaction of MoveToGroups moves: each
// commit makes every backend rebuild its membership list once.
const moveBatch = 200

// GroupMove is what MoveToGroups did.
type GroupMove struct {
	// Moved is how many tenant and spare roles it made members of a group.
	Moved int
	// Released is how many of them it took from the main login role.
	Released int
}

// MoveToGroups moves the tenants and spares that predate login groups into
// groups (`piazza migrate`): each role becomes a member of a group, which
// is recorded, in batches of one transaction each; then, unless keepMain,
// the main login role gives up its membership of every role that is in a
// group. Servers of a release before groups enter tenants through the main
// login role: keepMain lets them run on while the new ones start, and a
// later run without it finishes the move. Interrupted, it resumes; run
// again, it finds nothing to do. Without the key of the groups' passwords
// it moves nothing.
func (r *Registry) MoveToGroups(ctx context.Context, keepMain bool) (GroupMove, error) {
	var m GroupMove
	if !db.HasGroupKey(r.db) {
		return m, nil
	}
	for _, table := range []string{"piazza.tenants", "piazza.spare_schemas"} {
		for {
			n, err := r.moveSome(ctx, table)
			m.Moved += n
			if err != nil {
				return m, fmt.Errorf("move %s to login groups: %w", table, err)
			}
			if n == 0 {
				break
			}
		}
	}
	for !keepMain {
		n, err := r.releaseSome(ctx)
		m.Released += n
		if err != nil {
			return m, fmt.Errorf("release tenant roles from the login role: %w", err)
		}
		if n == 0 {
			break
		}
	}
	return m, nil
}

// moveSome moves up to moveBatch roles of table (tenants or spares) that
// are in no group, in one transaction, and returns how many.
func (r *Registry) moveSome(ctx context.Context, table string) (int, error) {
	n := 0
	err := r.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var rows []struct {
			ID   int64  `bun:"id"`
			Role string `bun:"role_name"`
		}
		err := tx.NewRaw("SELECT id, role_name FROM "+table+
			" WHERE login_role IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED", moveBatch).Scan(ctx, &rows)
		if err != nil {
			return err
		}
		for _, row := range rows {
			g, err := r.joinGroup(ctx, tx)
			if err != nil {
				return err
			}
			if err := grantGroup(ctx, tx, row.Role, g); err != nil {
				return fmt.Errorf("role %s: %w", row.Role, err)
			}
			if _, err := tx.ExecContext(ctx, "UPDATE "+table+" SET login_role = ? WHERE id = ?", g, row.ID); err != nil {
				return err
			}
		}
		n = len(rows)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// releaseSome revokes from the main login role up to moveBatch of the
// roles it is still a member of though they are in a group, in one
// transaction, and returns how many.
func (r *Registry) releaseSome(ctx context.Context) (int, error) {
	n := 0
	err := r.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var roles []string
		err := tx.NewRaw(`SELECT t.rolname FROM pg_auth_members m
			JOIN pg_roles t ON t.oid = m.roleid
			WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = current_user)
			AND t.rolname IN (SELECT role_name FROM piazza.tenants WHERE login_role IS NOT NULL
				UNION ALL SELECT role_name FROM piazza.spare_schemas WHERE login_role IS NOT NULL)
			LIMIT ?`, moveBatch).Scan(ctx, &roles)
		if err != nil {
			return err
		}
		for _, role := range roles {
			if _, err := tx.ExecContext(ctx, "REVOKE "+pgx.Identifier{role}.Sanitize()+" FROM CURRENT_USER"); err != nil {
				return fmt.Errorf("role %s: %w", role, err)
			}
		}
		n = len(roles)
		return nil
	})
	return n, err
}
