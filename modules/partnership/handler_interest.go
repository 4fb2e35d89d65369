package partnership

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

// interestFormView is the data of the form of an interest.
type interestFormView struct {
	web.Page
	Profile       *Profile
	Interest      *Interest
	Organizations []organization.Organization
	Errors        map[string]string
}

// Error is the error of field name ("" for none).
func (v interestFormView) Error(name string) string { return v.Errors[name] }

// interestOf reads an interest from the form.
func interestOf(c *fiber.Ctx) (*Interest, form.Errors) {
	in := &Interest{Message: strings.TrimSpace(c.FormValue("message"))}
	if id, err := strconv.ParseInt(c.FormValue("organization_id"), 10, 64); err == nil && id > 0 {
		in.OrganizationID = &id
	}
	return in, form.Errors{}
}

// interestForm shows the form of a new interest in the profile of the
// path (refused when it takes none from the member).
func (m *Module) interestForm(c *fiber.Ctx) error {
	pid := screen.ParamID(c, "id")
	p, orgs, err := m.Responding(c.UserContext(), pid)
	if err != nil {
		return err
	}
	v := interestFormView{Page: m.Page(c), Profile: p, Interest: &Interest{ProfileID: pid}, Organizations: orgs}
	return m.Render(c, fiber.StatusOK, "interest_form.html", v)
}

// interestCreate records a new interest and goes to its page.
func (m *Module) interestCreate(c *fiber.Ctx) error {
	pid := screen.ParamID(c, "id")
	in, errs := interestOf(c)
	in.ProfileID = pid
	err := m.Express(c.UserContext(), in, errs)
	if fe, ok := form.FieldsOf(err); ok {
		p, orgs, err := m.Responding(c.UserContext(), pid)
		if err != nil {
			return err
		}
		v := interestFormView{Page: m.Page(c), Profile: p, Interest: in, Organizations: orgs}
		v.Errors = fe.Translate(v.L.T)
		return m.Render(c, fiber.StatusUnprocessableEntity, "interest_form.html", v)
	}
	if err != nil {
		return err
	}
	return redirect.To(c, in.URL()+"?done=1")
}

// interestView is the data of an interest's page.
type interestView struct {
	web.Page
	ShownInterest
	Message string
}

// interestShow shows an interest to its author and the advisors.
func (m *Module) interestShow(c *fiber.Ctx) error {
	s, err := m.ReadInterest(c.UserContext(), screen.ParamID(c, "iid"))
	if err != nil {
		return err
	}
	v := interestView{Page: m.Page(c), ShownInterest: s}
	if key := web.Outcome(c.Query("done"), "partnership.done"); key != "" {
		v.Message = v.L.T(key)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, fiber.StatusOK, "interest.html", v)
}

// interestTransition takes a step of an interest (in place from the
// inbox, or from its page).
func (m *Module) interestTransition(c *fiber.Ctx) error {
	iid := screen.ParamID(c, "iid")
	if err := m.InterestTransition(c.UserContext(), iid, c.Params("action"), c.FormValue("note")); err != nil {
		return err
	}
	return web.Done(c, interestURL(iid)+"?done=1", m.T(c, "partnership.done"))
}
