package main

import (
	"fmt"
	"maps"
	"net/url"
	"strconv"
)

// demoProject are the demo project's ids and dates that the routes take:
// the demo admin manages it; wpToDelete, taskToDelete and
// milestoneToDelete are rows added for the probes to remove; member is a
// participant whose role the probes change; first and last are its first
// task and one that no task follows.
type demoProject struct {
	id, wp, wpToDelete, first, last, taskToDelete, milestone, milestoneToDelete, partner, member int64
	// starts and ends are the project's dates, wpStarts and wpEnds its
	// first work package's, lastStarts and lastEnds the last task's.
	starts, ends, wpStarts, wpEnds, lastStarts, lastEnds string
}

// demoProjectData finds the demo project and adds the rows the probes
// may remove.
func (s *site) demoProjectData() demoProject {
	s.t.Helper()
	id := func(q string, args ...any) int64 {
		n, err := strconv.ParseInt(s.one(q, args...), 10, 64)
		if err != nil {
			s.t.Fatal(err)
		}
		return n
	}
	var p demoProject
	p.id = id(`SELECT id::text FROM t_demo.projects WHERE origin_kind = 'proposal'`)
	p.wp = id(`SELECT min(id)::text FROM t_demo.project_work_packages WHERE project_id = $1`, p.id)
	p.first = id(`SELECT min(id)::text FROM t_demo.project_tasks WHERE project_id = $1`, p.id)
	p.last = id(`SELECT max(id)::text FROM t_demo.project_tasks WHERE project_id = $1`, p.id)
	p.milestone = id(`SELECT min(id)::text FROM t_demo.project_milestones WHERE project_id = $1`, p.id)
	p.starts, p.ends = s.one(`SELECT starts_on::text FROM t_demo.projects WHERE id = $1`, p.id), s.one(`SELECT ends_on::text FROM t_demo.projects WHERE id = $1`, p.id)
	p.wpStarts, p.wpEnds = s.one(`SELECT starts_on::text FROM t_demo.project_work_packages WHERE id = $1`, p.wp), s.one(`SELECT ends_on::text FROM t_demo.project_work_packages WHERE id = $1`, p.wp)
	p.lastStarts, p.lastEnds = s.one(`SELECT starts_on::text FROM t_demo.project_tasks WHERE id = $1`, p.last), s.one(`SELECT ends_on::text FROM t_demo.project_tasks WHERE id = $1`, p.last)
	p.wpToDelete = id(`INSERT INTO t_demo.project_work_packages (project_id, code, title, starts_on, ends_on) VALUES ($1, 'WP9', 'Da togliere', $2::date, $2::date) RETURNING id::text`, p.id, p.starts)
	p.taskToDelete = id(`INSERT INTO t_demo.project_tasks (project_id, work_package_id, title, starts_on, ends_on) VALUES ($1, $2, 'Da togliere', $3::date, $3::date) RETURNING id::text`, p.id, p.wpToDelete, p.starts)
	p.milestoneToDelete = id(`INSERT INTO t_demo.project_milestones (project_id, title, due_on) VALUES ($1, 'Da togliere', $2::date) RETURNING id::text`, p.id, p.starts)
	p.partner = id(`SELECT coalesce(min(id), 0)::text FROM t_demo.project_partners WHERE project_id = $1`, p.id)
	p.member = id(`INSERT INTO t_demo.project_members (project_id, user_id, role)
		SELECT $1, id, 'participant' FROM t_demo.users WHERE email LIKE 'luca%' OR id = (SELECT max(id) FROM t_demo.users) ORDER BY id LIMIT 1
		ON CONFLICT (project_id, user_id) DO UPDATE SET role = 'participant' RETURNING user_id::text`, p.id)
	return p
}

// projectRoutes are the entries of the projects' routes.
func projectRoutes(s *site, who func(*site) *visitor) map[string]route {
	p := s.demoProjectData()
	routes := budgetRoutes(s, who, p)
	id := func(f string, v ...any) string { return fmt.Sprintf("/projects/%d"+f, append([]any{p.id}, v...)...) }
	fixed := func(v url.Values) func(int) url.Values {
		return func(int) url.Values {
			out := url.Values{}
			for k, x := range v {
				out[k] = append([]string(nil), x...)
			}
			return out
		}
	}
	project := fixed(url.Values{"title": {"Un progetto di prova"}, "starts_on": {p.starts}, "ends_on": {p.ends}, "status": {"running"}})
	projectText := []string{"title", "acronym", "summary", "themes", "starts_on", "ends_on", "status", "programme", "funding_call", "grant"}
	projectLong := map[string]int{"title": 200, "acronym": 30, "summary": 4000, "programme": 200, "funding_call": 200}
	wp := fixed(url.Values{"code": {"WP8"}, "title": {"Un work package"}, "starts_on": {p.wpStarts}, "ends_on": {p.wpEnds}})
	wpText, wpLong := []string{"code", "title", "description", "starts_on", "ends_on"}, map[string]int{"code": 20, "title": 200, "description": 4000}
	task := fixed(url.Values{"work_package_id": {fmt.Sprint(p.wp)}, "title": {"Un'attività"}, "starts_on": {p.wpStarts}, "ends_on": {p.wpStarts},
		"status": {"todo"}, "progress": {"0"}})
	last := fixed(url.Values{"work_package_id": {s.one(`SELECT work_package_id::text FROM t_demo.project_tasks WHERE id = $1`, p.last)},
		"title": {"Giornate dimostrative"}, "starts_on": {p.lastStarts}, "ends_on": {p.lastEnds}, "status": {"todo"}, "progress": {"0"}})
	taskText := []string{"title", "description", "starts_on", "ends_on", "status", "reschedule"}
	taskLong, taskIDs := map[string]int{"title": 200, "description": 4000}, []string{"work_package_id", "progress", "assignees"}
	milestone := fixed(url.Values{"title": {"Una milestone"}, "due_on": {p.ends}})
	msText, msLong := []string{"title", "due_on", "deliverables", "reached"}, map[string]int{"title": 200, "deliverables": 4000}
	maps.Copy(routes, map[string]route{
		"tenant GET /projects/":                                                        {path: "/projects/", who: who, cursor: "after", text: []string{"done"}},
		"tenant GET /projects/new":                                                     {path: "/projects/new", who: who, text: []string{"from"}},
		"tenant POST /projects/":                                                       {path: "/projects/", who: who, form: project, text: append(projectText, "origin"), long: projectLong},
		"tenant GET /projects/:id<int>":                                                {path: id(""), who: who, text: []string{"done"}},
		"tenant GET /projects/:id<int>/edit":                                           {path: id("/edit"), who: who},
		"tenant POST /projects/:id<int>/edit":                                          {path: id("/edit"), who: who, form: project, text: projectText, long: projectLong},
		"tenant POST /projects/:id<int>/members":                                       {path: id("/members"), who: who, form: fixed(url.Values{"user_id": {"1"}, "role": {"observer"}}), text: []string{"role"}, ids: []string{"user_id"}},
		"tenant POST /projects/:id<int>/members/:uid<int>/:action":                     {path: id("/members/%d/role", p.member), who: who, form: fixed(url.Values{"role": {"observer"}}), text: []string{"role"}},
		"tenant POST /projects/:id<int>/partners":                                      {path: id("/partners"), who: who, form: fixed(url.Values{"partner": {"1:1"}}), text: []string{"partner"}},
		"tenant POST /projects/:id<int>/partners/:pid<int>/remove":                     {path: id("/partners/%d/remove", p.partner), who: who},
		"tenant GET /projects/:id<int>/gantt":                                          {path: id("/gantt"), who: who, text: []string{"done"}},
		"tenant GET /projects/:id<int>/milestones.ics":                                 {path: id("/milestones.ics"), who: who},
		"tenant GET /projects/:id<int>/plan.csv":                                       {path: id("/plan.csv"), who: who},
		"tenant GET /projects/:id<int>/tasks":                                          {path: id("/tasks"), who: who, cursor: "after"},
		"tenant GET /projects/:id<int>/work-packages/new":                              {path: id("/work-packages/new"), who: who},
		"tenant POST /projects/:id<int>/work-packages":                                 {path: id("/work-packages"), who: who, form: wp, text: wpText, long: wpLong},
		"tenant GET /projects/:id<int>/work-packages/:wid<int>/edit":                   {path: id("/work-packages/%d/edit", p.wp), who: who},
		"tenant POST /projects/:id<int>/work-packages/:wid<int>/edit":                  {path: id("/work-packages/%d/edit", p.wp), who: who, form: wp, text: wpText, long: wpLong},
		"tenant POST /projects/:id<int>/work-packages/:wid<int>/delete":                {path: id("/work-packages/%d/delete", p.wpToDelete), who: who},
		"tenant GET /projects/:id<int>/tasks/new":                                      {path: id("/tasks/new"), who: who, ids: []string{"wp"}},
		"tenant POST /projects/:id<int>/tasks":                                         {path: id("/tasks"), who: who, form: task, text: taskText, long: taskLong, ids: taskIDs},
		"tenant GET /projects/:id<int>/tasks/:tid<int>":                                {path: id("/tasks/%d", p.first), who: who, text: []string{"done"}},
		"tenant GET /projects/:id<int>/tasks/:tid<int>/edit":                           {path: id("/tasks/%d/edit", p.first), who: who},
		"tenant POST /projects/:id<int>/tasks/:tid<int>/edit":                          {path: id("/tasks/%d/edit", p.last), who: who, form: last, text: taskText, long: taskLong, ids: taskIDs},
		"tenant POST /projects/:id<int>/tasks/:tid<int>/progress":                      {path: id("/tasks/%d/progress", p.first), who: who, form: fixed(url.Values{"status": {"done"}, "progress": {"100"}}), text: []string{"status"}, ids: []string{"progress"}},
		"tenant POST /projects/:id<int>/tasks/:tid<int>/dependencies":                  {path: id("/tasks/%d/dependencies", p.last), who: who, form: fixed(url.Values{"predecessor_id": {fmt.Sprint(p.first)}}), ids: []string{"predecessor_id"}},
		"tenant POST /projects/:id<int>/tasks/:tid<int>/dependencies/:pid<int>/remove": {path: id("/tasks/%d/dependencies/%d/remove", p.last, p.first), who: who},
		"tenant POST /projects/:id<int>/tasks/:tid<int>/delete":                        {path: id("/tasks/%d/delete", p.taskToDelete), who: who},
		"tenant GET /projects/:id<int>/milestones/new":                                 {path: id("/milestones/new"), who: who},
		"tenant POST /projects/:id<int>/milestones":                                    {path: id("/milestones"), who: who, form: milestone, text: msText, long: msLong, ids: []string{"work_package_id"}},
		"tenant GET /projects/:id<int>/milestones/:mid<int>/edit":                      {path: id("/milestones/%d/edit", p.milestone), who: who},
		"tenant POST /projects/:id<int>/milestones/:mid<int>/edit":                     {path: id("/milestones/%d/edit", p.milestone), who: who, form: milestone, text: msText, long: msLong, ids: []string{"work_package_id"}},
		"tenant POST /projects/:id<int>/milestones/:mid<int>/delete":                   {path: id("/milestones/%d/delete", p.milestoneToDelete), who: who},
	})
	return routes
}
