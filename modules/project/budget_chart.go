package project

import (
	"strconv"
	"strings"
	"time"
)

// The budget's charts, laid out on the server for its page to draw as
// SVG: planned against actual as pairs of bars (per partner, per
// category), and the actual spent month by month, cumulated, against the
// planned amount and its even pace over the project's months. Whatever
// the number of expenses, a chart draws aggregates: a few elements per
// partner, per category or per labelled month.

// The bars' geometry, in SVG units.
const (
	chartWidth = 720
	labelWidth = 200
	// barArea is the longest bar, leaving room for its amount after it.
	barArea   = chartWidth - labelWidth - 120
	rowHeight = 40
	barHeight = 13
)

// BarChart is planned and actual amounts of parts of a budget.
type BarChart struct {
	Width, Height int
	Rows          []BarRow
}

// BarRow is one part: its sums, the top of its row and its bars' widths.
type BarRow struct {
	Sum
	Y, PlannedW, ActualW int
}

// Over says whether the part spent more than it planned.
func (r BarRow) Over() bool { return r.Actual > r.Planned }

// Bars lays sums out as pairs of bars, one row each, on a common scale.
func Bars(sums []Sum) BarChart {
	var top int64 = 1
	for _, s := range sums {
		top = max(top, s.Planned, s.Actual)
	}
	c := BarChart{Width: chartWidth, Height: len(sums)*rowHeight + 10}
	for i, s := range sums {
		c.Rows = append(c.Rows, BarRow{Sum: s, Y: 5 + i*rowHeight, PlannedW: scale(s.Planned, top, barArea), ActualW: scale(s.Actual, top, barArea)})
	}
	return c
}

// scale is v of top as a length of at most size (at least 1 for any
// amount above zero, so that it shows).
func scale(v, top int64, size int) int {
	if v <= 0 {
		return 0
	}
	return max(1, int(v*int64(size)/top))
}

// The cumulative chart's plot area.
const (
	plotLeft   = 90
	plotTop    = 16
	plotWidth  = chartWidth - plotLeft - 20
	plotHeight = 220
)

// Burndown is the actual spent over a project's months, cumulated, against
// the planned amount (a level line) and its even pace (a slope from zero
// at the start to all of it at the end).
type Burndown struct {
	Width, Height int
	// Actual and Pace are polylines' points.
	Actual, Pace string
	PlannedY     int
	Left, Bottom int
	Ticks        []Mark
	Levels       []Mark
	// Rows are the months up to the last one with expenses or today's,
	// for the table holding the same data.
	Rows []MonthRow
}

// Mark is a labelled place on an axis: X for a month, Y for an amount.
type Mark struct {
	X, Y  int
	Label string
	Cents int64
}

// MonthRow is a month's actual, the actual cumulated to its end and the
// planned amount at the even pace by then.
type MonthRow struct {
	Month                 time.Time
	Spent, Cumulated, Due int64
}

// Variance is what is left of the amount due at the pace by the month's
// end (negative: ahead of it).
func (r MonthRow) Variance() int64 { return r.Due - r.Cumulated }

// monthIndex is the number of months from from's to t's.
func monthIndex(from, t time.Time) int {
	return (t.Year()-from.Year())*12 + int(t.Month()) - int(from.Month())
}

// Cumulate lays out the months of project p (from its first to its last)
// with the sums spent in each (ms), against planned, up to today.
func Cumulate(p *Project, ms []Month, planned int64, today time.Time) Burndown {
	start := time.Date(p.StartsOn.Year(), p.StartsOn.Month(), 1, 0, 0, 0, 0, time.UTC)
	n := monthIndex(start, p.EndsOn) + 1
	spent := make([]int64, n)
	last := min(max(monthIndex(start, today), 0), n-1)
	for _, m := range ms {
		i := min(max(monthIndex(start, m.Month), 0), n-1)
		spent[i] += m.Cents
		last = max(last, i)
	}
	b := Burndown{Width: chartWidth, Height: plotTop + plotHeight + 40, Left: plotLeft, Bottom: plotTop + plotHeight}
	var cum, top int64 = 0, max(planned, 1)
	for i := 0; i <= last; i++ {
		cum += spent[i]
		b.Rows = append(b.Rows, MonthRow{Month: start.AddDate(0, i, 0), Spent: spent[i], Cumulated: cum, Due: planned * int64(i+1) / int64(n)})
		top = max(top, cum)
	}
	x := func(i int) int { return plotLeft + i*plotWidth/n }
	y := func(c int64) int { return plotTop + plotHeight - int(c*plotHeight/top) }
	pts := []string{point(x(0), y(0))}
	for i, r := range b.Rows {
		pts = append(pts, point(x(i+1), y(r.Cumulated)))
	}
	b.Actual, b.Pace, b.PlannedY = strings.Join(pts, " "), point(x(0), y(0))+" "+point(x(n), y(planned)), y(planned)
	step := (n + 11) / 12
	for i := 0; i < n; i += step {
		b.Ticks = append(b.Ticks, Mark{X: x(i), Label: start.AddDate(0, i, 0).Format("01/06")})
	}
	for k := int64(0); k <= 4; k++ {
		b.Levels = append(b.Levels, Mark{Y: y(top * k / 4), Cents: top * k / 4})
	}
	return b
}

// point is an SVG point "x,y".
func point(x, y int) string { return strconv.Itoa(x) + "," + strconv.Itoa(y) }
