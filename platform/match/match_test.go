package match_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/match"
	"github.com/piazza-pa/piazza/platform/setting"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// site is a test tenant: in runs fn in one of its transactions.
type site struct {
	in func(fn func(ctx context.Context, tx bun.Tx) error) error
}

// do runs fn in a transaction of the tenant, failing the test when it fails.
func (s site) do(t *testing.T, fn func(ctx context.Context, tx bun.Tx) error) {
	t.Helper()
	if err := s.in(fn); err != nil {
		t.Fatal(err)
	}
}

// suggest runs Suggest in the tenant.
func (s site) suggest(t *testing.T, q match.Query, limit int) []match.Suggestion {
	t.Helper()
	var out []match.Suggestion
	s.do(t, func(ctx context.Context, tx bun.Tx) error {
		var err error
		out, err = match.Suggest(ctx, tx, q, limit)
		return err
	})
	return out
}

// tenants provisions one tenant per slug in one database.
func tenants(t *testing.T, slugs ...string) []site {
	t.Helper()
	ctx := context.Background()
	d := dbtest.New(t)
	reg, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
	if err != nil {
		t.Fatal(err)
	}
	var out []site
	for _, slug := range slugs {
		tn, err := reg.Create(ctx, tenant.CreateParams{Slug: slug, Name: slug})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, site{in: func(fn func(ctx context.Context, tx bun.Tx) error) error {
			return db.InTenant(ctx, d.DB, tn.Scope(), fn)
		}})
	}
	return out
}

// person is a member with a profile: name, account status, profile state,
// themes, tags, competencies and bio (arrays in SQL syntax).
type person struct{ name, status, state, themes, tags, competencies, bio string }

// org is an organisation: name, state, themes, competencies, description.
type org struct{ name, state, themes, competencies, description string }

// seed adds tags, people (ids from 1, in order) and organisations (ids from
// 1) to the tenant, and sets whether it validates profiles.
func (s site) seed(t *testing.T, validation bool, tags []string, people []person, orgs []org) {
	t.Helper()
	s.do(t, func(ctx context.Context, tx bun.Tx) error {
		for _, g := range tags {
			if _, err := tx.ExecContext(ctx, "INSERT INTO tags (name) VALUES (?)", g); err != nil {
				return err
			}
		}
		for i, p := range people {
			if _, err := tx.ExecContext(ctx, "INSERT INTO users (email, display_name, status) VALUES (?, ?, ?)",
				"p"+string(rune('a'+i))+"@example.org", p.name, p.status); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO profiles (user_id, state, themes, tags, competencies, bio)
				VALUES (currval(pg_get_serial_sequence('users', 'id')), ?, ?, ?, ?, ?)`,
				p.state, p.themes, p.tags, p.competencies, p.bio); err != nil {
				return err
			}
		}
		for _, o := range orgs {
			if _, err := tx.ExecContext(ctx, "INSERT INTO organizations (name, state, themes, competencies, description) VALUES (?, ?, ?, ?, ?)",
				o.name, o.state, o.themes, o.competencies, o.description); err != nil {
				return err
			}
		}
		return setting.SetBool(ctx, tx, setting.ProfileValidation, validation)
	})
}

// names are the suggestions' names, in order.
func names(ss []match.Suggestion) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Name
	}
	return out
}

// find is the suggestion named name, if any.
func find(ss []match.Suggestion, name string) (match.Suggestion, bool) {
	i := slices.IndexFunc(ss, func(s match.Suggestion) bool { return s.Name == name })
	if i < 0 {
		return match.Suggestion{}, false
	}
	return ss[i], true
}

// hidden are the names no query of the region's tenant may suggest.
func hidden(t *testing.T, ss []match.Suggestion, what string) {
	t.Helper()
	for _, s := range ss {
		if strings.Contains(s.Name, "(hidden)") {
			t.Errorf("%s: suggested %q (%s %d)", what, s.Name, s.Kind, s.ID)
		}
	}
}
