package main

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// TestSeedProjects: -projects seeds projects of the timeline benchmark's
// size (forty work packages, four hundred tasks in sequence within each
// work package, a milestone each, everything within the dates), each with
// its community and people; the "gantt" page kind opens one as its
// manager, whose timeline draws every task.
func TestSeedProjects(t *testing.T) {
	w := moduletest.New(t)
	f := figures{Users: 15, Communities: 2, Joins: 1, Projects: 2, Seed: 1}
	sites, err := seedTenants(context.Background(), w.Reg, f, seedOptions{tenants: 1, prefix: "gantt", password: testPassword, progress: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	tn, err := w.Reg.Get(context.Background(), "gantt-0001")
	if err != nil {
		t.Fatal(err)
	}
	w.In(t, tn, func(ctx context.Context, tx bun.Tx) error {
		for q, want := range map[string]int{
			"SELECT count(*) FROM projects":                               2,
			"SELECT count(*) FROM project_work_packages":                  80,
			"SELECT count(*) FROM project_tasks":                          800,
			"SELECT count(*) FROM project_task_dependencies":              720,
			"SELECT count(*) FROM project_task_assignees":                 800,
			"SELECT count(*) FROM project_milestones":                     80,
			"SELECT count(*) FROM project_members WHERE role = 'manager'": 2,
			`SELECT count(*) FROM project_tasks t JOIN project_work_packages wp ON wp.id = t.work_package_id JOIN projects p ON p.id = t.project_id
				WHERE t.starts_on < wp.starts_on OR t.ends_on > wp.ends_on OR wp.starts_on < p.starts_on OR wp.ends_on > p.ends_on`: 0,
			`SELECT count(*) FROM project_task_dependencies d JOIN project_tasks a ON a.id = d.predecessor_id JOIN project_tasks b ON b.id = d.successor_id
				WHERE b.starts_on <= a.ends_on`: 0,
		} {
			var n int
			if err := tx.QueryRowContext(ctx, q).Scan(&n); err != nil {
				return err
			}
			if n != want {
				t.Errorf("%s: %d, want %d", q, n, want)
			}
		}
		return nil
	})
	if len(sites[0].Projects) != 2 {
		t.Fatalf("the site lists %d projects", len(sites[0].Projects))
	}
	pages, err := parsePages("gantt", sites)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	m := pages[0].as(rng, &sites[0])
	path := pages[0].path(rng, &sites[0], m)
	b := webtest.NewBrowser(t, w.Addr)
	u, _ := url.Parse("http://" + sites[0].Host)
	b.Client.Jar.SetCookies(u, []*http.Cookie{{Name: session.CookieName, Value: m.Cookie}})
	code, page := b.Get(u.String() + path)
	if code != 200 || strings.Count(page, `id="row-task-`) != 400 || strings.Count(page, `id="row-wp-`) != 40 {
		t.Errorf("%s as its manager: %d, %d tasks drawn", path, code, strings.Count(page, `id="row-task-`))
	}
	if _, err := parsePages("gantt", []Site{{Host: "x"}}); err == nil {
		t.Error("the gantt page kind accepted a site without projects")
	}
}
