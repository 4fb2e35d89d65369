package admin

import (
	"errors"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/comment"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/setting"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// validations are the switches of validation by facilitators and validators.
var validations = []string{setting.ProfileValidation, setting.OrganizationValidation, setting.CommunityValidation, comment.SettingModeration}

type collaborationView struct {
	web.Page
	Error, Message string
	Switches       []switchView
	Tags           []taxonomy.Tag
	Themes         []string
	Errors         map[string]string
	Name           string
	Blacklist      string
}

type switchView struct {
	Key string
	On  bool
}

func (m *Module) collaboration(c *fiber.Ctx) error {
	return m.renderCollaboration(c, fiber.StatusOK, "", nil)
}

// renderCollaboration shows the validation switches and the tags.
func (m *Module) renderCollaboration(c *fiber.Ctx, status int, msg string, errs form.Errors) error {
	t := tenant.FromContext(c.UserContext())
	v := collaborationView{Page: m.PageFor(c, t.Name), Message: msg, Themes: taxonomy.Themes, Name: c.FormValue("name")}
	if errs != nil {
		v.Errors = errs.Translate(v.L.T)
	}
	var err error
	if v.Switches, v.Blacklist, v.Tags, err = m.collaborationSettings(c.UserContext()); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, status, "collaboration.html", v)
}

// collaborationDone records an admin's action in the audit trail and shows
// the collaboration settings with the message that it is done.
func (m *Module) collaborationDone(c *fiber.Ctx, action string, detail map[string]any) error {
	if err := m.Record(c, tenant.FromContext(c.UserContext()), action, detail); err != nil {
		return err
	}
	return m.renderCollaboration(c, fiber.StatusOK, m.T(c, "admin.done"), nil)
}

// setValidation turns one of the validation switches on or off.
func (m *Module) setValidation(c *fiber.Ctx) error {
	key, on := c.FormValue("key"), c.FormValue("on") == "on"
	if !slices.Contains(validations, key) {
		return fiber.ErrNotFound
	}
	if err := m.SetValidation(c.UserContext(), key, on); err != nil {
		return err
	}
	return m.collaborationDone(c, "settings."+key, map[string]any{"on": on})
}

// addTag adds a tag, under a parent to grow a tree.
func (m *Module) addTag(c *fiber.Ctx) error {
	parent, _ := strconv.ParseInt(c.FormValue("parent"), 10, 64)
	tag, err := m.AddTag(c.UserContext(), c.FormValue("name"), parent)
	if fe, ok := form.FieldsOf(err); ok {
		return m.renderCollaboration(c, fiber.StatusUnprocessableEntity, "", fe)
	}
	if errors.Is(err, platform.ErrConflict) {
		return m.renderCollaboration(c, fiber.StatusConflict, "", form.Errors{"name": platform.MessageKey(err)})
	}
	if err != nil {
		return err
	}
	return m.collaborationDone(c, "tag.add", map[string]any{"name": tag.Name, "parent": parent})
}

func (m *Module) removeTag(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	if err := m.RemoveTag(c.UserContext(), id); err != nil {
		return err
	}
	return m.collaborationDone(c, "tag.remove", map[string]any{"id": id})
}

// setBlacklist replaces the words comments may not contain.
func (m *Module) setBlacklist(c *fiber.Ctx) error {
	words := form.List(c.FormValue("words"), 500)
	if words == nil {
		words = []string{}
	}
	if err := m.SetBlacklist(c.UserContext(), words); err != nil {
		return err
	}
	return m.collaborationDone(c, "settings.comment_blacklist", map[string]any{"words": len(words)})
}
