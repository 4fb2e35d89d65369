package project

import (
	"bytes"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// The timeline's page and the plan's exports.

type ganttView struct {
	web.Page
	*Timeline
	Message string
}

// gantt is the timeline of a project: the chart (SVG drawn on the
// server), and a table holding the same data.
func (m *Module) gantt(c *fiber.Ctx) error {
	tl, err := m.Timeline(c.UserContext(), screen.ParamID(c, "id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, fiber.StatusOK, "gantt.html", ganttView{Page: m.Page(c), Timeline: tl, Message: m.message(c)})
}

// download sends body as a file named name of type ct, never rendered
// by the browser in place.
func download(c *fiber.Ctx, ct, name string, body []byte) error {
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, name))
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	return c.Send(body)
}

// calendar is the project's milestones as an iCalendar file.
func (m *Module) calendar(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	p, pl, err := m.Planned(c.UserContext(), id, Read)
	if err != nil {
		return err
	}
	site := "piazza"
	if t := tenant.FromContext(c.UserContext()); t != nil {
		site = t.Slug + ".piazza"
	}
	body := Calendar(p, pl.Milestones, site, m.now())
	return download(c, "text/calendar; charset=utf-8", fmt.Sprintf("project-%d-milestones.ics", p.ID), []byte(body))
}

// planCSV is the project's plan as CSV.
func (m *Module) planCSV(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	tl, err := m.PlanSheet(c.UserContext(), id)
	if err != nil {
		return err
	}
	l := m.Shell.I18n.FromContext(c.UserContext())
	header := make([]string, 0, 10)
	for _, k := range []string{"kind", "work_package", "title", "starts_on", "ends_on", "status", "progress", "assignees", "after", "description"} {
		header = append(header, l.T("project.csv."+k))
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // spreadsheets read the file as UTF-8
	if err := PlanCSV(&buf, tl.Plan, header, tl.Names, func(k string) string { return l.T(k) }); err != nil {
		return err
	}
	return download(c, "text/csv; charset=utf-8", fmt.Sprintf("project-%d-plan.csv", tl.Project.ID), buf.Bytes())
}
