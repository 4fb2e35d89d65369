package content

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"maps"
	"net/url"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/richtext"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/platform/workflow"
)

// Entry is a content type's model seen by the kit: a pointer to a struct
// that embeds Base.
type Entry[T any] interface {
	*T
	Content() *Base
}

// Deps are what a content type's module needs from the process.
type Deps struct {
	DB      *bun.DB
	Shell   *web.Shell
	PageFor func(c *fiber.Ctx, site string) web.Page
	// Dispatch tells people of what was published (nil: the notification
	// schedule picks the events up later).
	Dispatch notify.Dispatcher
}

// Rules are the decisions the kit applies but does not make: who the
// request's viewer is, what a member may do to an item (the tenant's roles
// and the member's community roles), where they may publish, and the
// tenant's name for the dispatcher. The communities module supplies them.
type Rules struct {
	Viewer     func(ctx context.Context, contentType string) scope.Viewer
	Guard      func(ctx context.Context, tx bun.IDB, contentType string, s scope.Scope, author, uid int64) (workflow.Guard, error)
	CheckScope func(ctx context.Context, tx bun.IDB, contentType string, s *scope.Scope, uid int64, errs form.Errors) error
	Slug       func(ctx context.Context) string
}

// Type is what makes a content type different from the others.
type Type[T any, P Entry[T]] struct {
	// Name is the content type in the workflow, the authorisation objects
	// and the comment and attachment routes; Key prefixes its messages
	// (Key.nav, Key.done, Key.kind, Key.task.validate, Key.error.title…).
	Name, Key string
	// Table and Alias name its table in queries; Path is its pages' root.
	Table, Alias, Path string
	// NotFound is an item that does not exist or the viewer may not see.
	NotFound error
	// Select is the query of the items v may see into dst, with the
	// type's columns; Visible adds what v may see to a query on the table
	// (the scope rules, and any of the type's own). Both write the
	// viewer's values through v.P (v.P.Arg): reading an item goes
	// prepared, its text the same for every viewer.
	Select  SelectFunc
	Visible func(q *bun.SelectQuery, v scope.Viewer) *bun.SelectQuery
	// ListSelect (nil: Select) is Select with only the columns a row of
	// the list's pages shows, without the body (those of the API and of
	// the item's page read them all).
	ListSelect SelectFunc
	// SearchText is the SQL of the plain text search snippets are cut
	// from, SearchHTML that of the rich text (sanitised HTML, cut as
	// stored) which follows it.
	SearchText, SearchHTML string
	// SearchNewest (empty: the publication's date, newest first) is the
	// SQL of the order in which search takes an item's most recent
	// matches: an index's order, so that a common word reads a window of
	// rows rather than all its matches.
	SearchNewest string
	// Open says whether p takes new comments; MayEdit whether uid (a
	// member) may edit p and attach files to it, given what they may do.
	Open    func(p P) bool
	MayEdit func(p P, uid int64, may workflow.Guard) bool
	// Summary is p's line on a community's page (nil: none).
	Summary func(p P) string
	// Kinds are the scopes the form offers.
	Kinds []string
	// Parse reads an item from the form and checks it (see FromForm);
	// nil: members write no items of the type (they are imported), and
	// its pages have no form of a new item. Check checks it against the
	// database before it is written (nil: nothing more than its scope).
	Parse func(c *fiber.Ctx) (P, form.Errors)
	Check func(ctx context.Context, tx bun.IDB, p P, uid int64, errs form.Errors) error
	// Update saves an edited item; nil: items are not edited after creation.
	Update func(ctx context.Context, tx bun.IDB, p P) error
	// Detail is the type's part of an item's page, Choices of its form
	// (nil: none).
	Detail  func(ctx context.Context, tx bun.IDB, v scope.Viewer, p P) (any, error)
	Choices func(ctx context.Context, tx bun.IDB, p P, uid int64) (any, error)
	// Funcs are the type's own template functions.
	Funcs template.FuncMap
	// Filter reads the list's filters from its request: the values its
	// pages keep on their links and the condition they add to the list's
	// query (nil: a list without filters).
	Filter func(c *fiber.Ctx) (keep url.Values, where Where)
	// Published is told of item id just published, in the publishing
	// transaction (nil: nothing more to do); what must wait for the commit
	// it leaves to AfterCommit.
	Published func(ctx context.Context, tx bun.IDB, id int64) error
}

// Where narrows a query of a type's items (nil: it does not).
type Where func(q *bun.SelectQuery) *bun.SelectQuery

// Kit is a content type's shared machinery, on the page skeleton every
// module's pages share (platform/screen).
type Kit[T any, P Entry[T]] struct {
	Type[T, P]
	Deps
	Rules
	screen.Kit
}

// fields are the partials of form fields every type's pages may call: an
// input with its label and error (FormView.Input), and the fields of the
// common part of an item.
//
//go:embed templates/fields.html
var fields embed.FS

// New parses the type's pages (templates/*.html of templates: list.html,
// show.html, form.html) with the form fields' partials and the list's
// pager (keyset-pager, on ListView.Pager) and returns its
// kit; messages are the type's message files.
func New[T any, P Entry[T]](t Type[T, P], d Deps, r Rules, templates, messages fs.FS) (*Kit[T, P], error) {
	funcs := template.FuncMap{
		"rich":  richtext.HTML,
		"hasID": func(l []int64, id int64) bool { return slices.Contains(l, id) },
	}
	maps.Copy(funcs, t.Funcs)
	sk, err := screen.New(screen.Deps{DB: d.DB, Shell: d.Shell, PageFor: d.PageFor}, templates, messages, funcs,
		screen.Partial{FS: fields, Pattern: "templates/fields.html"}, screen.Partial{FS: keyset.Partials, Pattern: keyset.Pattern})
	if err != nil {
		return nil, err
	}
	return &Kit[T, P]{Type: t, Deps: d, Rules: r, Kit: sk}, nil
}

// ContentType names the type's items in comment and attachment routes.
func (k *Kit[T, P]) ContentType() string { return k.Name }

// Section is the type's place in the navigation.
func (k *Kit[T, P]) Section() web.Section {
	return web.Section{Key: k.Key, Label: k.Key + ".nav", Path: k.Path}
}

// URL is the address of item id's page.
func (k *Kit[T, P]) URL(id int64) string { return k.Path + "/" + strconv.FormatInt(id, 10) }

// Item is p's name in the workflow.
func (k *Kit[T, P]) Item(p P) workflow.Item {
	return workflow.Item{Type: k.Name, Table: k.Table, ID: p.Content().ID}
}

// ViewerOf is the request's principal as a viewer of the type.
func (k *Kit[T, P]) ViewerOf(ctx context.Context) scope.Viewer { return k.Viewer(ctx, k.Name) }

// ViewerAs is the request's viewer of the type, seen as uid (0: a guest),
// for the collectors, which name the member.
func (k *Kit[T, P]) ViewerAs(ctx context.Context, uid int64) scope.Viewer {
	v := k.Viewer(ctx, k.Name)
	v.UserID = uid
	return v
}

// GuardOf decides the permissions of uid on p.
func (k *Kit[T, P]) GuardOf(ctx context.Context, tx bun.IDB, p P, uid int64) (workflow.Guard, error) {
	b := p.Content()
	return k.Guard(ctx, tx, k.Name, b.Scope, b.Author(), uid)
}

// Acting loads item id for the member acting on it: the item (if they see
// it), who they are, and what they may do to it.
func (k *Kit[T, P]) Acting(ctx context.Context, tx bun.IDB, id int64) (P, scope.Viewer, workflow.Guard, error) {
	v := k.ViewerOf(ctx)
	p, err := k.Get(ctx, tx, v, id)
	if err != nil {
		return nil, v, nil, err
	}
	may, err := k.GuardOf(ctx, tx, p, v.UserID)
	return p, v, may, err
}
