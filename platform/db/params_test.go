package db_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/tenant/tenanttest"
)

// TestParams: values given through Params are numbered in the order the
// text writes them, once however often it writes them, with their types;
// a value never written takes no number; without Params the same builder
// writes literals; and the statement runs prepared with the values.
func TestParams(t *testing.T) {
	site := tenanttest.New(t, "alpha")[0]
	build := func(p *db.Params) string {
		user, unused := p.Arg(int64(7)), p.Arg(true)
		_ = unused
		q := site.DB.NewRaw("SELECT ? > 0 AND ? = ? AND ? AS ok", user, p.Arg("a"), p.Arg("a"), p.Arg(false))
		text, err := q.AppendQuery(site.DB.QueryGen(), nil)
		if err != nil {
			t.Fatal(err)
		}
		return string(text)
	}
	if got, want := build(nil), "SELECT 7 > 0 AND 'a' = 'a' AND FALSE AS ok"; got != want {
		t.Errorf("literals:\n got %s\nwant %s", got, want)
	}
	p := &db.Params{}
	got := build(p)
	if want := "SELECT $1::bigint > 0 AND $2::text = $3::text AND $4::boolean AS ok"; got != want {
		t.Errorf("parameters:\n got %s\nwant %s", got, want)
	}
	if vs := p.Values(); !slices.Equal(vs[:3], []any{int64(7), "a", "a"}) || len(vs) != 4 || vs[3] != false {
		t.Errorf("values %v", vs)
	}
	site.In(t, func(ctx context.Context, tx bun.Tx) error {
		var ok bool
		if err := db.Prepared(tx, p.Values()...).QueryRowContext(ctx, got).Scan(&ok); err != nil {
			return err
		}
		if ok {
			t.Error("the statement read TRUE for its last parameter FALSE")
		}
		return nil
	})
	again := &db.Params{}
	user := again.Arg(int64(3))
	text, err := site.DB.NewRaw("SELECT ? + ? + cardinality(?)", user, user, again.Arg([]int64(nil))).AppendQuery(site.DB.QueryGen(), nil)
	if err != nil || string(text) != "SELECT $1::bigint + $1::bigint + cardinality($2::bigint[])" || len(again.Values()) != 2 {
		t.Errorf("a value written twice, a list: %s %v %v", text, again.Values(), err)
	}
	if l, ok := again.Values()[1].([]int64); !ok || l == nil {
		t.Errorf("a nil list goes as %#v, not as an empty one", again.Values()[1])
	}
	text, _ = site.DB.NewRaw("SELECT ?", again.Arg(struct{}{})).AppendQuery(site.DB.QueryGen(), nil)
	if strings.Contains(string(text), "$") || len(again.Values()) != 2 {
		t.Errorf("a parameter of no SQL type was written: %s", text)
	}
}

// TestGeneric: in a transaction marked Generic a prepared statement is
// planned for any values from its first run, and the mark ends with the
// transaction; unmarked, the same statement is planned for its values.
func TestGeneric(t *testing.T) {
	site := tenanttest.New(t, "alpha")[0]
	const stmt = "SELECT count(*) FROM users WHERE id = $1 AND email <> $2"
	plans := func(ctx context.Context) (mode string, generic, custom int64) {
		err := site.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			var n int64
			if err := db.Prepared(tx, int64(1), "x").QueryRowContext(ctx, stmt).Scan(&n); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, `SELECT current_setting('plan_cache_mode'), coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0)
				FROM pg_prepared_statements WHERE statement = ?`, stmt).Scan(&mode, &generic, &custom)
		})
		if err != nil {
			t.Fatal(err)
		}
		return mode, generic, custom
	}
	if mode, generic, custom := plans(db.Generic(context.Background())); mode != "force_generic_plan" || generic != 1 || custom != 0 {
		t.Errorf("marked: plan_cache_mode %s, %d plans for any values, %d for its values; want force_generic_plan, 1, 0", mode, generic, custom)
	}
	// a transaction opened from a marked one's function is not marked
	err := site.Tx(db.Generic(context.Background()), func(ctx context.Context, _ bun.Tx) error {
		return site.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			var mode string
			if err := tx.QueryRowContext(ctx, "SELECT current_setting('plan_cache_mode')").Scan(&mode); err != nil {
				return err
			}
			if mode != "auto" {
				t.Errorf("a transaction opened inside a marked one: plan_cache_mode %s, want auto", mode)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if mode, _, custom := plans(context.Background()); mode != "auto" || custom == 0 {
		t.Errorf("unmarked: plan_cache_mode %s, %d plans for its values; want auto, at least 1", mode, custom)
	}
}
