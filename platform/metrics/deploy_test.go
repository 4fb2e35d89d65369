package metrics_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/riverqueue/river/rivertype"
	"gopkg.in/yaml.v3"

	"github.com/piazza-pa/piazza/platform/metrics"
	"github.com/piazza-pa/piazza/platform/site"
)

// everything is metrics with every source attached and each instrument
// used once, as a running server has them; its names are what a scrape
// shows.
func everything(t *testing.T) map[string]bool {
	t.Helper()
	m := metrics.New(metrics.Options{})
	db, err := sql.Open("pgx", "postgres://nobody@127.0.0.1:1/none") // never connects: only its statistics are read
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	m.DB("main", db)
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	m.Pool("jobs", pool)
	m.Cache(site.NewCache(10))
	fixed := func(context.Context) (map[string]float64, error) { return map[string]float64{"active": 1}, nil }
	m.Counts("tenants", "tenants", "status", fixed)
	m.Counts("jobs", "jobs", "state", fixed)
	m.Gauge("tenants_behind", "behind", func(context.Context) (float64, error) { return 0, nil })
	m.ObserveTenant("provision", time.Second, nil)
	work := m.Jobs().(rivertype.WorkerMiddleware)
	_ = work.Work(context.Background(), &rivertype.JobRow{Kind: "k"}, func(context.Context) error { return nil })
	app := fiber.New()
	app.Use(m.HTTP)
	if _, err := app.Test(httptest.NewRequest("GET", "/", nil)); err != nil {
		t.Fatal(err)
	}
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range fams {
		names[f.GetName()] = true
	}
	return names
}

// metricName finds the metric names in PromQL (Piazza's, database/sql's,
// the Go runtime's and the process's).
var metricName = regexp.MustCompile(`\b(?:piazza|go|process)_[a-z0-9_]+\b`)

// used are the metric names exprs use, by the expression they appear in.
func used(exprs []string) map[string]string {
	out := map[string]string{}
	for _, e := range exprs {
		for _, n := range metricName.FindAllString(e, -1) {
			out[n] = e
		}
	}
	return out
}

func checkNames(t *testing.T, file string, exprs []string, known map[string]bool) {
	t.Helper()
	if len(exprs) < 5 {
		t.Fatalf("%s: found %d expressions, expected the whole file's", file, len(exprs))
	}
	for name, expr := range used(exprs) {
		family := name
		for _, suffix := range []string{"_bucket", "_count", "_sum"} {
			if f, ok := strings.CutSuffix(name, suffix); ok && known[f] {
				family = f
			}
		}
		if !known[family] {
			t.Errorf("%s uses %s, which Piazza does not serve (in %s)", file, name, expr)
		}
	}
}

func TestDashboardUsesServedMetrics(t *testing.T) {
	raw, err := os.ReadFile("../../deploy/grafana/piazza.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Title  string `json:"title"`
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("the dashboard is not JSON: %v", err)
	}
	var exprs []string
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	checkNames(t, "piazza.json", exprs, everything(t))
}

func TestAlertsUseServedMetrics(t *testing.T) {
	raw, err := os.ReadFile("../../deploy/prometheus/alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []struct {
				Alert string `yaml:"alert"`
				Expr  string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(raw, &rules); err != nil {
		t.Fatalf("the alert rules are not YAML: %v", err)
	}
	var exprs []string
	alerts := map[string]bool{}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" || r.Expr == "" {
				t.Errorf("a rule of group %s has no alert name or no expression", g.Name)
			}
			alerts[r.Alert] = true
			exprs = append(exprs, r.Expr)
		}
	}
	for _, a := range []string{"PiazzaHighErrorRate", "PiazzaSlowRequests", "PiazzaDatabasePoolSaturated", "PiazzaJobsFailing", "PiazzaTenantProvisioningFailed"} {
		if !alerts[a] {
			t.Errorf("alert %s is missing", a)
		}
	}
	checkNames(t, "alerts.yaml", exprs, everything(t))
}
