// Package discussion is discussions: topics with threaded replies (the
// replies are comments), scoped and validated through the shared machinery,
// closed and reopened by their author or those who may publish them.
package discussion

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/comment"
	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/file"
	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	platformcomment "github.com/piazza-pa/piazza/platform/comment"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/richtext"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/taxonomy"
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
	// Dispatch tells people of what was published (nil: later, by the schedule).
	Dispatch notify.Dispatcher
}

// announcing runs fn in a tenant transaction and dispatches the events it
// recorded once committed.
func (m *Module) announcing(c *fiber.Ctx, fn func(ctx context.Context, tx bun.Tx) error) error {
	ctx, sent := notify.WithOutbox(c.UserContext())
	if err := tenant.Tx(ctx, m.DB, fn); err != nil {
		return err
	}
	notify.DispatchAll(ctx, m.Dispatch, tenant.FromContext(ctx).Slug, sent())
	return nil
}

// Module is the discussions module.
type Module struct {
	Deps
	pages map[string]*template.Template
}

// New parses the module's pages.
func New(d Deps) (*Module, error) {
	pages, err := d.Shell.Pages(templates, "templates/*.html", template.FuncMap{
		"rich":  richtext.HTML,
		"hasID": func(l []int64, id int64) bool { return slices.Contains(l, id) },
	})
	if err != nil {
		return nil, err
	}
	return &Module{Deps: d, pages: pages}, nil
}

// Section is the module's place in the navigation.
func (m *Module) Section() web.Section {
	return web.Section{Key: "discussion", Label: "discussion.nav", Path: "/discussions"}
}

// Routes registers the module: reading open to guests (public topics).
func (m *Module) Routes(r fiber.Router) {
	g := r.Group("/discussions")
	g.Get("/", m.list)
	g.Get("/new", auth.RequireMember, m.newForm)
	g.Post("/", auth.RequireMember, m.create)
	g.Get("/:id<int>", m.show)
	g.Post("/:id<int>/do/:action", auth.RequireMember, m.transition)
	g.Post("/:id<int>/close", auth.RequireMember, m.setClosed(true))
	g.Post("/:id<int>/reopen", auth.RequireMember, m.setClosed(false))
}

func (m *Module) tx(c *fiber.Ctx, fn func(ctx context.Context, tx bun.Tx) error) error {
	return tenant.Tx(c.UserContext(), m.DB, fn)
}

func (m *Module) page(c *fiber.Ctx) web.Page {
	return m.PageFor(c, tenant.FromContext(c.UserContext()).Name)
}

func viewerOf(ctx context.Context) scope.Viewer { return community.ContentViewer(ctx, ContentType) }

func guard(ctx context.Context, tx bun.IDB, t *Topic, uid int64) (workflow.Guard, error) {
	return community.Guard(ctx, tx, ContentType, t.Scope, t.Author(), uid)
}

type listView struct {
	web.Page
	Topics []Topic
	Member bool
}

func (m *Module) list(c *fiber.Ctx) error {
	v := listView{Page: m.page(c), Member: auth.UserFromContext(c.UserContext()) != nil}
	err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		var err error
		v.Topics, err = List(ctx, tx, viewerOf(ctx), 0, 100)
		return err
	})
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, m.pages["list.html"], v)
}

type showView struct {
	web.Page
	Topic          *Topic
	Actions        []workflow.Transition
	Comments       platformcomment.Thread
	Files          attachment.Box
	CanClose       bool
	Message, Error string
}

func (m *Module) show(c *fiber.Ctx) error { return m.ShowItem(c, fiber.StatusOK) }

// ShowItem shows the page of the topic of the request's :id with status
// (web.ItemPage).
func (m *Module) ShowItem(c *fiber.Ctx, status int) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	v := showView{Page: m.page(c)}
	if k := web.Outcome(c.Query("done"), "discussion.done"); k != "" {
		v.Message = v.L.T(k)
	}
	err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		vw := viewerOf(ctx)
		var err error
		if v.Topic, err = Get(ctx, tx, vw, id); err != nil {
			return err
		}
		var may workflow.Guard = func(string) bool { return false }
		if vw.UserID > 0 {
			if may, err = guard(ctx, tx, v.Topic, vw.UserID); err != nil {
				return err
			}
			if v.Actions, err = workflow.Available(ctx, tx, ContentType, v.Topic.State, may); err != nil {
				return err
			}
		}
		v.CanClose = vw.UserID > 0 && v.Topic.State == workflow.Published && (v.Topic.Author() == vw.UserID || may("publish"))
		files, err := attachment.List(ctx, tx, ContentType, v.Topic.ID)
		if err != nil {
			return err
		}
		v.Files = attachment.Box{L: v.L, CSRF: v.CSRF, Type: ContentType, ItemID: v.Topic.ID, Files: files,
			Upload: vw.UserID > 0 && (v.Topic.Author() == vw.UserID || may("publish"))}
		moderate := vw.UserID > 0 && may("validate")
		cs, err := platformcomment.List(ctx, tx, ContentType, v.Topic.ID, vw.UserID, moderate)
		v.Comments = platformcomment.Thread{L: v.L, CSRF: v.CSRF, Type: ContentType, ItemID: v.Topic.ID, Comments: cs,
			Open: v.Topic.State == workflow.Published && !v.Topic.Closed, Member: vw.UserID > 0, Moderate: moderate, Viewer: vw.UserID}
		v.Comments.Refused(c)
		v.Files.Refused(c)
		return err
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, status, m.pages["show.html"], v)
}

// FileTarget is a topic for attachments: its author and those who may
// publish it attach files.
func (m *Module) FileTarget(ctx context.Context, tx bun.IDB, id, uid int64) (file.Item, error) {
	v := viewerOf(ctx)
	v.UserID = uid
	t, err := Get(ctx, tx, v, id)
	if err != nil {
		return file.Item{}, err
	}
	item := file.Item{URL: "/discussions/" + strconv.FormatInt(t.ID, 10)}
	if uid > 0 {
		may, err := guard(ctx, tx, t, uid)
		if err != nil {
			return item, err
		}
		item.Upload = t.Author() == uid || may("publish")
	}
	return item, nil
}

// CommentTarget is a topic for its replies: open while published and not
// closed, moderated by those who validate it.
func (m *Module) CommentTarget(ctx context.Context, tx bun.IDB, id, uid int64) (comment.Item, error) {
	v := viewerOf(ctx)
	v.UserID = uid
	t, err := Get(ctx, tx, v, id)
	if err != nil {
		return comment.Item{}, err
	}
	may, err := guard(ctx, tx, t, uid)
	if err != nil {
		return comment.Item{}, err
	}
	return comment.Item{Title: t.Title, URL: "/discussions/" + strconv.FormatInt(t.ID, 10),
		Open: t.State == workflow.Published && !t.Closed, Moderate: may("validate")}, nil
}

// acting loads topic id for the member acting on it: the topic (if they
// see it), who they are, and what they may do to it.
func acting(ctx context.Context, tx bun.IDB, id int64) (*Topic, scope.Viewer, workflow.Guard, error) {
	vw := viewerOf(ctx)
	t, err := Get(ctx, tx, vw, id)
	if err != nil {
		return nil, vw, nil, err
	}
	may, err := guard(ctx, tx, t, vw.UserID)
	return t, vw, may, err
}

func (m *Module) transition(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	err := m.announcing(c, func(ctx context.Context, tx bun.Tx) error {
		t, vw, may, err := acting(ctx, tx, id)
		if err != nil {
			return err
		}
		tr, err := workflow.Apply(ctx, tx, t.Item(), c.Params("action"), vw.UserID, strings.TrimSpace(c.FormValue("note")), may)
		if err == nil && tr.To == workflow.Published {
			err = published(ctx, tx, id)
		}
		return err
	})
	if err != nil {
		return err
	}
	return web.Done(c, "/discussions/"+c.Params("id")+"?done=1", m.Shell.I18n.FromContext(c.UserContext()).T("discussion.done"))
}

// setClosed closes or reopens a topic to new replies.
func (m *Module) setClosed(closed bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
		err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
			t, vw, may, err := acting(ctx, tx, id)
			if err != nil {
				return err
			}
			if t.State != workflow.Published || (t.Author() != vw.UserID && !may("publish")) {
				return authz.ErrForbidden
			}
			_, err = tx.NewUpdate().Table("discussions").Set("closed = ?, updated_at = now()", closed).Where("id = ?", id).Exec(ctx)
			return err
		})
		if err != nil {
			return err
		}
		return redirect.To(c, "/discussions/"+c.Params("id")+"?done=1")
	}
}

type formView struct {
	web.Page
	Topic       *Topic
	Kinds       []string
	Themes      []string
	Communities []community.Community
	Languages   []string
	Publish     bool
	Errors      map[string]string
	Error       string
	Message     string
}

func (m *Module) renderForm(c *fiber.Ctx, status int, t *Topic, errs form.Errors) error {
	v := formView{Page: m.page(c), Topic: t, Kinds: []string{scope.Tenant, scope.Interests, scope.Communities}, Themes: taxonomy.Themes, Languages: i18n.Supported}
	if errs != nil {
		v.Errors = errs.Translate(v.L.T)
	}
	uid := auth.UserFromContext(c.UserContext()).ID
	err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if v.Communities, err = community.Joined(ctx, tx, uid); err != nil {
			return err
		}
		may, err := guard(ctx, tx, t, uid)
		v.Publish = err == nil && may("publish")
		return err
	})
	if err != nil {
		return err
	}
	return web.Render(c, status, m.pages["form.html"], v)
}

func (m *Module) newForm(c *fiber.Ctx) error {
	t := &Topic{Base: content.Base{Language: m.Shell.I18n.FromContext(c.UserContext()).Lang, Scope: scope.ForNew(c)}}
	return m.renderForm(c, fiber.StatusOK, t, nil)
}

func (m *Module) create(c *fiber.Ctx) error {
	uid := auth.UserFromContext(c.UserContext()).ID
	t := &Topic{Base: content.Base{Title: strings.Join(strings.Fields(c.FormValue("title")), " "), Body: richtext.Sanitize(c.FormValue("body")),
		Language: c.FormValue("language"), State: workflow.Draft, AuthorID: &uid,
		Scope: scope.FromForm(c)}}
	errs := form.Errors{}
	if l := len([]rune(t.Title)); l < 3 || l > 200 {
		errs.Add("title", "discussion.error.title")
	}
	if len(t.Body) > 100000 {
		errs.Add("body", "discussion.error.body")
	}
	if !slices.Contains(i18n.Supported, t.Language) {
		errs.Add("language", "discussion.error.language")
	}
	t.Scope.Check(errs)
	t.Scope.Lists()
	action := c.FormValue("action")
	err := m.announcing(c, func(ctx context.Context, tx bun.Tx) error {
		if err := community.CheckScope(ctx, tx, ContentType, &t.Scope, uid, errs); err != nil {
			return err
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if err := insert(ctx, tx, t); err != nil {
			return err
		}
		if err := workflow.Record(ctx, tx, t.Item(), "create", "", workflow.Draft, uid, ""); err != nil {
			return err
		}
		if action != "submit" && action != "publish" {
			return nil
		}
		may, err := guard(ctx, tx, t, uid)
		if err != nil {
			return err
		}
		tr, err := workflow.Apply(ctx, tx, t.Item(), action, uid, "", may)
		if err == nil && tr.To == workflow.Published {
			err = published(ctx, tx, t.ID)
		}
		return err
	})
	if fe, ok := form.FieldsOf(err); ok {
		return m.renderForm(c, fiber.StatusUnprocessableEntity, t, fe)
	}
	if err != nil {
		return err
	}
	return redirect.To(c, "/discussions/"+strconv.FormatInt(t.ID, 10)+"?done=1")
}
