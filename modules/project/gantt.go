package project

import (
	"time"
)

// The geometry of the timeline (Gantt), computed once per page in one pass
// over the plan: each work package followed by its tasks and milestones as
// rows, bars placed by their dates, dependencies as arrows from the end of
// a task to the start of the next. The template only draws it.

// The timeline's measures, in SVG user units (pixels).
const (
	// ganttLeft is the labels' column, ganttTop the dates' band.
	ganttLeft = 240.0
	ganttTop  = 28.0
	ganttRow  = 26.0
	ganttBar  = 14.0
)

// Row is one line of the timeline: a work package's or a task's bar, or a
// milestone's diamond.
type Row struct {
	// Kind is "wp", "task" or "milestone".
	Kind  string
	ID    int64
	Label string
	// X and W are the bar's left and width, Y its top, H its height;
	// Done is the width of its progress part. A milestone's diamond is
	// centred on X (its date), Points its outline.
	X, W, Y, H, Done float64
	Points           string
	Progress         int
	// Late marks what is late; Reached a milestone reached.
	Late, Reached    bool
	StartsOn, EndsOn time.Time
	// TextY is the baseline of the row's label.
	TextY float64
}

// Arrow is a dependency drawn from its predecessor's end to its
// successor's start (D is the path's data).
type Arrow struct {
	From, To int64
	D        string
	Late     bool
}

// Tick is a date marked on the timeline's band.
type Tick struct {
	X     float64
	Label string
}

// Chart is the timeline of a plan.
type Chart struct {
	Width, Height float64
	Left          float64
	Rows          []Row
	Arrows        []Arrow
	Ticks         []Tick
	// Today is the x of today's line (Now false: today is outside the plan).
	Today float64
	Now   bool
	// DayWidth is the width of a day.
	DayWidth float64
}

// dayWidth is the width of a day for a plan of span days: a few months
// read day by day, years by month.
func dayWidth(span int) float64 {
	switch {
	case span <= 120:
		return 10
	case span <= 400:
		return 4
	case span <= 1100:
		return 2
	}
	return 1
}

// Layout is the timeline of the plan on day today: work packages in the
// order given (each followed by its tasks, in the order given, and its
// milestones), then the milestones of no work package.
func Layout(p *Project, wps []WorkPackage, tasks []Task, deps []Dependency, ms []Milestone, today time.Time) Chart {
	return layout(p, &Plan{WorkPackages: wps, Tasks: tasks, Dependencies: deps, Milestones: ms}, StatusOf(tasks, deps, today), today)
}

// layout is Layout of plan pl whose status st is known.
func layout(p *Project, pl *Plan, st Status, today time.Time) Chart {
	wps, tasks, deps, ms := pl.WorkPackages, pl.Tasks, pl.Dependencies, pl.Milestones
	from, to := dayOf(p.StartsOn), dayOf(p.EndsOn)
	for i := range wps {
		from, to = min(from, dayOf(wps[i].StartsOn)), max(to, dayOf(wps[i].EndsOn))
	}
	for i := range tasks {
		from, to = min(from, dayOf(tasks[i].StartsOn)), max(to, dayOf(tasks[i].EndsOn))
	}
	for i := range ms {
		from, to = min(from, dayOf(ms[i].DueOn)), max(to, dayOf(ms[i].DueOn))
	}
	c := Chart{Left: ganttLeft, DayWidth: dayWidth(to - from + 1), Rows: make([]Row, 0, len(wps)+len(tasks)+len(ms)),
		Arrows: make([]Arrow, 0, len(deps))}
	x := func(d int) float64 { return ganttLeft + float64(d-from)*c.DayWidth }
	c.Width = x(to+1) + 8
	byWP := map[int64][]int{}
	for i := range tasks {
		byWP[tasks[i].WorkPackageID] = append(byWP[tasks[i].WorkPackageID], i)
	}
	msOf := map[int64][]int{}
	var loose []int
	for i := range ms {
		if ms[i].WorkPackageID == nil {
			loose = append(loose, i)
		} else {
			msOf[*ms[i].WorkPackageID] = append(msOf[*ms[i].WorkPackageID], i)
		}
	}
	for i := range wps {
		w := &wps[i]
		c.bar("wp", w.ID, w.Label(), x(dayOf(w.StartsOn)), x(dayOf(w.EndsOn)+1), st.Progress(w.ID), st.WorkPackageLate(*w), w.StartsOn, w.EndsOn)
		for _, j := range byWP[w.ID] {
			t := &tasks[j]
			c.bar("task", t.ID, t.Title, x(dayOf(t.StartsOn)), x(dayOf(t.EndsOn)+1), t.Progress, st.TaskLate(*t), t.StartsOn, t.EndsOn)
		}
		for _, j := range msOf[w.ID] {
			c.diamond(&ms[j], x(dayOf(ms[j].DueOn))+c.DayWidth/2, st.MilestoneLate(ms[j]))
		}
	}
	for _, j := range loose {
		c.diamond(&ms[j], x(dayOf(ms[j].DueOn))+c.DayWidth/2, st.MilestoneLate(ms[j]))
	}
	c.arrows(deps, st)
	c.Height = ganttTop + float64(len(c.Rows))*ganttRow + 8
	c.ticks(from, to, x)
	if d := dayOf(today); d >= from && d <= to {
		c.Today, c.Now = x(d)+c.DayWidth/2, true
	}
	return c
}

// bar adds a bar row from x0 to x1.
func (c *Chart) bar(kind string, id int64, label string, x0, x1 float64, progress int, late bool, start, end time.Time) {
	y := ganttTop + float64(len(c.Rows))*ganttRow + (ganttRow-ganttBar)/2
	w := x1 - x0
	c.Rows = append(c.Rows, Row{Kind: kind, ID: id, Label: label, X: x0, W: w, Y: y, H: ganttBar, Done: w * float64(progress) / 100,
		Progress: progress, Late: late, StartsOn: start, EndsOn: end, TextY: y + ganttBar - 3})
}

// diamond adds a milestone's row, centred on x.
func (c *Chart) diamond(m *Milestone, x float64, late bool) {
	y := ganttTop + float64(len(c.Rows))*ganttRow + ganttRow/2
	r := ganttBar / 2
	var buf [64]byte
	b := appendNum(append(appendNum(buf[:0], x), ','), y-r)
	b = appendNum(append(appendNum(append(b, ' '), x+r), ','), y)
	b = appendNum(append(appendNum(append(b, ' '), x), ','), y+r)
	b = appendNum(append(appendNum(append(b, ' '), x-r), ','), y)
	pts := string(b)
	c.Rows = append(c.Rows, Row{Kind: "milestone", ID: m.ID, Label: m.Title, X: x, Y: y - r, H: 2 * r, Points: pts,
		Late: late, Reached: m.Reached, StartsOn: m.DueOn, EndsOn: m.DueOn, TextY: y + 4})
}

// arrows draws each dependency whose two tasks are on the chart: out of
// the predecessor's end, along to the successor's start and down (or up)
// into it; when the successor starts before the predecessor ends (late),
// round and into its start from the left.
func (c *Chart) arrows(deps []Dependency, st Status) {
	at := make(map[int64]int, len(c.Rows))
	for i, r := range c.Rows {
		if r.Kind == "task" {
			at[r.ID] = i
		}
	}
	for _, d := range deps {
		i, ok1 := at[d.Predecessor]
		j, ok2 := at[d.Successor]
		if !ok1 || !ok2 {
			continue
		}
		p, s := &c.Rows[i], &c.Rows[j]
		x0, y0, x1, y1 := p.X+p.W, p.Y+p.H/2, s.X, s.Y+s.H/2
		var buf [96]byte
		b := appendNum(append(appendNum(append(buf[:0], 'M'), x0), ' '), y0)
		if x1 >= x0 { // along, then down (or up) into the successor's start
			edge := s.Y
			if y1 < y0 {
				edge = s.Y + s.H
			}
			b = appendNum(append(appendNum(append(b, " H"...), x1+min(4, s.W/2)), " V"...), edge)
		} else { // the successor starts before: out, round, and in from the left
			mid := y1 - ganttRow/2
			if y1 < y0 {
				mid = y1 + ganttRow/2
			}
			b = appendNum(append(appendNum(append(b, " H"...), x0+6), " V"...), mid)
			b = appendNum(append(appendNum(append(b, " H"...), x1-6), " V"...), y1)
			b = appendNum(append(b, " H"...), x1)
		}
		c.Arrows = append(c.Arrows, Arrow{From: d.Predecessor, To: d.Successor, D: string(b), Late: st.blocked[d.Successor]})
	}
}

// ticks marks the first day of each month (of each quarter on a plan
// longer than two years) between days from and to.
func (c *Chart) ticks(from, to int, x func(int) float64) {
	start, end := dateOf(from), dateOf(to)
	step := 1
	if to-from > 730 {
		step = 3
	}
	m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC)
	if m.Before(start) {
		m = m.AddDate(0, 1, 0)
	}
	for ; !m.After(end); m = m.AddDate(0, 1, 0) {
		if step == 3 && (m.Month()-1)%3 != 0 {
			continue
		}
		c.Ticks = append(c.Ticks, Tick{X: x(dayOf(m)), Label: m.Format("01/2006")})
	}
}

// num writes a coordinate with at most one decimal.
func num(f float64) string { return string(appendNum(nil, f)) }
