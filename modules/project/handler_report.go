package project

import (
	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
)

// The pages of progress reports: the project's reports (with the form that
// starts a period's), a report's page (its text, its steps, the manager's
// decision) and its form.

type reportsView struct {
	web.Page
	*ReportList
	Period  *ProgressReport
	Message string
	Errors  map[string]string
}

// renderReports draws the project's reports with the form of a period
// (v.Period) and its refusals errs.
func (m *Module) renderReports(c *fiber.Ctx, v reportsView, errs form.Errors) error {
	rs, err := m.ListReports(c.UserContext(), screen.ParamID(c, "id"))
	if err != nil {
		return err
	}
	v.Page, v.ReportList = m.Page(c), rs
	if v.Period == nil {
		v.Period = &ProgressReport{}
	}
	status := fiber.StatusOK
	if len(errs) > 0 {
		v.Errors, status = errs.Translate(v.L.T), fiber.StatusUnprocessableEntity
	}
	return m.Render(c, status, "reports.html", v)
}

func (m *Module) reports(c *fiber.Ctx) error {
	return m.renderReports(c, reportsView{Message: m.message(c)}, nil)
}

// reportCreate starts the reports of a period.
func (m *Module) reportCreate(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	rp, errs := periodForm(c)
	err := m.StartReports(c.UserContext(), id, rp, errs)
	if fe, ok := form.FieldsOf(err); ok {
		return m.renderReports(c, reportsView{Period: rp}, fe)
	}
	if err != nil {
		return err
	}
	return back(c, Path(id)+"/reports", "reports")
}

type reportView struct {
	web.Page
	*ReportView
	Body    string
	Message string
	Errors  map[string]string
}

// renderReport draws page name (the report's page or its form) of the
// report the path names, with v's values and the refusals errs.
func (m *Module) renderReport(c *fiber.Ctx, name string, v reportView, errs form.Errors) error {
	rv, err := m.ReadReport(c.UserContext(), screen.ParamID(c, "id"), screen.ParamID(c, "rid"))
	if err != nil {
		return err
	}
	if name == "report_form.html" && !rv.Edit {
		return authz.ErrForbidden
	}
	v.Page, v.ReportView = m.Page(c), rv
	if v.Body == "" {
		v.Body = rv.Report.Body
	}
	status := fiber.StatusOK
	if len(errs) > 0 {
		v.Errors, status = errs.Translate(v.L.T), fiber.StatusUnprocessableEntity
	}
	return m.Render(c, status, name, v)
}

func (m *Module) reportShow(c *fiber.Ctx) error {
	return m.renderReport(c, "report.html", reportView{Message: m.message(c)}, nil)
}

func (m *Module) reportForm(c *fiber.Ctx) error {
	return m.renderReport(c, "report_form.html", reportView{}, nil)
}

// reportSave saves a report's text, and submits it when asked.
func (m *Module) reportSave(c *fiber.Ctx) error {
	id, rid := screen.ParamID(c, "id"), screen.ParamID(c, "rid")
	body, submit, errs := reportForm(c)
	err := m.SaveReport(c.UserContext(), id, rid, body, submit, errs)
	if fe, ok := form.FieldsOf(err); ok {
		return m.renderReport(c, "report_form.html", reportView{Body: body}, fe)
	}
	if err != nil {
		return err
	}
	done := "report_saved"
	if submit {
		done = "report_step"
	}
	return back(c, Path(id)+"/reports/"+c.Params("rid"), done)
}

// reportStep takes a workflow step (submit, approve, send back) on a
// report, in place from the inbox or from its page.
func (m *Module) reportStep(c *fiber.Ctx) error {
	id, rid := screen.ParamID(c, "id"), screen.ParamID(c, "rid")
	err := m.StepReport(c.UserContext(), id, rid, c.Params("action"), c.FormValue("note"))
	if fe, ok := form.FieldsOf(err); ok {
		return m.renderReport(c, "report.html", reportView{}, fe)
	}
	if err != nil {
		return err
	}
	return web.Done(c, Path(id)+"/reports/"+c.Params("rid")+"?done=report_step", m.T(c, "project.done.report_step"))
}
