// Package notification is the member's side of notifications: the bell
// with the unread count on every page (Count), the list of notifications, the
// unsubscribe link of digest e-mails (which works without signing in), and
// the background jobs that fan events out and send digests (jobs.go).
package notification

import (
	"context"
	"embed"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/profile"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/site"
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
	uid := auth.UserFromContext(c.UserContext()).ID
	v := listView{Page: m.Page(c)}
	err := m.Tx(c.UserContext(), func(ctx context.Context, tx bun.Tx) error {
		var err error
		v.Notes, err = notify.List(ctx, tx, uid, 100)
		return err
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, fiber.StatusOK, "list.html", v)
}

func (m *Module) read(c *fiber.Ctx) error {
	uid := auth.UserFromContext(c.UserContext()).ID
	if err := m.Tx(c.UserContext(), func(ctx context.Context, tx bun.Tx) error { return notify.MarkRead(ctx, tx, uid) }); err != nil {
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

// linkOK checks an unsubscribe link's user and token for this tenant.
func (m *Module) linkOK(c *fiber.Ctx, u, token string) (int64, bool) {
	uid, err := strconv.ParseInt(u, 10, 64)
	t := site.FromContext(c.UserContext())
	return uid, err == nil && notify.CheckUnsubscribe(m.key, t.ID, uid, token)
}

func (m *Module) unsubscribeForm(c *fiber.Ctx) error {
	uid, ok := m.linkOK(c, c.Query("u"), c.Query("t"))
	if !ok {
		return fiber.ErrNotFound
	}
	v := unsubscribeView{Page: m.Page(c), UserID: uid, Token: c.Query("t")}
	return m.Render(c, fiber.StatusOK, "unsubscribe.html", v)
}

// unsubscribe turns the person's e-mails off (profile frequency and every
// community override).
func (m *Module) unsubscribe(c *fiber.Ctx) error {
	uid, ok := m.linkOK(c, c.FormValue("u"), c.FormValue("t"))
	if !ok {
		return fiber.ErrNotFound
	}
	err := m.Tx(c.UserContext(), func(ctx context.Context, tx bun.Tx) error {
		if err := profile.MuteMail(ctx, tx, uid); err != nil {
			return err
		}
		if err := community.ForgetMailOverrides(ctx, tx, uid); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE notifications SET emailed_at = now() WHERE user_id = ? AND emailed_at IS NULL", uid)
		return err
	})
	if err != nil {
		return err
	}
	v := unsubscribeView{Page: m.Page(c), Done: true}
	v.Message = v.L.T("notification.unsubscribed")
	return m.Render(c, fiber.StatusOK, "unsubscribe.html", v)
}
