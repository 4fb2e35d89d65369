// Package migrate reads numbered SQL migrations from a file system and
// applies them: to the control schema here, to tenant schemas through the
// tenant package, which rolls them out over many schemas at once.
package migrate

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
)

// Migration is one SQL file, NNNN_name.sql.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Load reads every *.sql file of fsys, sorted by version; versions must be
// unique and start at 1 without gaps.
func Load(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, n := range names {
		num, rest, ok := strings.Cut(strings.TrimSuffix(path.Base(n), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", n)
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: rest, SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %04d_%s: expected version %d (versions are 1, 2, 3 … without gaps or repeats)", m.Version, m.Name, i+1)
		}
	}
	return ms, nil
}

// Latest is the newest version in ms, 0 when there is none.
func Latest(ms []Migration) int {
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// Pending returns the migrations newer than applied.
func Pending(ms []Migration, applied int) []Migration {
	i := sort.Search(len(ms), func(i int) bool { return ms[i].Version > applied })
	return ms[i:]
}

// ControlSchema is the schema of the tenant registry.
const ControlSchema = "piazza"

// controlLock is the advisory lock key held while the control schema migrates.
const controlLock = 727_001

// Control brings the control schema up to date, one transaction for all, under
// an advisory lock so that concurrent starts do not race. It returns the
// number of migrations applied.
func Control(ctx context.Context, db *bun.DB, fsys fs.FS) (int, error) {
	ms, err := Load(fsys)
	if err != nil {
		return 0, err
	}
	n := 0
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", controlLock); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS piazza;
			CREATE TABLE IF NOT EXISTS piazza.schema_migrations (
				version integer PRIMARY KEY, name text NOT NULL,
				applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return fmt.Errorf("create control schema: %w", err)
		}
		var applied int
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM piazza.schema_migrations").Scan(&applied); err != nil {
			return err
		}
		if applied > Latest(ms) {
			return fmt.Errorf("the control schema is at version %d, newer than this binary knows (%d): run a newer piazza", applied, Latest(ms))
		}
		for _, m := range Pending(ms, applied) {
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("control migration %04d_%s: %w", m.Version, m.Name, err)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO piazza.schema_migrations (version, name) VALUES (?, ?)", m.Version, m.Name); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// ControlVersion returns the control schema's applied version (0 if none),
// used by readiness checks.
func ControlVersion(ctx context.Context, db bun.IDB) (int, error) {
	var v int
	err := db.QueryRowContext(ctx, `SELECT CASE WHEN to_regclass('piazza.schema_migrations') IS NULL THEN 0
		ELSE (SELECT coalesce(max(version), 0) FROM piazza.schema_migrations) END`).Scan(&v)
	return v, err
}
