package tenant

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/migrate"
)

// CreateParams is what an operator gives to provision a tenant.
type CreateParams struct {
	Slug string
	Name string
	// Hosts are extra host names; <slug>.<base domain> is always added.
	Hosts []string
	// AdminEmail is the first tenant admin, recorded for sign-in.
	AdminEmail string
	// Plan is the slug of the tenant's plan ("" for DefaultPlan).
	Plan string
	// Setup, when set, finishes this tenant inside the transaction that
	// provisions it (how its first admin signs in), after the hooks.
	Setup Hook
}

// Validate checks and normalises p against the registry's rules, without
// looking at the database.
func (r *Registry) Validate(p *CreateParams) error {
	if err := CheckSlug(p.Slug); err != nil {
		return about("slug", err)
	}
	name, err := checkName(p.Name)
	if err != nil {
		return about("name", err)
	}
	p.Name = name
	if p.AdminEmail, err = checkEmail(p.AdminEmail); err != nil {
		return about("admin_email", err)
	}
	hosts := []string{r.DefaultHost(p.Slug)}
	seen := map[string]bool{hosts[0]: true}
	for _, h := range p.Hosts {
		n, err := NormalizeHost(h)
		if err != nil {
			return about("hosts", err)
		}
		if err := r.checkHost(n, true); err != nil {
			return about("hosts", err)
		}
		if !seen[n] {
			seen[n] = true
			hosts = append(hosts, n)
		}
	}
	if _, err := NormalizeHost(hosts[0]); err != nil {
		return about("slug", err)
	}
	p.Hosts = hosts
	return nil
}

// provision is Create, untimed.
func (r *Registry) provision(ctx context.Context, p CreateParams) (*Tenant, error) {
	if err := r.Validate(&p); err != nil {
		return nil, err
	}
	t := &Tenant{
		Slug: p.Slug, Name: p.Name, Status: StatusActive, AdminEmail: p.AdminEmail,
		SchemaName: schemaName(p.Slug), RoleName: r.roleName(p.Slug), Hosts: p.Hosts,
	}
	claimed := false
	err := r.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		plan, err := planBySlug(ctx, tx, p.Plan)
		if err != nil {
			return err
		}
		t.PlanID, t.Plan = plan.ID, plan
		s, err := r.claimSpare(ctx, tx)
		if err != nil {
			return fmt.Errorf("provision %s: %w", t.Slug, err)
		}
		if claimed = s != nil; claimed {
			t.SchemaName, t.RoleName, t.SchemaVersion, t.LoginRole = s.SchemaName, s.RoleName, s.SchemaVersion, s.LoginRole
		}
		if err := r.insert(ctx, tx, t); err != nil {
			return err
		}
		if !claimed {
			if err := createSchema(ctx, tx, t.Scope()); err != nil {
				return fmt.Errorf("provision %s: %w", t.Slug, err)
			}
			if err := r.migrateIn(ctx, tx, t); err != nil {
				return fmt.Errorf("provision %s: %w", t.Slug, err)
			}
		}
		if t.AdminEmail != "" {
			err := db.InTenantTx(ctx, tx, t.Scope(), func() error {
				return tx.QueryRowContext(ctx,
					"INSERT INTO users (email, status, is_admin) VALUES (?, 'invited', true) RETURNING id", t.AdminEmail).Scan(&t.AdminUserID)
			})
			if err != nil {
				return fmt.Errorf("provision %s: record the first admin: %w", t.Slug, err)
			}
		}
		if err := r.finish(ctx, tx, t, p); err != nil {
			return err
		}
		if claimed {
			return nil
		}
		return r.tenantJoinsGroup(ctx, tx, t)
	})
	if err != nil {
		return nil, err
	}
	if claimed {
		r.wantSpares()
	}
	r.changed(t.ID)
	return t, r.planChanged(ctx, t)
}

// insert writes the tenant's registry rows, turning unique violations into
// clear errors (the pre-checks make them rare; the constraints make them sure).
func (r *Registry) insert(ctx context.Context, tx bun.Tx, t *Tenant) error {
	exists, err := tx.NewSelect().Model((*Tenant)(nil)).Where("slug = ?", t.Slug).Exists(ctx)
	if err != nil {
		return fmt.Errorf("check slug: %w", err)
	}
	if exists {
		return slugTaken(t.Slug, "")
	}
	var taken []string
	err = tx.NewSelect().Model((*host)(nil)).Column("host").Where("host IN (?)", bun.List(t.Hosts)).Scan(ctx, &taken)
	if err != nil {
		return fmt.Errorf("check hosts: %w", err)
	}
	if len(taken) > 0 {
		return hostTaken(taken[0], "")
	}
	_, err = tx.NewInsert().Model(t).Returning("id, created_at, updated_at").Exec(ctx)
	if c, ok := uniqueViolation(err); ok {
		if c == "tenants_slug_key" || c == "tenants_schema_name_key" || c == "tenants_role_name_key" {
			return slugTaken(t.Slug, "")
		}
	}
	if err != nil {
		return fmt.Errorf("insert tenant: %w", err)
	}
	rows := make([]host, len(t.Hosts))
	for i, h := range t.Hosts {
		rows[i] = host{Host: h, TenantID: t.ID, IsDefault: i == 0}
	}
	_, err = tx.NewInsert().Model(&rows).Exec(ctx)
	if _, ok := uniqueViolation(err); ok {
		return hostTaken(strings.Join(t.Hosts, " "), "")
	}
	if err != nil {
		return fmt.Errorf("insert hosts: %w", err)
	}
	return nil
}

// finish runs the provisioning hooks on t and then p's Setup, inside tx.
func (r *Registry) finish(ctx context.Context, tx bun.Tx, t *Tenant, p CreateParams) error {
	for _, h := range r.onProvision {
		if err := h(ctx, tx, t); err != nil {
			return fmt.Errorf("provision %s: %w", t.Slug, err)
		}
	}
	if p.Setup != nil {
		return p.Setup(ctx, tx, t)
	}
	return nil
}

// createSchema makes s's NOLOGIN role and s's schema owned by it, inside
// an open transaction. PostgreSQL lets only a member of the role give it a
// schema, so the main login role is made a member, and stays one until the
// role joins a login group (enterGroup) at the end of the transaction.
func createSchema(ctx context.Context, tx bun.Tx, s db.Scope) error {
	role, schema := pgx.Identifier{s.Role}.Sanitize(), pgx.Identifier{s.Schema}.Sanitize()
	stmts := []string{
		"CREATE ROLE " + role + " NOLOGIN NOINHERIT",
		"GRANT " + role + " TO CURRENT_USER",
		"CREATE SCHEMA " + schema + " AUTHORIZATION " + role,
	}
	for _, stmt := range stmts {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// migrateIn applies the pending tenant migrations to t's schema inside tx,
// as t's role, and records the new version in the tenant's schema and in the
// registry. The tenant's own schema_migrations table is authoritative.
func (r *Registry) migrateIn(ctx context.Context, tx bun.Tx, t *Tenant) error {
	applied, err := r.applyMigrations(ctx, tx, t.Scope())
	if err != nil {
		return err
	}
	t.SchemaVersion = applied
	_, err = tx.NewUpdate().Model((*Tenant)(nil)).Set("schema_version = ?", applied).Where("id = ?", t.ID).Exec(ctx)
	return err
}

// applyMigrations applies the pending tenant migrations to the schema of s
// inside tx, as s's role, and returns the schema's version after them.
func (r *Registry) applyMigrations(ctx context.Context, tx bun.Tx, s db.Scope) (int, error) {
	var applied int
	err := db.InTenantTx(ctx, tx, s, func() error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version integer PRIMARY KEY, name text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&applied); err != nil {
			return err
		}
		if applied > r.LatestVersion() {
			return fmt.Errorf("schema is at version %d, newer than this binary knows (%d)", applied, r.LatestVersion())
		}
		pending := migrate.Pending(r.migrations, applied)
		if len(pending) == 0 {
			return nil
		}
		if err := applyBatch(ctx, tx, pending); err != nil {
			return err
		}
		applied = pending[len(pending)-1].Version
		return nil
	})
	return applied, err
}

// applyBatch applies ms and records them in the schema's schema_migrations,
// all in one statement string: one round trip instead of two per migration.
// When that fails, the batch is rolled back to a savepoint and ms are
// applied one by one, so that the error names the migration that failed.
func applyBatch(ctx context.Context, tx bun.Tx, ms []migrate.Migration) error {
	var b strings.Builder
	values := make([]string, len(ms))
	for i, m := range ms {
		// the newline ends a last line that is a comment
		b.WriteString(m.SQL + "\n;\n")
		values[i] = fmt.Sprintf("(%d, '%s')", m.Version, strings.ReplaceAll(m.Name, "'", "''"))
	}
	b.WriteString("INSERT INTO schema_migrations (version, name) VALUES " + strings.Join(values, ", "))
	if _, err := tx.ExecContext(ctx, "SAVEPOINT tenant_migrations"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, b.String()); err == nil {
		_, err = tx.ExecContext(ctx, "RELEASE SAVEPOINT tenant_migrations")
		return err
	}
	if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT tenant_migrations"); err != nil {
		return err
	}
	for _, m := range ms {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", m.Version, m.Name); err != nil {
			return err
		}
	}
	return errors.New("tenant migrations failed together but not one by one")
}
