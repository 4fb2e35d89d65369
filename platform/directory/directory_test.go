package directory_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/directory"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/tenant/tenanttest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// TestCompetencies: a form's list is split, trimmed and deduplicated, at
// most 30 kept; an over-long one is refused on its field; none is an empty
// list, never nil.
func TestCompetencies(t *testing.T) {
	var many []string
	for i := range 40 {
		many = append(many, fmt.Sprintf("c%02d", i))
	}
	cases := []struct {
		name, value string
		want        []string
		refused     bool
	}{
		{"empty", "", []string{}, false},
		{"only separators", " , ;\n", []string{}, false},
		{"trimmed and distinct", " GIS, telemedicina;gis\nrobotica ", []string{"GIS", "telemedicina", "robotica"}, false},
		{"80 characters", strings.Repeat("è", 80), []string{strings.Repeat("è", 80)}, false},
		{"81 characters", "ok, " + strings.Repeat("è", 81), []string{"ok", strings.Repeat("è", 81)}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs := form.Errors{}
			got := directory.Competencies(c.value, errs, "x.error.competency")
			if got == nil || !slices.Equal(got, c.want) {
				t.Errorf("Competencies(%q) = %#v, want %#v", c.value, got, c.want)
			}
			if refused := errs["competencies"] == "x.error.competency"; refused != c.refused || len(errs) > 1 {
				t.Errorf("Competencies(%q) refused: %v, want %v", c.value, errs, c.refused)
			}
		})
	}
	t.Run("at most 30", func(t *testing.T) {
		if got := directory.Competencies(strings.Join(many, ", "), form.Errors{}, "k"); !slices.Equal(got, many[:30]) {
			t.Errorf("kept %v of 40, want the first 30", got)
		}
	})
}

// org is a directory entry as a module reads it.
type org struct {
	bun.BaseModel `bun:"table:organizations,alias:o"`
	ID            int64    `bun:"id"`
	Name          string   `bun:"name"`
	Themes        []string `bun:"themes,array"`
	State         string   `bun:"state"`
}

// orgs are the test tenant's organisations: name, themes, description,
// competencies, state.
var orgs = [][5]string{
	{"Aerospazio Insubria", "{aerospace,advanced_manufacturing}", "Strutture per satelliti.", "{compositi}", "validated"},
	{"Ospedale Digitale", "{health}", "Telemedicina e cartella clinica per i piccoli comuni.", "{telemedicina}", "validated"},
	{"Telemedicina Lab", "{health,smart_communities}", "Un laboratorio.", "{}", "validated"},
	{"Bozza Sanitaria", "{health}", "Telemedicina in bozza.", "{}", "draft"},
}

// site is the test tenant: in runs fn in one of its transactions.
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

// failing checks that read, whose query fails, returns an error named by
// prefix that is not a not-found.
func (s site) failing(t *testing.T, read func(ctx context.Context, tx bun.Tx) error, prefix string) {
	t.Helper()
	err := s.in(read)
	if err == nil || errors.Is(err, platform.ErrNotFound) || !strings.HasPrefix(err.Error(), prefix) {
		t.Errorf("a failing read: %v, want an error starting %q", err, prefix)
	}
}

// directoryTenant provisions a tenant with orgs.
func directoryTenant(t *testing.T) site {
	t.Helper()
	ctx := context.Background()
	ts := tenanttest.One(t)
	d, tn := ts, ts.Tenant
	s := site{in: func(fn func(ctx context.Context, tx bun.Tx) error) error {
		return db.InTenant(ctx, d.DB, tn.Scope(), fn)
	}}
	s.do(t, func(ctx context.Context, tx bun.Tx) error {
		for _, o := range orgs {
			if _, err := tx.ExecContext(ctx, "INSERT INTO organizations (name, themes, description, competencies, state) VALUES (?, ?, ?, ?, ?)",
				o[0], o[1], o[2], o[3], o[4]); err != nil {
				return err
			}
		}
		return nil
	})
	return s
}

var errNoOrg = platform.NewError(platform.ErrNotFound, "no such organisation")

// TestOneAllTheme: One reads the entry its query selects, or the
// directory's not-found error; All lists, narrowed by Theme; a failing
// query is named by its operation and is not a not-found.
func TestOneAllTheme(t *testing.T) {
	s := directoryTenant(t)
	s.do(t, func(ctx context.Context, tx bun.Tx) error {
		byName := func(name string) func(o *org) *bun.SelectQuery {
			return func(o *org) *bun.SelectQuery { return tx.NewSelect().Model(o).Where("o.name = ?", name) }
		}
		o, err := directory.One(ctx, byName("Ospedale Digitale"), errNoOrg, "get organisation")
		if err != nil || o.Name != "Ospedale Digitale" || !slices.Equal(o.Themes, []string{"health"}) {
			t.Errorf("One: %+v, %v", o, err)
		}
		if o, err := directory.One(ctx, byName("Nessuna"), errNoOrg, "get organisation"); o != nil || err != errNoOrg {
			t.Errorf("One of a missing entry: %+v, %v; want the directory's not-found error", o, err)
		}
		return nil
	})
	s.failing(t, func(ctx context.Context, tx bun.Tx) error {
		_, err := directory.One(ctx, func(o *org) *bun.SelectQuery { return tx.NewSelect().Model(o).Where("o.no_such_column = 1") },
			errNoOrg, "get organisation")
		return err
	}, "get organisation: ")
	for _, c := range []struct{ theme, want string }{
		{"", "Aerospazio Insubria,Bozza Sanitaria,Ospedale Digitale,Telemedicina Lab"},
		{"health", "Bozza Sanitaria,Ospedale Digitale,Telemedicina Lab"},
		{"smart_communities", "Telemedicina Lab"},
		{"agrifood", ""},
	} {
		t.Run("theme "+c.theme, func(t *testing.T) {
			s.do(t, func(ctx context.Context, tx bun.Tx) error {
				list, err := directory.All(ctx, func(list *[]org) *bun.SelectQuery {
					return directory.Theme(tx.NewSelect().Model(list).OrderExpr("o.name"), "o.themes", c.theme)
				}, "list organisations")
				var names []string
				for _, o := range list {
					names = append(names, o.Name)
				}
				if err != nil || strings.Join(names, ",") != c.want {
					t.Errorf("All with theme %q: %v, %v; want %s", c.theme, names, err, c.want)
				}
				return nil
			})
		})
	}
	s.failing(t, func(ctx context.Context, tx bun.Tx) error {
		_, err := directory.All(ctx, func(list *[]org) *bun.SelectQuery { return tx.NewSelect().Model(list).Where("o.no_such_column = 1") },
			"list organisations")
		return err
	}, "list organisations: ")
}
