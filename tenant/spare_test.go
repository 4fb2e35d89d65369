package tenant_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/migrations"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/tenant"
)

func fillSpares(t *testing.T, r *tenant.Registry, n, wantMade int) {
	t.Helper()
	made, _, err := r.FillSpares(context.Background(), n)
	if err != nil || made != wantMade {
		t.Fatalf("fill %d spares: made %d (want %d), %v", n, made, wantMade, err)
	}
}

func spareCount(t *testing.T, d *dbtest.DB) int {
	t.Helper()
	var n int
	if err := d.Admin(t).QueryRow(context.Background(), "SELECT count(*) FROM piazza.spare_schemas").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// catalog describes everything in schema: tables and their columns,
// constraints, indexes, triggers, functions, sequences, views and who owns
// each, with the schema's and its role's names written as placeholders so
// that two tenants' catalogs compare equal when they hold the same things.
func catalog(t *testing.T, conn *pgx.Conn, tn *tenant.Tenant) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), `
		SELECT 'relation ' || c.relname || ' ' || c.relkind::text || ' owner ' || c.relowner::regrole::text
		FROM pg_class c WHERE c.relnamespace = $1::regnamespace
		UNION ALL
		SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) ||
			' notnull=' || a.attnotnull || ' identity=' || a.attidentity::text || ' generated=' || a.attgenerated::text ||
			' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
		LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE c.relnamespace = $1::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
		UNION ALL
		SELECT 'constraint ' || c.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid)
		FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE c.relnamespace = $1::regnamespace
		UNION ALL
		SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = $2
		UNION ALL
		SELECT 'trigger ' || pg_get_triggerdef(g.oid) FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
		WHERE c.relnamespace = $1::regnamespace AND NOT g.tgisinternal
		UNION ALL
		SELECT 'function ' || pg_get_functiondef(p.oid) || ' owner ' || p.proowner::regrole::text
		FROM pg_proc p WHERE p.pronamespace = $1::regnamespace
		UNION ALL
		SELECT 'view ' || viewname || ' ' || definition FROM pg_views WHERE schemaname = $2
		UNION ALL
		SELECT 'migration ' || version || ' ' || name FROM `+pgx.Identifier{tn.SchemaName}.Sanitize()+`.schema_migrations`,
		tn.SchemaName, tn.SchemaName)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range lines {
		l = strings.ReplaceAll(l, `"`+tn.RoleName+`"`, "<role>")
		l = strings.ReplaceAll(l, tn.RoleName, "<role>")
		l = strings.ReplaceAll(l, `"`+tn.SchemaName+`"`, "<schema>")
		lines[i] = strings.ReplaceAll(l, tn.SchemaName, "<schema>")
	}
	slices.Sort(lines)
	return lines
}

// registryRow is what the registry holds about a tenant, but for what names it.
func registryRow(t *testing.T, conn *pgx.Conn, tn *tenant.Tenant) string {
	t.Helper()
	var row string
	err := conn.QueryRow(context.Background(), `SELECT row_to_json(x)::text FROM (
		SELECT status, schema_version, admin_email, brand, plan_id, deleted_at, billing_state, billing_grace_until,
			(SELECT array_agg(is_default ORDER BY is_default) FROM piazza.tenant_hosts WHERE tenant_id = t.id) AS hosts,
			(SELECT count(*) FROM piazza.tenant_hosts WHERE tenant_id = t.id) AS host_count
		FROM piazza.tenants t WHERE id = $1) x`, tn.ID).Scan(&row)
	if err != nil {
		t.Fatal(err)
	}
	return row
}

// A tenant provisioned from a spare and one provisioned from scratch hold
// the same schema (every table, column, constraint, index, trigger, function
// and view, all owned by the tenant's role) and the same registry rows; the
// spare's names are the tenant's from then on.
func TestSpareProvisioningMatchesScratch(t *testing.T) {
	ctx := context.Background()
	r, d := newRegistry(t)
	fillSpares(t, r, 1, 1)
	fromSpare, err := r.Create(ctx, tenant.CreateParams{Slug: "lazio", Name: "Regione Lazio", AdminEmail: "admin@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	fromScratch, err := r.Create(ctx, tenant.CreateParams{Slug: "umbria", Name: "Regione Umbria", AdminEmail: "admin@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(fromSpare.SchemaName, "t__") || fromScratch.SchemaName != "t_umbria" {
		t.Fatalf("schemas %s and %s: want a spare's and a new one", fromSpare.SchemaName, fromScratch.SchemaName)
	}
	if n := spareCount(t, d); n != 0 {
		t.Fatalf("%d spares left after claiming the only one", n)
	}
	admin := d.Admin(t)
	a, b := catalog(t, admin, fromSpare), catalog(t, admin, fromScratch)
	if len(a) < 100 {
		t.Fatalf("catalog of %s has only %d entries", fromSpare.SchemaName, len(a))
	}
	if !slices.Equal(a, b) {
		for _, l := range a {
			if !slices.Contains(b, l) {
				t.Errorf("only from the spare: %s", l)
			}
		}
		for _, l := range b {
			if !slices.Contains(a, l) {
				t.Errorf("only from scratch: %s", l)
			}
		}
	}
	if ra, rb := registryRow(t, admin, fromSpare), registryRow(t, admin, fromScratch); ra != rb {
		t.Fatalf("registry rows differ:\n spare   %s\n scratch %s", ra, rb)
	}
	got, err := r.Get(ctx, "lazio")
	if err != nil || got.SchemaName != fromSpare.SchemaName || got.RoleName != fromSpare.RoleName || got.SchemaVersion != r.LatestVersion() {
		t.Fatalf("registry has %+v, %v", got, err)
	}
	var email string
	if err := admin.QueryRow(ctx, "SELECT email FROM "+fromSpare.SchemaName+".users WHERE is_admin").Scan(&email); err != nil || email != "admin@example.org" {
		t.Fatalf("first admin in the claimed schema: %q, %v", email, err)
	}
}

// The second wall holds for a spare as for a tenant: the login role alone
// reads nothing in it, and its role cannot log in.
func TestSpareBehindTheWalls(t *testing.T) {
	ctx := context.Background()
	r, d := newRegistry(t)
	fillSpares(t, r, 1, 1)
	var schema, role string
	var canLogin, inherit bool
	admin := d.Admin(t)
	err := admin.QueryRow(ctx, `SELECT s.schema_name, s.role_name, r.rolcanlogin, r.rolinherit FROM piazza.spare_schemas s
		JOIN pg_roles r ON r.rolname = s.role_name`).Scan(&schema, &role, &canLogin, &inherit)
	if err != nil {
		t.Fatal(err)
	}
	if canLogin || inherit {
		t.Fatalf("spare role %s: login %v, inherit %v", role, canLogin, inherit)
	}
	_, err = d.DB.ExecContext(ctx, "SELECT count(*) FROM "+pgx.Identifier{schema}.Sanitize()+".users")
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("login role read a spare's users: %v", err)
	}
}

// A spare is no tenant: no list, host, slug or rollout count shows it.
func TestSpareNeverListedNorServed(t *testing.T) {
	ctx := context.Background()
	r, d := newRegistry(t)
	mustCreate(t, r, "lazio", "Regione Lazio")
	fillSpares(t, r, 2, 2)
	ts, err := r.List(ctx)
	if err != nil || len(ts) != 1 || ts[0].Slug != "lazio" {
		t.Fatalf("list: %v, %v", ts, err)
	}
	rep, err := r.MigrateAll(ctx, 2, nil)
	if err != nil || rep.Tenants != 1 || rep.Pending != 0 || rep.Spares != 0 {
		t.Fatalf("rollout counts %+v, %v", rep, err)
	}
	var schema string
	if err := d.Admin(t).QueryRow(ctx, "SELECT schema_name FROM piazza.spare_schemas LIMIT 1").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	res := tenant.NewResolver(r)
	for _, h := range []string{schema + ".piazza.test", strings.ReplaceAll(schema, "_", "-") + ".piazza.test", "piazza.test"} {
		if tn, err := res.Resolve(ctx, h); err == nil {
			t.Errorf("host %s resolves to %v, %v", h, tn, err)
		}
	}
	if _, err := r.Get(ctx, schema); !errors.Is(err, tenant.ErrNotFound) {
		t.Fatalf("a spare's name found as a slug: %v", err)
	}
}

// Concurrent provisionings never claim one spare twice: with three spares
// and six tenants provisioned at once, three get a spare each and three a
// new schema, every schema is distinct and no spare is left.
func TestConcurrentProvisioningClaimsEachSpareOnce(t *testing.T) {
	ctx := context.Background()
	r, d := newRegistry(t)
	fillSpares(t, r, 3, 3)
	var wg sync.WaitGroup
	got := make([]*tenant.Tenant, 6)
	errs := make([]error, 6)
	for i := range got {
		wg.Go(func() {
			got[i], errs[i] = r.Create(ctx, tenant.CreateParams{Slug: fmt.Sprintf("at-once-%d", i), Name: "At once"})
		})
	}
	wg.Wait()
	schemas := map[string]bool{}
	spares := 0
	for i, tn := range got {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if schemas[tn.SchemaName] {
			t.Fatalf("schema %s given twice", tn.SchemaName)
		}
		schemas[tn.SchemaName] = true
		if strings.HasPrefix(tn.SchemaName, "t__") {
			spares++
		}
	}
	if spares != 3 || spareCount(t, d) != 0 {
		t.Fatalf("%d tenants from spares, %d spares left; want 3 and 0", spares, spareCount(t, d))
	}
}

// A provisioning that fails after claiming a spare gives it back.
func TestFailedProvisioningKeepsTheSpare(t *testing.T) {
	ctx := context.Background()
	r, d := newRegistry(t)
	fillSpares(t, r, 1, 1)
	_, err := r.Create(ctx, tenant.CreateParams{Slug: "lazio", Name: "Regione Lazio",
		Setup: func(context.Context, bun.Tx, *tenant.Tenant) error {
			return errors.New("identity provider unreachable")
		}})
	if err == nil {
		t.Fatal("provisioning succeeded despite its set-up failing")
	}
	if n := spareCount(t, d); n != 1 {
		t.Fatalf("%d spares after a failed provisioning, want 1", n)
	}
	if _, err := r.Get(ctx, "lazio"); !errors.Is(err, tenant.ErrNotFound) {
		t.Fatalf("half-provisioned tenant left: %v", err)
	}
	tn := mustCreate(t, r, "lazio", "Regione Lazio")
	if !strings.HasPrefix(tn.SchemaName, "t__") {
		t.Fatalf("the spare given back was not claimed next: %s", tn.SchemaName)
	}
}

// Fewer spares wanted: the surplus is dropped, schema and role.
func TestFillSparesDropsSurplus(t *testing.T) {
	ctx := context.Background()
	r, d := newRegistry(t)
	fillSpares(t, r, 2, 2)
	fillSpares(t, r, 2, 0)
	admin := d.Admin(t)
	var roles []string
	rows, err := admin.Query(ctx, "SELECT role_name FROM piazza.spare_schemas")
	if err == nil {
		roles, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		t.Fatal(err)
	}
	// A command that needs one ready beside servers keeping two drops none.
	if made, err := r.EnsureSpares(ctx, 1); err != nil || made != 0 || spareCount(t, d) != 2 {
		t.Fatalf("ensure 1 of 2: made %d, %d left, %v; want 0 made, 2 left", made, spareCount(t, d), err)
	}
	made, dropped, err := r.FillSpares(ctx, 0)
	if err != nil || made != 0 || dropped != 2 {
		t.Fatalf("fill to 0: made %d, dropped %d, %v", made, dropped, err)
	}
	var left int
	err = admin.QueryRow(ctx, `SELECT (SELECT count(*) FROM pg_roles WHERE rolname = ANY($1))
		+ (SELECT count(*) FROM pg_namespace WHERE nspname LIKE 't\_\_%')`, roles).Scan(&left)
	if err != nil || left != 0 {
		t.Fatalf("%d roles or schemas of dropped spares left, %v", left, err)
	}
}

// upTo is the tenant migrations up to version v.
func upTo(t *testing.T, v int) fs.FS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(migrations.Tenant(), ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		var n int
		if _, err := fmt.Sscanf(p, "%04d_", &n); err != nil || n > v {
			return err
		}
		b, err := fs.ReadFile(migrations.Tenant(), p)
		out[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A spare made by an older binary is not claimed by a newer one until
// `piazza migrate` (MigrateAll) brings it up to date; then it is, and it
// holds what a tenant provisioned from scratch by the newer binary holds.
func TestMigrateBringsSparesUpToDate(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	o := tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test", Migrations: upTo(t, 20)}
	old, err := tenant.NewRegistry(ctx, d.DB, o)
	if err != nil {
		t.Fatal(err)
	}
	fillSpares(t, old, 1, 1)
	r, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
	if err != nil {
		t.Fatal(err)
	}
	scratch := mustCreate(t, r, "umbria", "Regione Umbria")
	if scratch.SchemaName != "t_umbria" {
		t.Fatalf("a spare behind the binary was claimed: %s", scratch.SchemaName)
	}
	rep, err := r.MigrateAll(ctx, 2, nil)
	if err != nil || rep.Spares != 1 || len(rep.Failures) != 0 {
		t.Fatalf("rollout %+v, %v", rep, err)
	}
	tn := mustCreate(t, r, "lazio", "Regione Lazio")
	if !strings.HasPrefix(tn.SchemaName, "t__") || tn.SchemaVersion != r.LatestVersion() {
		t.Fatalf("after the rollout got %s at %d, want the migrated spare", tn.SchemaName, tn.SchemaVersion)
	}
	admin := d.Admin(t)
	if a, b := catalog(t, admin, tn), catalog(t, admin, scratch); !slices.Equal(a, b) {
		t.Fatalf("a migrated spare differs from a new schema (%d and %d catalog entries)", len(a), len(b))
	}
}

// A server keeps its spares: made at start, made again after a claim.
func TestKeepSparesRefillsAfterClaim(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	d := dbtest.New(t)
	r, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test", SpareSchemas: 1})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Go(func() {
		r.KeepSpares(ctx, func(_, _ int, err error) {
			if err != nil && ctx.Err() == nil {
				t.Errorf("keep spares: %v", err)
			}
		})
	})
	dbtest.WaitFor(t, "the first spare", func() bool { return spareCount(t, d) == 1 })
	tn := mustCreate(t, r, "lazio", "Regione Lazio")
	if !strings.HasPrefix(tn.SchemaName, "t__") {
		t.Fatalf("provisioned %s, not the spare", tn.SchemaName)
	}
	dbtest.WaitFor(t, "a spare again", func() bool { return spareCount(t, d) == 1 })
}
