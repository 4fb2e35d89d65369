package project

import (
	"testing"
)

// TestLayout: a known plan's rows, in order, with their bars at the
// positions of their dates (ten units a day on a plan of a few months,
// after the labels' column), progress as a part of the bar, milestones
// centred on their day, arrows from a task's end to the next one's start,
// and today's line.
func TestLayout(t *testing.T) {
	p := &Project{ID: 1, StartsOn: day("2030-01-01"), EndsOn: day("2030-03-31")}
	wp := []WorkPackage{{ID: 10, Code: "WP1", Title: "Analisi", StartsOn: day("2030-01-01"), EndsOn: day("2030-02-28")}}
	tasks := []Task{
		{ID: 1, WorkPackageID: 10, Title: "A", StartsOn: day("2030-01-01"), EndsOn: day("2030-01-10"), Progress: 50},
		{ID: 2, WorkPackageID: 10, Title: "B", StartsOn: day("2030-01-11"), EndsOn: day("2030-01-20"), Progress: 0},
	}
	deps := []Dependency{{Predecessor: 1, Successor: 2}}
	wpID := int64(10)
	ms := []Milestone{{ID: 5, WorkPackageID: &wpID, Title: "M", DueOn: day("2030-01-31")}, {ID: 6, Title: "Fine", DueOn: day("2030-03-31")}}
	c := Layout(p, wp, tasks, deps, ms, day("2030-01-05"))
	if c.DayWidth != 10 || c.Width != ganttLeft+90*10+8 {
		t.Fatalf("scale %v, width %v", c.DayWidth, c.Width)
	}
	want := []struct {
		kind    string
		id      int64
		x, w, y float64
		done    float64
		late    bool
	}{
		{"wp", 10, 240, 590, 34, 147.5, false}, // 59 days; 25% done (5 of 20 days)
		{"task", 1, 240, 100, 60, 50, false},
		{"task", 2, 340, 100, 86, 0, false},
		{"milestone", 5, 545, 0, 112, 0, false}, // 31 January, centred
		{"milestone", 6, 1135, 0, 138, 0, false},
	}
	if len(c.Rows) != len(want) {
		t.Fatalf("%d rows", len(c.Rows))
	}
	for i, w := range want {
		r := c.Rows[i]
		if r.Kind != w.kind || r.ID != w.id || r.X != w.x || r.W != w.w || r.Y != w.y || r.Done != w.done || r.Late != w.late {
			t.Errorf("row %d: %s %d x=%v w=%v y=%v done=%v late=%v, want %+v", i, r.Kind, r.ID, r.X, r.W, r.Y, r.Done, r.Late, w)
		}
	}
	if len(c.Arrows) != 1 || c.Arrows[0].D != "M340 67 H344 V86" {
		t.Errorf("arrows: %+v", c.Arrows)
	}
	if !c.Now || c.Today != 240+4*10+5 {
		t.Errorf("today at %v (%v)", c.Today, c.Now)
	}
	if len(c.Ticks) != 3 || c.Ticks[1].X != 240+31*10 || c.Ticks[1].Label != "02/2030" {
		t.Errorf("ticks: %+v", c.Ticks)
	}
	// On 1 February A and B (not done, ended in January) and M (due on
	// 31 January) are late; the work package (ends in February) is not.
	c = Layout(p, wp, tasks, deps, ms, day("2030-02-01"))
	if c.Rows[0].Late || !c.Rows[1].Late || !c.Rows[2].Late || !c.Rows[3].Late || c.Rows[4].Late {
		t.Errorf("late on 1 February: %v %v %v %v %v", c.Rows[0].Late, c.Rows[1].Late, c.Rows[2].Late, c.Rows[3].Late, c.Rows[4].Late)
	}
}

// TestLayoutLarge: forty work packages of ten tasks each lay out in one
// pass, a row each, with an arrow per dependency.
func TestLayoutLarge(t *testing.T) {
	p := &Project{StartsOn: day("2030-01-01"), EndsOn: day("2033-12-31")}
	var wps []WorkPackage
	var tasks []Task
	var deps []Dependency
	for i := range 40 {
		s := p.StartsOn.AddDate(0, i, 0)
		wps = append(wps, WorkPackage{ID: int64(i + 1), StartsOn: s, EndsOn: s.AddDate(0, 6, 0)})
		for j := range 10 {
			id := int64(1000 + i*10 + j)
			tasks = append(tasks, Task{ID: id, WorkPackageID: int64(i + 1), StartsOn: s.AddDate(0, 0, j*10), EndsOn: s.AddDate(0, 0, j*10+8)})
			if j > 0 {
				deps = append(deps, Dependency{Predecessor: id - 1, Successor: id})
			}
		}
	}
	c := Layout(p, wps, tasks, deps, nil, day("2031-06-01"))
	if len(c.Rows) != 440 || len(c.Arrows) != 360 || c.DayWidth != 1 {
		t.Errorf("%d rows, %d arrows, %v a day", len(c.Rows), len(c.Arrows), c.DayWidth)
	}
}

func BenchmarkLayout(b *testing.B) {
	p := &Project{StartsOn: day("2030-01-01"), EndsOn: day("2033-12-31")}
	var wps []WorkPackage
	var tasks []Task
	for i := range 40 {
		s := p.StartsOn.AddDate(0, i, 0)
		wps = append(wps, WorkPackage{ID: int64(i + 1), StartsOn: s, EndsOn: s.AddDate(0, 6, 0)})
		for j := range 10 {
			tasks = append(tasks, Task{ID: int64(1000 + i*10 + j), WorkPackageID: int64(i + 1), StartsOn: s.AddDate(0, 0, j*10), EndsOn: s.AddDate(0, 0, j*10+8)})
		}
	}
	for b.Loop() {
		Layout(p, wps, tasks, nil, nil, day("2031-06-01"))
	}
}
