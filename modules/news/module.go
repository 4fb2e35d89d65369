// Package news is the news module and the first content type on the shared
// machinery: each item has a publication scope (platform/scope, enforced in
// its queries), a workflow (platform/workflow: draft → to validate →
// published → archived, direct publication for whoever may) whose
// permissions are checked on the item's objects, combining the tenant's
// roles with the author's community roles.
package news

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/auth"
	platformcomment "github.com/piazza-pa/piazza/platform/comment"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/richtext"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/platform/workflow"
	"github.com/piazza-pa/piazza/tenant"
)

//go:embed templates/*.html
var templates embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Messages are the module's message files, for the site's bundle.
func (m *Module) Messages() fs.FS { return Messages }

// ContentType names the module's items in comment and attachment routes.
func (m *Module) ContentType() string { return ContentType }

// Deps are what the module needs.
type Deps struct {
	DB      *bun.DB
	Shell   *web.Shell
	PageFor func(c *fiber.Ctx, site string) web.Page
	// Dispatch tells people of what was published (nil: the notification
	// schedule picks the events up later).
	Dispatch notify.Dispatcher
}

// withOutbox prepares the request to announce what it publishes.
func withOutbox(c *fiber.Ctx) func() []int64 {
	ctx, sent := notify.WithOutbox(c.UserContext())
	c.SetUserContext(ctx)
	return sent
}

// dispatch queues the fan-out of the events a committed request recorded.
func (m *Module) dispatch(c *fiber.Ctx, ids []int64) {
	notify.DispatchAll(c.UserContext(), m.Dispatch, tenant.FromContext(c.UserContext()).Slug, ids)
}

// Module is the news module.
type Module struct {
	Deps
	pages map[string]*template.Template
}

// New parses the module's pages.
func New(d Deps) (*Module, error) {
	pages, err := d.Shell.Pages(templates, "templates/*.html", template.FuncMap{
		"rich": richtext.HTML,
		"localTime": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.In(i18n.Zone).Format("2006-01-02T15:04")
		},
		"hasString": func(l []string, s string) bool { return slices.Contains(l, s) },
		"hasID":     func(l []int64, id int64) bool { return slices.Contains(l, id) },
	})
	if err != nil {
		return nil, err
	}
	return &Module{Deps: d, pages: pages}, nil
}

// Section is the module's place in the navigation.
func (m *Module) Section() web.Section {
	return web.Section{Key: "news", Label: "news.nav", Path: "/news"}
}

// Routes registers the module: reading is open to guests (public items
// only), writing to members.
func (m *Module) Routes(r fiber.Router) {
	g := r.Group("/news")
	g.Get("/", m.list)
	g.Get("/new", auth.RequireMember, m.newForm)
	g.Post("/", auth.RequireMember, m.create)
	g.Get("/:id<int>", m.show)
	g.Get("/:id<int>/edit", auth.RequireMember, m.editForm)
	g.Post("/:id<int>/edit", auth.RequireMember, m.save)
	g.Post("/:id<int>/do/:action", auth.RequireMember, m.transition)
}

func (m *Module) tx(c *fiber.Ctx, fn func(ctx context.Context, tx bun.Tx) error) error {
	return tenant.Tx(c.UserContext(), m.DB, fn)
}

func (m *Module) page(c *fiber.Ctx) web.Page {
	return m.PageFor(c, tenant.FromContext(c.UserContext()).Name)
}

// viewerOf is the request's principal as a viewer of news.
func viewerOf(ctx context.Context) scope.Viewer { return community.ContentViewer(ctx, ContentType) }

// guard decides the permissions of uid on n (see community.Guard).
func guard(ctx context.Context, tx bun.IDB, n *News, uid int64) (workflow.Guard, error) {
	return community.Guard(ctx, tx, ContentType, n.Scope, n.Author(), uid)
}

// CommunityItems lists a community's news for its page (community.ContentSource).
func (m *Module) CommunityItems(ctx context.Context, tx bun.IDB, id, uid int64, limit int) ([]community.Item, error) {
	v := viewerOf(ctx)
	v.UserID = uid
	ns, err := OfCommunity(ctx, tx, v, id, limit)
	out := make([]community.Item, 0, len(ns))
	for _, n := range ns {
		out = append(out, community.Item{Type: ContentType, Title: n.Title, URL: "/news/" + strconv.FormatInt(n.ID, 10),
			Summary: n.Summary, State: n.State, At: n.When()})
	}
	return out, err
}

type listView struct {
	web.Page
	News   []News
	Member bool
}

func (m *Module) list(c *fiber.Ctx) error {
	v := listView{Page: m.page(c), Member: auth.UserFromContext(c.UserContext()) != nil}
	err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		var err error
		v.News, err = List(ctx, tx, viewerOf(ctx), 100)
		return err
	})
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, m.pages["list.html"], v)
}

type showView struct {
	web.Page
	News           *News
	Comments       platformcomment.Thread
	Files          attachment.Box
	Related        []News
	Actions        []workflow.Transition
	History        []workflow.Step
	Edit           bool
	Message, Error string
}

func (m *Module) show(c *fiber.Ctx) error { return m.renderShow(c, fiber.StatusOK, "") }

// ShowItem shows the page of the item of the request's :id with status
// (web.ItemPage).
func (m *Module) ShowItem(c *fiber.Ctx, status int) error { return m.renderShow(c, status, "") }

func (m *Module) renderShow(c *fiber.Ctx, status int, errText string) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	v := showView{Page: m.page(c), Error: errText}
	if k := web.Outcome(c.Query("done"), "news.done"); k != "" && errText == "" {
		v.Message = v.L.T(k)
	}
	err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		var err error
		vw := viewerOf(ctx)
		if v.News, err = Get(ctx, tx, vw, id); err != nil {
			return err
		}
		for _, rid := range v.News.Related {
			if r, err := Get(ctx, tx, vw, rid); err == nil {
				v.Related = append(v.Related, *r)
			}
		}
		files, err := attachment.List(ctx, tx, ContentType, v.News.ID)
		if err != nil {
			return err
		}
		v.Files = attachment.Box{Type: ContentType, ItemID: v.News.ID, Files: files}
		if vw.UserID == 0 {
			v.Comments, err = thread(ctx, tx, v.News, 0, nil)
			return err
		}
		may, err := guard(ctx, tx, v.News, vw.UserID)
		if err != nil {
			return err
		}
		v.Edit = mayEdit(v.News, vw.UserID, may)
		v.Files.Upload = v.Edit
		if v.Actions, err = workflow.Available(ctx, tx, ContentType, v.News.State, may); err != nil {
			return err
		}
		if v.News.Author() == vw.UserID || may("validate") || may("publish") {
			if v.History, err = workflow.History(ctx, tx, v.News.Item()); err != nil {
				return err
			}
		}
		v.Comments, err = thread(ctx, tx, v.News, vw.UserID, may)
		return err
	})
	if err != nil {
		return err
	}
	v.Comments.L, v.Comments.CSRF = v.L, v.CSRF
	v.Comments.Refused(c)
	v.Files.L, v.Files.CSRF = v.L, v.CSRF
	v.Files.Refused(c)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, status, m.pages["show.html"], v)
}

// mayEdit: the author edits their draft; who may publish edits at any time.
func mayEdit(n *News, uid int64, may workflow.Guard) bool {
	return (n.Author() == uid && n.State == workflow.Draft) || may("publish")
}

// transition takes a workflow action on an item the member sees.
func (m *Module) transition(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	sent := withOutbox(c)
	err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		vw := viewerOf(ctx)
		n, err := Get(ctx, tx, vw, id)
		if err != nil {
			return err
		}
		may, err := guard(ctx, tx, n, vw.UserID)
		if err != nil {
			return err
		}
		tr, err := workflow.Apply(ctx, tx, n.Item(), c.Params("action"), vw.UserID, strings.TrimSpace(c.FormValue("note")), may)
		if err != nil {
			return err
		}
		if tr.To == workflow.Published {
			return published(ctx, tx, n.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	m.dispatch(c, sent())
	return web.Done(c, "/news/"+strconv.FormatInt(id, 10)+"?done=1", m.Shell.I18n.FromContext(c.UserContext()).T("news.done"))
}
