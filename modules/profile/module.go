// Package profile is the members' profiles: interests (the S3 themes and
// the tenant's tags), competencies, affiliations, photo, language and how
// often they want news; a person's page (with their communities,
// organisations and latest contributions, which the modules owning them
// list) and the member directory with filters; messages between members,
// written from a person's page without either learning the other's e-mail
// address; and, when the tenant wants it, validation of profiles by a
// facilitator (draft → to validate → validated / not validated).
package profile

import (
	"context"
	"embed"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/mail"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/setting"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// parts are the templates several pages call (a message's field).
//
//go:embed parts/*.html
var parts embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Deps are what the module needs: its pages', and the mail sender and the
// sites' scheme to tell people of the messages they receive.
type Deps struct {
	DB      *bun.DB
	Shell   *web.Shell
	PageFor func(c *fiber.Ctx, site string) web.Page
	Mail    mail.Sender
	Scheme  string
}

// Module is the profiles module.
type Module struct {
	screen.Kit
	mail   mail.Sender
	scheme string
	// shelves are the other modules' parts of a person's page (Collect).
	shelves []shelf
}

// New parses the module's pages.
func New(d Deps) (*Module, error) {
	k, err := screen.New(screen.Deps{DB: d.DB, Shell: d.Shell, PageFor: d.PageFor}, templates, Messages, template.FuncMap{
		"hasTheme": func(list []string, s string) bool { return slices.Contains(list, s) },
		"hasTag":   func(list []int64, id int64) bool { return slices.Contains(list, id) },
		"join":     strings.Join,
		"lines":    func(s string) []string { return strings.Split(s, "\n") },
		"excerpt":  excerpt,
	}, screen.Partial{FS: parts, Pattern: "parts/*.html"}, screen.Partial{FS: keyset.Partials, Pattern: keyset.Pattern})
	if err != nil {
		return nil, err
	}
	return &Module{Kit: k, mail: d.Mail, scheme: d.Scheme}, nil
}

// Section is the module's place in the navigation.
func (m *Module) Section() web.Section {
	return web.Section{Key: "profile", Label: "profile.nav", Path: "/people"}
}

// Routes registers the directory, the profile pages and the member's own
// profile, for signed-in members.
func (m *Module) Routes(r fiber.Router) {
	p := r.Group("/people", auth.RequireMember)
	p.Get("/", m.directory)
	p.Get("/:id<int>", m.show)
	p.Get("/:id<int>/photo", m.photo)
	p.Post("/:id<int>/contact", m.contact)
	p.Post("/:id<int>/validate", m.decide(Validated))
	p.Post("/:id<int>/reject", m.decide(NotValidated))
	o := r.Group("/profile", auth.RequireMember)
	o.Get("/", m.editForm)
	o.Post("/", m.save)
	o.Post("/photo", m.savePhoto)
	o.Post("/submit", m.submit)
	o.Get("/messages", m.messages)
	o.Get("/messages/:id<int>", m.message)
	o.Post("/messages/:id<int>/reply", m.reply)
}

// viewer reads who is looking and whether the tenant validates profiles.
func viewer(ctx context.Context, tx bun.IDB) (Viewer, error) {
	u := auth.UserFromContext(ctx)
	on, err := setting.Bool(ctx, tx, setting.ProfileValidation)
	return Viewer{UserID: u.ID, Validation: on, Facilitator: authz.Can(ctx, "profile/member", "validate")}, err
}

type directoryView struct {
	web.Page
	Profiles    []Profile
	Themes      []string
	Filter      Filter
	Facilitator bool
	Validation  bool
	States      []string
	// Pager links the next page and the first, with the filters.
	Pager keyset.Pager
}

// directory shows a page of the directory, by name: the first, or the one
// after the cursor ?after= (404 for a cursor no page of it wrote).
func (m *Module) directory(c *fiber.Ctx) error {
	v := directoryView{Page: m.Page(c), Themes: taxonomy.Themes, States: []string{ToValidate, Validated, NotValidated, Draft},
		Filter: Filter{Query: strings.TrimSpace(c.Query("q")), Theme: c.Query("theme"), Competency: strings.TrimSpace(c.Query("competency")), State: c.Query("state")}}
	after := c.Query("after")
	cur, err := keyset.Decode(list, after)
	if err != nil {
		return err
	}
	vw, ps, next, err := m.Directory(c.UserContext(), v.Filter, cur)
	v.Facilitator, v.Validation, v.Profiles = vw.Facilitator, vw.Validation, ps
	if err != nil {
		return err
	}
	keep := url.Values{"q": {v.Filter.Query}, "theme": {v.Filter.Theme}, "competency": {v.Filter.Competency}, "state": {v.Filter.State}}
	v.Pager = keyset.Links(v.L, "profile.list", "/people", keep, after, next)
	return m.Render(c, fiber.StatusOK, "directory.html", v)
}

// tagsOf returns the tags of ids, with their paths.
func tagsOf(ctx context.Context, tx bun.IDB, ids []int64) ([]taxonomy.Tag, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	all, err := taxonomy.Tags(ctx, tx)
	var out []taxonomy.Tag
	for _, t := range all {
		if slices.Contains(ids, t.ID) {
			out = append(out, t)
		}
	}
	return out, err
}

// photo serves a member's photo to those who may see the profile.
func (m *Module) photo(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	b, typ, err := m.Photo(c.UserContext(), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, typ)
	c.Set(fiber.HeaderCacheControl, "private, max-age=300")
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Send(b)
}

// decide is a facilitator's decision on a profile waiting for validation.
func (m *Module) decide(state string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id := screen.ParamID(c, "id")
		if err := m.Decide(c.UserContext(), id, state); err != nil {
			return err
		}
		return web.Done(c, "/people/"+strconv.FormatInt(id, 10)+"?done=1", m.T(c, "profile.done"))
	}
}

// ErrNotWaiting is a decision on a profile that is not waiting for one.
var ErrNotWaiting = platform.NewKeyedError(platform.ErrConflict, "profile.error.not_waiting", "this profile is not waiting for validation")

// maxPhoto is the largest photo accepted.
const maxPhoto = 1 << 20

// photoTypes are the photo formats accepted, as the bytes show them.
var photoTypes = []string{"image/png", "image/jpeg", "image/webp"}

func (m *Module) savePhoto(c *fiber.Ctx) error {
	fh, err := c.FormFile("photo")
	errs := form.Errors{}
	var b []byte
	switch {
	case err != nil:
		errs.Add("photo", "profile.error.photo_missing")
	case fh.Size > maxPhoto:
		errs.Add("photo", "profile.error.photo_size")
	default:
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		if b, err = io.ReadAll(io.LimitReader(f, maxPhoto)); err != nil {
			return err
		}
		if !slices.Contains(photoTypes, http.DetectContentType(b)) {
			errs.Add("photo", "profile.error.photo_type")
		}
	}
	if len(errs) > 0 {
		return m.renderEdit(c, fiber.StatusUnprocessableEntity, nil, errs)
	}
	if err := m.SetPhoto(c.UserContext(), b, http.DetectContentType(b)); err != nil {
		return err
	}
	return redirect.To(c, "/profile?done=1")
}
