package project

import (
	"slices"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestCycle: a dependency that would close a cycle is found with the
// chain it closes, directly or through other tasks; one that does not is
// not.
func TestCycle(t *testing.T) {
	g := NewGraph([]Dependency{{Predecessor: 1, Successor: 2}, {Predecessor: 2, Successor: 3}, {Predecessor: 3, Successor: 4}, {Predecessor: 1, Successor: 5}})
	cases := []struct {
		pred, succ int64
		chain      []int64
	}{
		{4, 1, []int64{1, 2, 3, 4}}, // 1 after 4, which comes after 1
		{2, 1, []int64{1, 2}},
		{3, 3, []int64{3, 3}},
		{5, 4, nil}, // 4 after 5: no path from 4 to 5
		{4, 5, nil},
		{1, 4, nil}, // already implied: no cycle
	}
	for _, c := range cases {
		if got := g.Cycle(c.pred, c.succ); !slices.Equal(got, c.chain) {
			t.Errorf("%d after %d: %v, want %v", c.succ, c.pred, got, c.chain)
		}
	}
}

// TestImpact: moving a task later pushes the tasks after it, directly or
// not, just enough, each after every task it follows; a task pushed past
// its work package's end (or the project's) does not fit, stays, and
// pushes nothing; moving earlier pushes nothing.
func TestImpact(t *testing.T) {
	tasks := []Task{
		{ID: 1, WorkPackageID: 10, StartsOn: day("2026-01-01"), EndsOn: day("2026-01-10")},
		{ID: 2, WorkPackageID: 10, StartsOn: day("2026-01-11"), EndsOn: day("2026-01-20")},
		{ID: 3, WorkPackageID: 20, StartsOn: day("2026-02-01"), EndsOn: day("2026-02-10")},
		{ID: 4, WorkPackageID: 20, StartsOn: day("2026-01-25"), EndsOn: day("2026-01-30")},
		{ID: 5, WorkPackageID: 20, StartsOn: day("2026-03-01"), EndsOn: day("2026-03-05")},
	}
	deps := []Dependency{{Predecessor: 1, Successor: 2}, {Predecessor: 2, Successor: 3}, {Predecessor: 1, Successor: 4}, {Predecessor: 4, Successor: 3}, {Predecessor: 3, Successor: 5}}
	wpEnd := map[int64]time.Time{10: day("2026-01-31"), 20: day("2026-03-31")}
	moved := tasks[0]
	moved.EndsOn = day("2026-01-15") // five days later
	got := Impact(tasks, wpEnd, day("2026-12-31"), deps, moved)
	byID := map[int64]Effect{}
	for _, e := range got {
		byID[e.Task.ID] = e
	}
	if e, ok := byID[2]; !ok || !e.StartsOn.Equal(day("2026-01-16")) || !e.EndsOn.Equal(day("2026-01-25")) || e.Days != 5 || !e.Fits {
		t.Errorf("task 2: %+v", e)
	}
	if _, ok := byID[4]; ok {
		t.Error("task 4 starts after the 15th already: it does not move")
	}
	if _, ok := byID[3]; ok || len(got) != 1 {
		t.Errorf("task 3 starts on 1 February, after 2 ends: %v", got)
	}
	moved.EndsOn = day("2026-01-28") // 2 pushed to 29 Jan – 7 Feb: past its work package
	got = Impact(tasks, wpEnd, day("2026-12-31"), deps, moved)
	// 2 does not fit and stays; 4 moves to start on the 29th, and 3,
	// which follows it, to start after 4's new end (3 February).
	if len(got) != 3 || got[0].Task.ID != 2 || got[0].Fits || got[1].Task.ID != 4 || !got[1].Fits || !got[1].StartsOn.Equal(day("2026-01-29")) ||
		got[2].Task.ID != 3 || !got[2].StartsOn.Equal(day("2026-02-04")) || got[2].Days != 3 {
		t.Errorf("pushed past the work package: %+v", got)
	}
	moved.EndsOn = day("2026-01-05")
	if got := Impact(tasks, wpEnd, day("2026-12-31"), deps, moved); len(got) != 0 {
		t.Errorf("moved earlier: %+v", got)
	}
}

// TestStatus: a task not done after its end is overdue, one starting
// before a task it follows ends is blocked; a work package's progress is
// its tasks' weighted by their length; a milestone past and not reached
// is late.
func TestStatus(t *testing.T) {
	tasks := []Task{
		{ID: 1, WorkPackageID: 10, StartsOn: day("2026-01-01"), EndsOn: day("2026-01-10"), Progress: 100, Status: Done},
		{ID: 2, WorkPackageID: 10, StartsOn: day("2026-01-05"), EndsOn: day("2026-01-14"), Progress: 50},
		{ID: 3, WorkPackageID: 10, StartsOn: day("2026-01-15"), EndsOn: day("2026-03-01"), Progress: 0},
	}
	st := StatusOf(tasks, []Dependency{{Predecessor: 1, Successor: 2}, {Predecessor: 2, Successor: 3}}, day("2026-02-01"))
	if st.TaskLate(tasks[0]) || !st.Blocked(tasks[1]) || !st.Overdue(tasks[1]) || st.TaskLate(tasks[2]) {
		t.Errorf("late: %v %v %v", st.TaskLate(tasks[0]), st.TaskLate(tasks[1]), st.TaskLate(tasks[2]))
	}
	if p := st.Progress(10); p != (10*100+10*50+46*0)/66 {
		t.Errorf("progress %d", p)
	}
	if !st.MilestoneLate(Milestone{DueOn: day("2026-01-31")}) || st.MilestoneLate(Milestone{DueOn: day("2026-01-31"), Reached: true}) ||
		st.MilestoneLate(Milestone{DueOn: day("2026-02-01")}) {
		t.Error("milestones")
	}
}

// TestParseEuro: amounts as people write them, in exact cents.
func TestParseEuro(t *testing.T) {
	for in, want := range map[string]int64{"150000": 15000000, "150.000,50": 15000050, "150,000.50": 15000050, "1 500 €": 150000,
		"99,9": 9990, "0,01": 1, "1.234.567,89": 123456789, "€ 12": 1200} {
		if got, ok := ParseEuro(in); !ok || got != want {
			t.Errorf("%q: %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "-5", "tanti", "1e5", "12,345,6789", "99999999999999"} {
		if _, ok := ParseEuro(in); ok {
			t.Errorf("%q accepted", in)
		}
	}
	if Euro(123456789, "it") != "1.234.567,89" || Euro(5, "en") != "0.05" {
		t.Errorf("Euro: %s %s", Euro(123456789, "it"), Euro(5, "en"))
	}
}

// TestDayOf: the day number of an instant is that of its date in UTC, at
// any hour, in any zone, before and after 1970, and dateOf gives the
// date back.
func TestDayOf(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	want := func(x time.Time) int {
		u := x.UTC()
		return int(time.Date(u.Year(), u.Month(), u.Day(), 12, 0, 0, 0, time.UTC).Sub(time.Date(1970, 1, 1, 12, 0, 0, 0, time.UTC)).Hours() / 24)
	}
	for x := time.Date(1969, 12, 25, 0, 0, 0, 0, time.UTC); x.Year() < 2035; x = x.Add(7*time.Hour + 13*time.Minute + 1) {
		for _, y := range []time.Time{x, x.In(rome), x.Truncate(24 * time.Hour)} {
			if got := dayOf(y); got != want(y) {
				t.Fatalf("dayOf(%s) = %d, want %d", y, got, want(y))
			}
		}
		if d := x.Truncate(24 * time.Hour); !dateOf(dayOf(d)).Equal(d) {
			t.Fatalf("dateOf(dayOf(%s)) = %s", d, dateOf(dayOf(d)))
		}
	}
}
