package project

import (
	"slices"
	"time"

	"github.com/piazza-pa/piazza/platform/i18n"
)

// The rules of a plan's schedule, on the plan as read (no database): a
// task inside its work package and its project, finish-to-start
// dependencies without cycles, what rescheduling a task does to the tasks
// that depend on it, and what is late.

// dayOf is a date as a number of days since 1970-01-01 (dates are held at
// midnight UTC).
func dayOf(t time.Time) int {
	// A UTC day is 86,400 seconds (Go's time has no leap seconds): the
	// day of t is its seconds since 1970 divided by that, rounded down.
	u := t.Unix()
	d := u / 86400
	if u%86400 < 0 {
		d--
	}
	return int(d)
}

// dateOf is the date of day number d.
func dateOf(d int) time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// Today is the date of now, in Italy (where the plans' dates are meant:
// i18n.Zone, loaded once).
func Today(now time.Time) time.Time {
	n := now.In(i18n.Zone)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// Graph is a plan's dependencies, both ways.
type Graph struct {
	succ, pred map[int64][]int64
}

// NewGraph indexes deps.
func NewGraph(deps []Dependency) Graph {
	g := Graph{succ: map[int64][]int64{}, pred: map[int64][]int64{}}
	for _, d := range deps {
		g.succ[d.Predecessor] = append(g.succ[d.Predecessor], d.Successor)
		g.pred[d.Successor] = append(g.pred[d.Successor], d.Predecessor)
	}
	return g
}

// Predecessors are the tasks id starts after.
func (g Graph) Predecessors(id int64) []int64 { return g.pred[id] }

// Cycle is the chain of tasks from succ back to pred when adding "succ
// starts after pred" would close a cycle (succ, …, pred), nil otherwise:
// pred must not already depend, directly or not, on succ.
func (g Graph) Cycle(pred, succ int64) []int64 {
	if pred == succ {
		return []int64{succ, pred}
	}
	from := map[int64]int64{succ: 0}
	queue := []int64{succ}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, s := range g.succ[n] {
			if _, seen := from[s]; seen {
				continue
			}
			from[s] = n
			if s == pred {
				return chain(from, succ, pred)
			}
			queue = append(queue, s)
		}
	}
	return nil
}

// chain is the path from start to end that from (each node's parent)
// records, in order.
func chain(from map[int64]int64, start, end int64) []int64 {
	out := []int64{end}
	for n := end; n != start; {
		n = from[n]
		out = append(out, n)
	}
	slices.Reverse(out)
	return out
}

// Effect is what rescheduling a task does to a task that depends on it
// (directly or not): to start after its predecessors end it moves Days
// later, to StartsOn–EndsOn; Fits says it still ends within its work
// package and the project (it moves), else it becomes late.
type Effect struct {
	Task             Task
	StartsOn, EndsOn time.Time
	Days             int
	Fits             bool
}

// Impact is what giving task changed its new dates does to the tasks that
// depend on it, in the order of the dependencies (each one after those it
// depends on): the tasks that would start before a predecessor ends, each
// moved just enough, and whether it still fits (a task that does not stays
// where it is, late, and pushes nothing further). Tasks are the plan's,
// wpEnd its work packages' ends by id.
func Impact(tasks []Task, wpEnd map[int64]time.Time, projectEnd time.Time, deps []Dependency, changed Task) []Effect {
	g := NewGraph(deps)
	byID := make(map[int64]*Task, len(tasks))
	end := make(map[int64]int, len(tasks))
	for i := range tasks {
		byID[tasks[i].ID] = &tasks[i]
		end[tasks[i].ID] = dayOf(tasks[i].EndsOn)
	}
	end[changed.ID] = dayOf(changed.EndsOn)
	var out []Effect
	for _, id := range g.order(changed.ID) {
		t, ok := byID[id]
		if !ok {
			continue
		}
		need := 0
		for _, p := range g.pred[id] {
			need = max(need, end[p]+1)
		}
		start := dayOf(t.StartsOn)
		if start >= need {
			continue
		}
		days := need - start
		e := Effect{Task: *t, StartsOn: dateOf(need), EndsOn: dateOf(end[id] + days), Days: days}
		if e.Fits = !e.EndsOn.After(projectEnd) && !e.EndsOn.After(wpEnd[t.WorkPackageID]); e.Fits {
			end[id] += days // it moves; one that does not fit stays, late
		}
		out = append(out, e)
	}
	return out
}

// order is the tasks that depend on root, directly or not, each after
// every one of them it depends on (Kahn's order over the part of the graph
// reachable from root; the graph has no cycle).
func (g Graph) order(root int64) []int64 {
	reach := map[int64]bool{root: true}
	stack := []int64{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, s := range g.succ[n] {
			if !reach[s] {
				reach[s] = true
				stack = append(stack, s)
			}
		}
	}
	in := map[int64]int{}
	for n := range reach {
		for _, s := range g.succ[n] {
			in[s]++
		}
	}
	var out []int64
	queue := []int64{root}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n != root {
			out = append(out, n)
		}
		for _, s := range g.succ[n] {
			if in[s]--; in[s] == 0 {
				queue = append(queue, s)
			}
		}
	}
	return out
}

// Status is what is late in a plan on a day.
type Status struct {
	today int
	// blocked are the tasks that start before a predecessor ends.
	blocked map[int64]bool
	// wpDone is each work package's progress (per cent, weighted by its
	// tasks' durations).
	wpDone map[int64]int
}

// StatusOf reads what is late in the plan on day today.
func StatusOf(tasks []Task, deps []Dependency, today time.Time) Status {
	s := Status{today: dayOf(today), blocked: map[int64]bool{}, wpDone: map[int64]int{}}
	ends := make(map[int64]int, len(tasks))
	for _, t := range tasks {
		ends[t.ID] = dayOf(t.EndsOn)
	}
	starts := make(map[int64]int, len(tasks))
	weight, done := map[int64]int{}, map[int64]int{}
	for _, t := range tasks {
		starts[t.ID] = dayOf(t.StartsOn)
		d := dayOf(t.EndsOn) - dayOf(t.StartsOn) + 1
		weight[t.WorkPackageID] += d
		done[t.WorkPackageID] += d * t.Progress
	}
	for wp, w := range weight {
		s.wpDone[wp] = done[wp] / w
	}
	for _, d := range deps {
		if starts[d.Successor] <= ends[d.Predecessor] {
			s.blocked[d.Successor] = true
		}
	}
	return s
}

// Overdue says whether t should have ended before today and is not done.
func (s Status) Overdue(t Task) bool { return t.Status != Done && dayOf(t.EndsOn) < s.today }

// Blocked says whether t starts before one of its predecessors ends.
func (s Status) Blocked(t Task) bool { return s.blocked[t.ID] }

// TaskLate says whether t is late: overdue, or starting before a
// predecessor ends.
func (s Status) TaskLate(t Task) bool { return s.Overdue(t) || s.Blocked(t) }

// Progress is work package wp's progress, per cent.
func (s Status) Progress(wp int64) int { return s.wpDone[wp] }

// WorkPackageLate says whether w should have ended before today with its
// tasks not all done.
func (s Status) WorkPackageLate(w WorkPackage) bool {
	return dayOf(w.EndsOn) < s.today && s.wpDone[w.ID] < 100
}

// MilestoneLate says whether m is due before today and not reached.
func (s Status) MilestoneLate(m Milestone) bool { return !m.Reached && dayOf(m.DueOn) < s.today }
