package archive

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
)

// These read the catalogue of the schema the transaction is scoped to
// (current_schema(): the tenant's, inside db.InTenantTx).

// tables returns the schema's tables (not partitions, not those skipped),
// each after the tables its foreign keys reference, ties by name.
func tables(ctx context.Context, tx bun.Tx) ([]string, error) {
	names, err := allTables(ctx, tx)
	if err != nil {
		return nil, err
	}
	var edges []struct {
		From string `bun:"from"`
		To   string `bun:"to"`
	}
	err = tx.NewRaw(`SELECT c.relname AS "from", f.relname AS "to" FROM pg_constraint k
		JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid
		WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace`).Scan(ctx, &edges)
	if err != nil {
		return nil, fmt.Errorf("list foreign keys: %w", err)
	}
	kept := names[:0]
	for _, n := range names {
		if !skipped[n] {
			kept = append(kept, n)
		}
	}
	deps := map[string][]string{}
	for _, e := range edges {
		if e.From != e.To {
			deps[e.From] = append(deps[e.From], e.To)
		}
	}
	return order(kept, deps)
}

// allTables returns every table of the schema (not partitions), by name.
func allTables(ctx context.Context, tx bun.Tx) ([]string, error) {
	var names []string
	err := tx.NewRaw(`SELECT c.relname FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
		ORDER BY c.relname`).Scan(ctx, &names)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return names, nil
}

// order sorts names so that each comes after its deps (Kahn's algorithm,
// ties by name); a cycle is an error, since the tenant role cannot defer
// the foreign keys' checks.
func order(names []string, deps map[string][]string) ([]string, error) {
	in := map[string]bool{}
	for _, n := range names {
		in[n] = true
	}
	waiting := map[string]int{}
	users := map[string][]string{}
	for _, n := range names {
		for _, d := range deps[n] {
			if in[d] {
				waiting[n]++
				users[d] = append(users[d], n)
			}
		}
	}
	var ready, out []string
	for _, n := range names {
		if waiting[n] == 0 {
			ready = append(ready, n)
		}
	}
	for len(ready) > 0 {
		sort.Strings(ready)
		n := ready[0]
		ready = ready[1:]
		out = append(out, n)
		for _, u := range users[n] {
			if waiting[u]--; waiting[u] == 0 {
				ready = append(ready, u)
			}
		}
	}
	if len(out) < len(names) {
		var cyc []string
		for _, n := range names {
			if waiting[n] > 0 {
				cyc = append(cyc, n)
			}
		}
		return nil, fmt.Errorf("the foreign keys between tables %s form a cycle: no load order", strings.Join(cyc, ", "))
	}
	return out, nil
}

// columns returns a table's columns that take data (not dropped, not
// generated), in their order.
func columns(ctx context.Context, tx bun.Tx, table string) ([]string, error) {
	var cols []string
	err := tx.NewRaw(`SELECT a.attname FROM pg_attribute a
		WHERE a.attrelid = (SELECT oid FROM pg_class WHERE relname = ? AND relnamespace = current_schema()::regnamespace)
		AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
		ORDER BY a.attnum`, table).Scan(ctx, &cols)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	return cols, nil
}

// setSequences moves every sequence owned by a column (serial and identity
// columns) past the largest value loaded.
func setSequences(ctx context.Context, tx bun.Tx) error {
	var seqs []struct {
		Seq    string `bun:"seq"`
		Table  string `bun:"tbl"`
		Column string `bun:"col"`
	}
	err := tx.NewRaw(`SELECT s.relname AS seq, t.relname AS tbl, a.attname AS col FROM pg_depend d
		JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
		JOIN pg_class t ON t.oid = d.refobjid
		JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
		WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
		AND d.deptype IN ('a', 'i') AND s.relnamespace = current_schema()::regnamespace`).Scan(ctx, &seqs)
	if err != nil {
		return fmt.Errorf("list sequences: %w", err)
	}
	for _, s := range seqs {
		q := fmt.Sprintf("SELECT setval(%s, coalesce(max(%s), 0) + 1, false) FROM %s",
			quoteLiteral(pgx.Identifier{s.Seq}.Sanitize()), pgx.Identifier{s.Column}.Sanitize(), pgx.Identifier{s.Table}.Sanitize())
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("set sequence %s: %w", s.Seq, err)
		}
	}
	return nil
}

// triggers turns the user triggers of every table on or off (the tenant
// role owns its tables): loading must not run them, since the archive holds
// what they wrote already.
func triggers(ctx context.Context, tx bun.Tx, names []string, on bool) error {
	verb := "DISABLE"
	if on {
		verb = "ENABLE"
	}
	for _, n := range names {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE "+pgx.Identifier{n}.Sanitize()+" "+verb+" TRIGGER USER"); err != nil {
			return fmt.Errorf("%s triggers of %s: %w", strings.ToLower(verb), n, err)
		}
	}
	return nil
}

// columnList is cols quoted, for COPY.
func columnList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = pgx.Identifier{c}.Sanitize()
	}
	return strings.Join(q, ", ")
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
