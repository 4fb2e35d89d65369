package project

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/screen"
)

// The project page's forms on its people and partners (for managers).

// refused shows project id's page with the refusal err of a form posted
// on it, its messages by field (422); any other error is returned.
func (m *Module) refused(c *fiber.Ctx, id int64, err error) error {
	fe, ok := form.FieldsOf(err)
	if !ok {
		return err
	}
	o, err := m.Overview(c.UserContext(), id)
	if err != nil {
		return err
	}
	v := showView{Page: m.Page(c), Overview: o, Today: m.today()}
	v.Errors = fe.Translate(v.L.T)
	return m.Render(c, fiber.StatusUnprocessableEntity, "show.html", v)
}

// addMember gives a person of the project's community a role in it.
func (m *Module) addMember(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	uid := formID(c, "user_id")
	if uid <= 0 {
		return m.refused(c, id, m.refuseUnlessMember(c, id, form.Errors{"user_id": "project.error.user_id"}))
	}
	if err := m.SetRole(c.UserContext(), id, uid, c.FormValue("role")); err != nil {
		return m.refused(c, id, err)
	}
	return back(c, Path(id), "member")
}

// refuseUnlessMember is errs, for who may edit project id (others learn
// nothing: 404, or 403).
func (m *Module) refuseUnlessMember(c *fiber.Ctx, id int64, errs form.Errors) error {
	if _, err := m.Editable(c.UserContext(), id); err != nil {
		return err
	}
	return errs.Err()
}

// member changes a member's role (:action "role") or takes them out
// ("remove").
func (m *Module) member(c *fiber.Ctx) error {
	id, uid := screen.ParamID(c, "id"), screen.ParamID(c, "uid")
	var err error
	switch c.Params("action") {
	case "role":
		err = m.SetRole(c.UserContext(), id, uid, c.FormValue("role"))
	case "remove":
		err = m.Remove(c.UserContext(), id, uid)
	default:
		return ErrNotFound
	}
	if err != nil {
		return m.refused(c, id, err)
	}
	done := "member"
	if c.Params("action") == "remove" {
		done = "removed"
	}
	return back(c, Path(id), done)
}

// addPartner adds a partner: the form's "partner" is an organisation and
// its referent ("<organisation id>:<person id>").
func (m *Module) addPartner(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	org, uid, ok := strings.Cut(c.FormValue("partner"), ":")
	o, err1 := strconv.ParseInt(org, 10, 64)
	u, err2 := strconv.ParseInt(uid, 10, 64)
	if !ok || err1 != nil || err2 != nil || o <= 0 || u <= 0 {
		return m.refused(c, id, m.refuseUnlessMember(c, id, form.Errors{"partner": "project.error.partner"}))
	}
	if err := m.AddPartner(c.UserContext(), id, o, u); err != nil {
		return m.refused(c, id, err)
	}
	return back(c, Path(id), "partner")
}

func (m *Module) removePartner(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	if err := m.RemovePartner(c.UserContext(), id, screen.ParamID(c, "pid")); err != nil {
		return err
	}
	return back(c, Path(id), "partner_removed")
}
