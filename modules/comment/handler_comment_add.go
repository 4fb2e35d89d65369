package comment

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	platformcomment "github.com/piazza-pa/piazza/platform/comment"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
)

// add writes a comment (or a reply) and goes back to it on the item's
// page; a refused body is told in the item's comment form.
func (m *Module) add(c *fiber.Ctx) error {
	typ := c.Params("type")
	cm := &platformcomment.Comment{ContentType: typ, ItemID: screen.ParamID(c, "id"), Body: c.FormValue("body")}
	if p, err := strconv.ParseInt(c.FormValue("parent"), 10, 64); err == nil && p > 0 {
		cm.ParentID = &p
	}
	item, err := m.Add(c.UserContext(), cm)
	if fe, ok := form.FieldsOf(err); ok {
		msg := m.Shell.I18n.FromContext(c.UserContext()).T(fe["body"])
		if s, ok := m.Targets[typ].(web.ItemPage); ok && c.Get("HX-Request") != "true" {
			platformcomment.Refuse(c, cm, msg)
			return s.ShowItem(c, fiber.StatusUnprocessableEntity)
		}
		return platform.NewError(platform.ErrInvalid, msg)
	}
	if err != nil {
		return err
	}
	done := "comment"
	if cm.State == platformcomment.ToValidate {
		done = "comment_waiting"
	}
	return web.Go(c, item.URL+"?done="+done+"#comment-"+strconv.FormatInt(cm.ID, 10))
}
