package project_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/project"
)

// seedLarge writes, in project id, the plan of the benchmark the issue
// names (as piazza-load seed -projects does): forty work packages a month
// apart from start, six months each, ten tasks of fifteen days in each
// (each after the one before: 360 dependencies; the past ones done, those
// under way at some progress, one in eight of the past ones late), one
// assignee each, and a milestone at each work package's end.
func seedLarge(tb testing.TB, w *moduletest.World, id string, start time.Time) {
	tb.Helper()
	w.In(tb, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `
			WITH wp AS (INSERT INTO project_work_packages (project_id, code, title, starts_on, ends_on)
				SELECT ?0, 'WP' || k, 'Pacchetto di lavoro ' || k || ': analisi e sviluppo dei servizi',
					(?1::date + make_interval(months => k - 1))::date, (?1::date + make_interval(months => k + 5))::date - 1
				FROM generate_series(1, 40) AS k RETURNING id, code, starts_on),
			t AS (INSERT INTO project_tasks (project_id, work_package_id, title, starts_on, ends_on, status, progress)
				SELECT ?0, wp.id, 'Attività ' || j || ' del ' || wp.code || ': servizio pubblico per la biblioteca',
					wp.starts_on + (j - 1) * 18, wp.starts_on + (j - 1) * 18 + 14,
					CASE WHEN wp.starts_on + (j - 1) * 18 + 14 < current_date AND (j + k) % 8 <> 0 THEN 'done'
						WHEN wp.starts_on + (j - 1) * 18 < current_date THEN 'in_progress' ELSE 'todo' END,
					CASE WHEN wp.starts_on + (j - 1) * 18 + 14 < current_date AND (j + k) % 8 <> 0 THEN 100
						WHEN wp.starts_on + (j - 1) * 18 < current_date THEN 10 + (j * 7 + k) % 80 ELSE 0 END
				FROM (SELECT *, substr(code, 3)::int AS k FROM wp) AS wp, generate_series(1, 10) AS j RETURNING id, work_package_id, starts_on),
			d AS (INSERT INTO project_task_dependencies (project_id, predecessor_id, successor_id)
				SELECT ?0, p, id FROM (SELECT id, lag(id) OVER (PARTITION BY work_package_id ORDER BY starts_on) AS p FROM t) AS s
				WHERE p IS NOT NULL),
			a AS (INSERT INTO project_task_assignees (task_id, user_id) SELECT id, ?2 FROM t)
			INSERT INTO project_milestones (project_id, work_package_id, title, due_on)
			SELECT ?0, wp.id, 'Consegna del ' || wp.code, (wp.starts_on + interval '6 months')::date - 1 FROM wp`,
			id, start.Format(time.DateOnly), w.ID("alpha", "anna"))
		return err
	})
}

// BenchmarkGanttPage: the timeline page of a project of forty work
// packages and four hundred tasks, through the server (the database
// read, the layout, the page), uncached, as its manager. Besides the
// time of a page it reports the page's size (page-B) and the processor
// time it took: the test's process (the server, the browser reading the
// page, the collector; go-cpu-ns/op) and PostgreSQL's (pg-cpu-ns/op),
// which together are what a page costs a machine that serves many at
// once.
//
//	go test ./modules/project -run '^$' -bench GanttPage -benchmem -cpuprofile cpu.out
func BenchmarkGanttPage(b *testing.B) {
	w := moduletest.New(b)
	admin := w.Browser(b, alpha, "admin")
	start := project.Today(time.Now()).AddDate(-2, 0, 0)
	res, body := admin.Post(alpha+"/projects/new", alpha+"/projects", fields("Progetto grande", map[string][]string{
		"starts_on": {start.Format(time.DateOnly)}, "ends_on": {start.AddDate(4, 0, -1).Format(time.DateOnly)}}))
	if res.StatusCode != 303 {
		b.Fatalf("create: %d %s", res.StatusCode, excerpt(body))
	}
	id := idRE.FindStringSubmatch(res.Header.Get("Location"))[1]
	seedLarge(b, w, id, start)
	u := alpha + "/projects/" + id + "/gantt"
	code, page := admin.Get(u)
	if code != 200 || strings.Count(page, `id="row-task-`) != 400 {
		b.Fatalf("%s: %d, %d tasks", u, code, strings.Count(page, `id="row-task-`))
	}
	pg := postmaster(b, w)
	goCPU, pgCPU := processCPU(), treeCPU(pg)
	for b.Loop() {
		if code, page = admin.Get(u); code != 200 {
			b.Fatal(code)
		}
	}
	b.ReportMetric(float64(len(page)), "page-B")
	b.ReportMetric(float64(processCPU()-goCPU)/float64(b.N), "go-cpu-ns/op")
	if pg > 0 {
		b.ReportMetric(float64(treeCPU(pg)-pgCPU)/float64(b.N), "pg-cpu-ns/op")
	}
}

// BenchmarkGanttRender: the chart and the table of the same plan, from
// the plan in memory (the layout and the markup, no database, no page),
// and each part alone: the layout, the chart's marks, the table's rows
// (in Italian and in English, whose dates are written differently).
//
//	go test ./modules/project -run '^$' -bench GanttRender -benchmem
func BenchmarkGanttRender(b *testing.B) {
	tl, today := largeTimeline()
	l := localizer(b, "it")
	lay := func() project.Chart {
		return project.Layout(tl.Project, tl.Plan.WorkPackages, tl.Plan.Tasks, tl.Plan.Dependencies, tl.Plan.Milestones, today)
	}
	b.Run("all", func(b *testing.B) {
		for b.Loop() {
			tl.Chart = lay()
			_, _ = tl.ChartSVG(l), tl.TableHTML(l)
		}
	})
	b.Run("layout", func(b *testing.B) {
		for b.Loop() {
			tl.Chart = lay()
		}
	})
	b.Run("chart", func(b *testing.B) {
		for b.Loop() {
			_ = tl.ChartSVG(l)
		}
	})
	for _, lang := range []string{"it", "en"} {
		l := localizer(b, lang)
		b.Run("table-"+lang, func(b *testing.B) {
			for b.Loop() {
				_ = tl.TableHTML(l)
			}
		})
	}
}

// processCPU is the processor time of this process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// postmaster is the process id of the test cluster's server (0 when it
// cannot be known: PostgreSQL elsewhere, or no /proc).
func postmaster(b *testing.B, w *moduletest.World) int {
	var dir string
	if err := w.DB.Admin(b).QueryRow(context.Background(), "SHOW data_directory").Scan(&dir); err != nil {
		return 0
	}
	f, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(f), "\n", 2)[0]))
	return pid
}

// treeCPU is the processor time of process pid, of its children that
// ended, and of those running (PostgreSQL's server, its backends and
// helpers), read from /proc in clock ticks of 10 ms.
func treeCPU(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	ticks := 0
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		stat, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		i := strings.LastIndexByte(string(stat), ')')
		if err != nil || i < 0 {
			continue
		}
		// After the name: state, ppid, ..., utime (14th), stime, cutime, cstime.
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 15 {
			continue
		}
		n := func(k int) int { v, _ := strconv.Atoi(f[k-3]); return v }
		switch {
		case d.Name() == strconv.Itoa(pid):
			ticks += n(14) + n(15) + n(16) + n(17)
		case n(4) == pid:
			ticks += n(14) + n(15)
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}
