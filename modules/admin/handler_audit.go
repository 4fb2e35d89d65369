package admin

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/audit"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

type auditView struct {
	web.Page
	Entries []auditEntry
}

// auditEntry is an entry of the trail with what it did in words: the
// action's sentence and what it was done to (an address, a key, a name).
type auditEntry struct {
	audit.Entry
	Said, Object string
}

// objects are the details that name what an action was done to, in order
// of preference.
var objects = []string{"email", "host", "key", "name"}

func (m *Module) auditLog(c *fiber.Ctx) error {
	es, err := m.recent(c.UserContext())
	if err != nil {
		return err
	}
	v := auditView{Page: m.PageFor(c, tenant.FromContext(c.UserContext()).Name)}
	for _, e := range es {
		v.Entries = append(v.Entries, m.said(c, e))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, fiber.StatusOK, "audit.html", v)
}

// said puts entry e in words: admin.action.<action> (a role given after
// a colon, a switch turned on or off after a dot), or nothing for an
// action without a sentence.
func (m *Module) said(c *fiber.Ctx, e audit.Entry) auditEntry {
	a := auditEntry{Entry: e}
	key, role, _ := strings.Cut(e.Action, ":")
	if on, ok := e.Detail["on"].(bool); ok {
		key += map[bool]string{true: ".on", false: ".off"}[on]
	}
	if role != "" {
		a.Said = m.T(c, "admin.action."+key, "Role", m.T(c, "admin.role."+role))
	} else {
		a.Said = m.T(c, "admin.action."+key)
	}
	if a.Said == "admin.action."+key {
		a.Said = ""
	}
	for _, k := range objects {
		if s, ok := e.Detail[k].(string); ok && s != "" {
			a.Object = s
			break
		}
	}
	return a
}
