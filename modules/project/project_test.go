package project_test

import (
	"context"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/project"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, project.Messages) }

const alpha, beta = moduletest.Alpha, moduletest.Beta

var idRE = regexp.MustCompile(`/projects/(\d+)(?:/tasks/(\d+))?`)

// fields are a valid project's form from 2030-01-01 to 2031-12-31, with
// the values of more over them.
func fields(title string, more url.Values) url.Values {
	f := url.Values{"title": {title}, "acronym": {"PRJ"}, "summary": {"Un progetto di prova."}, "starts_on": {"2030-01-01"},
		"ends_on": {"2031-12-31"}, "status": {"running"}, "programme": {"PR FESR"}, "funding_call": {"Bando 1"}, "grant": {"150.000,50"},
		"themes": {"health"}}
	for k, v := range more {
		f[k] = v
	}
	return f
}

// create makes a project as b (who may) and returns its id.
func create(t *testing.T, b *moduletest.Browser, site, title string, more url.Values) string {
	t.Helper()
	res, body := b.Post(site+"/projects/new", site+"/projects", fields(title, more))
	if res.StatusCode != 303 {
		t.Fatalf("create %q: %d %s", title, res.StatusCode, excerpt(body))
	}
	return idRE.FindStringSubmatch(res.Header.Get("Location"))[1]
}

// post sends form to path (under site alpha) from the page of the
// project list, and returns the status, the Location and the body.
func post(t *testing.T, b *moduletest.Browser, path string, form url.Values) (int, string, string) {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	res, body := b.Post(alpha+"/projects", alpha+path, form)
	return res.StatusCode, res.Header.Get("Location"), body
}

// in runs q in alpha's schema.
func exec(t *testing.T, w *moduletest.World, q string, args ...any) {
	t.Helper()
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	})
}

// query runs q (one value) in tn's schema.
func query[T any](t *testing.T, w *moduletest.World, tn *tenant.Tenant, q string, args ...any) T {
	t.Helper()
	var v T
	w.In(t, tn, func(ctx context.Context, tx bun.Tx) error { return tx.QueryRowContext(ctx, q, args...).Scan(&v) })
	return v
}

// join gives person name of alpha role in project id (and makes them an
// active member of its community).
func join(t *testing.T, w *moduletest.World, id, name, role string) {
	t.Helper()
	exec(t, w, `INSERT INTO project_members (project_id, user_id, role) VALUES (?0, ?1, ?2)
		ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role;
		INSERT INTO community_members (community_id, user_id, role, state)
		SELECT community_id, ?1, 'participant', 'active' FROM projects WHERE id = ?0 ON CONFLICT DO NOTHING`, id, w.ID("alpha", name), role)
}

// plan adds to project id (2030-01-01 – 2031-12-31) work packages WP1
// (2030-01-01 – 2030-06-30) and WP2 (2030-07-01 – 2031-06-30), tasks A
// (WP1, 2030-01-10 – 2030-02-28), B (WP1, 2030-03-01 – 2030-04-30, after
// A), C (WP2, 2030-07-01 – 2030-09-30, after B) and a milestone M1
// (2030-06-30, WP1): it returns the ids by name.
func plan(t *testing.T, w *moduletest.World, id string) map[string]string {
	t.Helper()
	ids := map[string]string{}
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		var wp1, wp2, a, b, c, m int64
		q := func(dst *int64, sql string, args ...any) {
			if err := tx.QueryRowContext(ctx, sql, args...).Scan(dst); err != nil {
				t.Fatal(err)
			}
		}
		const wp = "INSERT INTO project_work_packages (project_id, code, title, starts_on, ends_on) VALUES (?, ?, ?, ?, ?) RETURNING id"
		q(&wp1, wp, id, "WP1", "Analisi", "2030-01-01", "2030-06-30")
		q(&wp2, wp, id, "WP2", "Sviluppo", "2030-07-01", "2031-06-30")
		const task = "INSERT INTO project_tasks (project_id, work_package_id, title, starts_on, ends_on, progress) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"
		q(&a, task, id, wp1, "Raccolta requisiti", "2030-01-10", "2030-02-28", 100)
		q(&b, task, id, wp1, "Disegno", "2030-03-01", "2030-04-30", 50)
		q(&c, task, id, wp2, "Prototipo", "2030-07-01", "2030-09-30", 0)
		q(&m, "INSERT INTO project_milestones (project_id, work_package_id, title, due_on) VALUES (?, ?, 'Requisiti approvati', '2030-06-30') RETURNING id", id, wp1)
		_, err := tx.ExecContext(ctx, `INSERT INTO project_task_dependencies (project_id, predecessor_id, successor_id) VALUES (?0, ?1, ?2), (?0, ?2, ?3)`, id, a, b, c)
		for k, v := range map[string]int64{"WP1": wp1, "WP2": wp2, "A": a, "B": b, "C": c, "M1": m} {
			ids[k] = strconv.FormatInt(v, 10)
		}
		return err
	})
	return ids
}

func excerpt(body string) string {
	if m := regexp.MustCompile(`(?s)<h1[^>]*>(.*?)</h1>.*?<p[^>]*>(.*?)</p>`).FindStringSubmatch(body); m != nil {
		return strings.TrimSpace(m[1]) + ": " + strings.TrimSpace(m[2])
	}
	if len(body) > 300 {
		return body[:300]
	}
	return body
}
