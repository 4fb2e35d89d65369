package proposal

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/modules/organization"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
)

// interestFormView is the data of the form of an expression of interest.
type interestFormView struct {
	web.Page
	// Title is the proposal's; Action where the form posts; Draft: the
	// expression is new or a draft (it may be submitted).
	Title, Action string
	Interest      *Interest
	Organizations []organization.Organization
	Draft         bool
	Errors        map[string]string
}

// Error is the error of field name ("" for none).
func (v interestFormView) Error(name string) string { return v.Errors[name] }

// interestOf reads an expression of interest from the form.
func interestOf(c *fiber.Ctx) (*Interest, form.Errors) {
	in := &Interest{Offer: strings.TrimSpace(c.FormValue("offer")), Role: strings.Join(strings.Fields(c.FormValue("role")), " ")}
	if id, err := strconv.ParseInt(c.FormValue("organization_id"), 10, 64); err == nil && id > 0 {
		in.OrganizationID = &id
	}
	return in, form.Errors{}
}

// renderInterestForm shows the form of in with errs.
func (m *Module) renderInterestForm(c *fiber.Ctx, status int, v interestFormView, errs form.Errors) error {
	v.Page = m.Page(c)
	if errs != nil {
		v.Errors = errs.Translate(v.L.T)
	}
	return m.Render(c, status, "interest_form.html", v)
}

// interestForm shows the form of a new expression of interest in the
// proposal of the path (refused when it takes none from the member).
func (m *Module) interestForm(c *fiber.Ctx) error {
	pid := screen.ParamID(c, "id")
	p, orgs, err := m.Responding(c.UserContext(), pid)
	if err != nil {
		return err
	}
	return m.renderInterestForm(c, fiber.StatusOK, interestFormView{Title: p.Title, Action: m.URL(pid) + "/interest",
		Interest: &Interest{ProposalID: pid}, Organizations: orgs, Draft: true}, nil)
}

// interestCreate records a new expression of interest and goes to its page.
func (m *Module) interestCreate(c *fiber.Ctx) error {
	pid := screen.ParamID(c, "id")
	in, errs := interestOf(c)
	in.ProposalID = pid
	err := m.Respond(c.UserContext(), in, errs, c.FormValue("action"))
	if fe, ok := form.FieldsOf(err); ok {
		p, orgs, err := m.Responding(c.UserContext(), pid)
		if err != nil {
			return err
		}
		return m.renderInterestForm(c, fiber.StatusUnprocessableEntity, interestFormView{Title: p.Title, Action: m.URL(pid) + "/interest",
			Interest: in, Organizations: orgs, Draft: true}, fe)
	}
	if err != nil {
		return err
	}
	return redirect.To(c, in.URL()+"?done=1")
}

// interestView is the data of an expression of interest's page.
type interestView struct {
	web.Page
	ShownInterest
	Message string
}

// interestShow shows an expression of interest to whom may read it.
func (m *Module) interestShow(c *fiber.Ctx) error {
	s, err := m.ReadInterest(c.UserContext(), screen.ParamID(c, "iid"))
	if err != nil {
		return err
	}
	v := interestView{Page: m.Page(c), ShownInterest: s}
	if key := web.Outcome(c.Query("done"), "proposal.done"); key != "" {
		v.Message = v.L.T(key)
	}
	v.Files.L, v.Files.CSRF = v.L, v.CSRF
	v.Files.Refused(c)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, fiber.StatusOK, "interest.html", v)
}

// interestEditForm shows the form of an expression its author may change.
func (m *Module) interestEditForm(c *fiber.Ctx) error {
	iid := screen.ParamID(c, "iid")
	i, err := m.EditableInterest(c.UserContext(), iid)
	if err != nil {
		return err
	}
	return m.interestEdit(c, fiber.StatusOK, i, i, nil)
}

// interestEdit shows the edit form of was holding in.
func (m *Module) interestEdit(c *fiber.Ctx, status int, was, in *Interest, errs form.Errors) error {
	orgs, err := m.Organizations(c.UserContext())
	if err != nil {
		return err
	}
	return m.renderInterestForm(c, status, interestFormView{Title: was.ProposalTitle, Action: was.URL() + "/edit",
		Interest: in, Organizations: orgs, Draft: was.State == "draft"}, errs)
}

// interestSave writes an edited expression of interest.
func (m *Module) interestSave(c *fiber.Ctx) error {
	iid := screen.ParamID(c, "iid")
	in, errs := interestOf(c)
	err := m.SaveInterest(c.UserContext(), iid, in, errs, c.FormValue("action"))
	if fe, ok := form.FieldsOf(err); ok {
		was, err := m.EditableInterest(c.UserContext(), iid)
		if err != nil {
			return err
		}
		return m.interestEdit(c, fiber.StatusUnprocessableEntity, was, in, fe)
	}
	if err != nil {
		return err
	}
	return redirect.To(c, "/proposals/interests/"+strconv.FormatInt(iid, 10)+"?done=1")
}

// interestTransition takes a workflow action on an expression of interest
// (in place from the inbox, or from its page).
func (m *Module) interestTransition(c *fiber.Ctx) error {
	iid := screen.ParamID(c, "iid")
	if err := m.InterestTransition(c.UserContext(), iid, c.Params("action"), c.FormValue("note")); err != nil {
		return err
	}
	return web.Done(c, "/proposals/interests/"+strconv.FormatInt(iid, 10)+"?done=1", m.T(c, "proposal.done"))
}
