// Package notification is the member's side of notifications: the bell
// with the unread count on every page (Count), the list of notifications, the
// unsubscribe link of digest e-mails (which works without signing in), and
// the background jobs that fan events out and send digests (jobs.go).
package notification

import (
	"embed"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Deps are what the pages need.
type Deps struct {
	DB      *bun.DB
	Shell   *web.Shell
	PageFor func(c *fiber.Ctx, site string) web.Page
	// Key checks unsubscribe links.
	Key []byte
}

// Module is the notification pages.
type Module struct {
	screen.Kit
	key []byte
}

// New parses the pages.
func New(d Deps) (*Module, error) {
	k, err := screen.New(screen.Deps{DB: d.DB, Shell: d.Shell, PageFor: d.PageFor}, templates, Messages, nil)
	if err != nil {
		return nil, err
	}
	return &Module{Kit: k, key: d.Key}, nil
}

// Routes registers the list (members) and the unsubscribe page (anyone
// with the link).
func (m *Module) Routes(r fiber.Router) {
	r.Get("/notifications/unsubscribe", m.unsubscribeForm)
	r.Post("/notifications/unsubscribe", m.unsubscribe)
	g := r.Group("/notifications", auth.RequireMember)
	g.Get("/", m.list)
	g.Post("/read", m.read)
}

type listView struct {
	web.Page
	Notes []notify.Note
}

func (m *Module) list(c *fiber.Ctx) error {
	notes, err := m.Notes(c.UserContext())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, fiber.StatusOK, "list.html", listView{Page: m.Page(c), Notes: notes})
}

func (m *Module) read(c *fiber.Ctx) error {
	if err := m.MarkRead(c.UserContext()); err != nil {
		return err
	}
	return web.Done(c, "/notifications", m.T(c, "notification.all_read"))
}

type unsubscribeView struct {
	web.Page
	UserID         int64
	Token          string
	Done           bool
	Message, Error string
}

func (m *Module) unsubscribeForm(c *fiber.Ctx) error {
	uid, ok := m.linkOK(c.UserContext(), c.Query("u"), c.Query("t"))
	if !ok {
		return fiber.ErrNotFound
	}
	v := unsubscribeView{Page: m.Page(c), UserID: uid, Token: c.Query("t")}
	return m.Render(c, fiber.StatusOK, "unsubscribe.html", v)
}

// unsubscribe turns the person's e-mails off (profile frequency and every
// community override).
func (m *Module) unsubscribe(c *fiber.Ctx) error {
	uid, ok := m.linkOK(c.UserContext(), c.FormValue("u"), c.FormValue("t"))
	if !ok {
		return fiber.ErrNotFound
	}
	if err := m.Unsubscribe(c.UserContext(), uid); err != nil {
		return err
	}
	v := unsubscribeView{Page: m.Page(c), Done: true}
	v.Message = v.L.T("notification.unsubscribed")
	return m.Render(c, fiber.StatusOK, "unsubscribe.html", v)
}
