package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// batchRows is how many rows one INSERT writes: large enough that the
// statements' overhead vanishes, small enough to keep each statement's
// text (the arguments are written into it) to a few megabytes.
const batchRows = 2000

// column is one column of rows to insert: its values, their SQL array type
// and the expression that makes the column's value from the array's
// element (%s), e.g. "nullif(%s, 0)", or without it ("now()").
type column struct {
	name, typ, expr string
	slice           func(lo, hi int) any
	n               int
}

func textCol(name string, v []string) column {
	return column{name: name, typ: "text", expr: "%s", n: len(v), slice: func(lo, hi int) any { return pgdialect.Array(v[lo:hi]) }}
}

func intCol(name string, v []int64) column {
	return column{name: name, typ: "bigint", expr: "%s", n: len(v), slice: func(lo, hi int) any { return pgdialect.Array(v[lo:hi]) }}
}

// with sets the expression of the column's value.
func (c column) with(expr string) column {
	c.expr = expr
	return c
}

// insert writes the rows of cols into table, batchRows at a time, each
// batch one INSERT … SELECT FROM unnest(…); with returning, it returns the
// ids of the new rows in the order of the values (rows are inserted, and
// returned, in the arrays' order).
func insert(ctx context.Context, tx bun.IDB, table string, returning bool, cols ...column) ([]int64, error) {
	q, err := statement(table, returning, cols)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for lo := 0; lo < cols[0].n; lo += batchRows {
		hi := min(cols[0].n, lo+batchRows)
		vals := make([]any, len(cols))
		for i, c := range cols {
			vals[i] = c.slice(lo, hi)
		}
		if returning {
			var batch []int64
			err = tx.NewRaw(q, vals...).Scan(ctx, &batch)
			ids = append(ids, batch...)
		} else {
			_, err = tx.ExecContext(ctx, q, vals...)
		}
		if err != nil {
			return nil, fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return ids, nil
}

// statement is the INSERT of insert, with an array argument per column.
func statement(table string, returning bool, cols []column) (string, error) {
	names, exprs, args, aliases := make([]string, len(cols)), make([]string, len(cols)), make([]string, len(cols)), make([]string, len(cols))
	for i, c := range cols {
		if c.n != cols[0].n {
			return "", fmt.Errorf("insert into %s: column %s has %d values, not %d", table, c.name, c.n, cols[0].n)
		}
		aliases[i] = fmt.Sprintf("c%d", i)
		names[i], exprs[i], args[i] = c.name, c.expr, "?::"+c.typ+"[]"
		if strings.Contains(c.expr, "%") {
			exprs[i] = fmt.Sprintf(c.expr, aliases[i])
		}
	}
	q := fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM unnest(%s) AS r(%s)", table, strings.Join(names, ", "),
		strings.Join(exprs, ", "), strings.Join(args, ", "), strings.Join(aliases, ", "))
	if returning {
		q += " RETURNING id"
	}
	return q, nil
}
