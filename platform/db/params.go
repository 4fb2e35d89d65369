package db

import (
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"
)

// Params are the parameters of a statement whose text bun builds from
// parts (each adding its conditions) and which goes prepared (Prepared):
// a value given through Arg is written into the text as a numbered
// parameter with its type ("$3::bigint"), not as a literal, so that the
// text is the same whoever asks, and the server plans it once per
// connection rather than on every request. Numbers follow the order in
// which the text is written, and only the values it writes get one.
// The zero value is ready; a nil *Params writes values as literals (Arg
// returns the value itself), so that one query builder serves both.
type Params struct{ values []any }

// Arg is v as a parameter of the statement (v itself for a nil p): a
// bigint, boolean, text, tsquery (TSQuery), float8, timestamptz,
// bigint[] or text[] (nil lists are empty ones).
func (p *Params) Arg(v any) any {
	if p == nil {
		return v
	}
	switch l := v.(type) {
	case []int64:
		if l == nil {
			v = []int64{}
		}
	case []string:
		if l == nil {
			v = []string{}
		}
	}
	return &param{p: p, v: v}
}

// TSQuery is the text of a tsquery, a parameter of that type (parsed
// once, when the statement's values are bound).
type TSQuery string

// Values are the parameters' values, in the order of their numbers: the
// arguments of the statement written with them.
func (p *Params) Values() []any { return p.values }

// Bound returns idb (a transaction, connection or pool of bun) as the
// connection of one bun query written with p's parameters (Arg): bun
// writes its text, numbering the parameters, then runs it prepared with
// their values (see Prepared).
//
//	p := &db.Params{}
//	tx.NewSelect().Model(u).Where("id = ?", p.Arg(id)).Conn(db.Bound(tx, p)).Scan(ctx)
func Bound(idb bun.IDB, p *Params) bun.IConn {
	return prepared{conn: sqlConn(idb), args: func() []any { return append([]any{pgx.QueryExecModeCacheStatement}, p.Values()...) }}
}

// param is a value of Params, numbered when the text first writes it.
type param struct {
	p *Params
	v any
	n int
}

func (a *param) AppendQuery(_ schema.QueryGen, b []byte) ([]byte, error) {
	cast, err := castOf(a.v)
	if err != nil {
		return nil, err
	}
	if a.n == 0 {
		a.p.values = append(a.p.values, a.v)
		a.n = len(a.p.values)
	}
	b = append(b, '$')
	b = strconv.AppendInt(b, int64(a.n), 10)
	return append(b, cast...), nil
}

// castOf is the cast that gives a parameter of v's type its SQL type.
func castOf(v any) (string, error) {
	switch v.(type) {
	case int64, int:
		return "::bigint", nil
	case bool:
		return "::boolean", nil
	case string:
		return "::text", nil
	case TSQuery:
		return "::tsquery", nil
	case float64:
		return "::float8", nil
	case time.Time:
		return "::timestamptz", nil
	case []int64:
		return "::bigint[]", nil
	case []string:
		return "::text[]", nil
	}
	return "", fmt.Errorf("db: a parameter of type %T", v)
}
