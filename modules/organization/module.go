// Package organization is the organisations module: legal data (VAT number
// and fiscal code checked by their Italian rules), competencies and themes,
// the people who work there (linked by their request or by invitation, with
// approval), the directory and the organisation's page, and validation by a
// facilitator when the tenant wants it. An organisation is also a
// publication scope.
package organization

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/membership"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/setting"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Deps are what the module needs.
type Deps = screen.Deps

// Module is the organisations module.
type Module struct{ screen.Kit }

// New parses the module's pages.
func New(d Deps) (*Module, error) {
	k, err := screen.New(d, templates, Messages, template.FuncMap{"contains": slices.Contains[[]string], "join": strings.Join, "dict": dict},
		screen.Partial{FS: keyset.Partials, Pattern: keyset.Pattern})
	if err != nil {
		return nil, err
	}
	return &Module{Kit: k}, nil
}

// Section is the module's place in the navigation.
func (m *Module) Section() web.Section {
	return web.Section{Key: "organization", Label: "organization.nav", Path: "/organizations"}
}

// Routes registers the module, for signed-in members.
func (m *Module) Routes(r fiber.Router) {
	g := r.Group("/organizations", auth.RequireMember)
	g.Get("/", m.list)
	g.Get("/new", m.newForm)
	g.Post("/", m.create)
	g.Get("/:id<int>", m.show)
	g.Get("/:id<int>/edit", m.editForm)
	g.Post("/:id<int>/edit", m.save)
	g.Post("/:id<int>/join", m.join)
	g.Post("/:id<int>/leave", m.leave)
	g.Post("/:id<int>/accept", m.answer(true))
	g.Post("/:id<int>/decline", m.answer(false))
	g.Post("/:id<int>/invite", m.invite)
	g.Get("/:id<int>/candidates", m.candidates)
	g.Post("/:id<int>/people/:uid<int>/:action", m.decide)
	g.Post("/:id<int>/validate", m.validate(Validated))
	g.Post("/:id<int>/reject", m.validate(NotValidated))
}

func viewer(ctx context.Context, tx bun.IDB) (Viewer, error) {
	on, err := setting.Bool(ctx, tx, setting.OrganizationValidation)
	return Viewer{UserID: auth.UserFromContext(ctx).ID, Validation: on,
		Facilitator: authz.Can(ctx, "organization/any", "validate")}, err
}

func (m *Module) back(c *fiber.Ctx, id int64, flash string) error {
	u := "/organizations/" + strconv.FormatInt(id, 10)
	key := "organization.done.saved"
	if flash != "" {
		key = "organization.done." + flash
	}
	return web.Done(c, membership.Back(u, flash), m.T(c, key))
}

type listView struct {
	web.Page
	Organizations []Organization
	Themes        []string
	Filter        Filter
	Facilitator   bool
	Validation    bool
	States        []string
	// Pager links the next page and the first, with the filters.
	Pager keyset.Pager
}

// list shows a page of the organisations, by name: the first, or the one
// after the cursor ?after= (404 for a cursor no page of the list wrote).
func (m *Module) list(c *fiber.Ctx) error {
	v := listView{Page: m.Page(c), Themes: taxonomy.Themes, States: []string{ToValidate, Validated, NotValidated},
		Filter: Filter{Query: strings.TrimSpace(c.Query("q")), Theme: c.Query("theme"), State: c.Query("state")}}
	after := c.Query("after")
	cur, err := keyset.Decode(list, after)
	if err != nil {
		return err
	}
	vw, orgs, next, err := m.List(c.UserContext(), v.Filter, cur)
	v.Facilitator, v.Validation, v.Organizations = vw.Facilitator, vw.Validation, orgs
	if err != nil {
		return err
	}
	keep := url.Values{"q": {v.Filter.Query}, "theme": {v.Filter.Theme}, "state": {v.Filter.State}}
	v.Pager = keyset.Links(v.L, "organization.list", "/organizations", keep, after, next)
	return m.Render(c, fiber.StatusOK, "list.html", v)
}

type formView struct {
	web.Page
	Org        *Organization
	Themes     []string
	LegalForms []string
	Validation bool
	Action     string
	Errors     map[string]string
	Error      string
	Message    string
	// Competencies is the form's text of the competencies.
	Competencies string
}

func (m *Module) renderForm(c *fiber.Ctx, status int, o *Organization, action string, errs form.Errors) error {
	v := formView{Page: m.Page(c), Org: o, Themes: taxonomy.Themes, LegalForms: LegalForms, Action: action,
		Competencies: strings.Join(o.Competencies, ", ")}
	if errs != nil {
		v.Errors = errs.Translate(v.L.T)
	}
	var err error
	if v.Validation, err = m.Validation(c.UserContext()); err != nil {
		return err
	}
	return m.Render(c, status, "form.html", v)
}

func (m *Module) newForm(c *fiber.Ctx) error {
	return m.renderForm(c, fiber.StatusOK, &Organization{}, "/organizations", nil)
}

func (m *Module) create(c *fiber.Ctx) error {
	o, errs := fromForm(c)
	if len(errs) > 0 {
		return m.renderForm(c, fiber.StatusUnprocessableEntity, o, "/organizations", errs)
	}
	err := m.Create(c.UserContext(), o)
	if errors.Is(err, ErrVATTaken) {
		return m.renderForm(c, fiber.StatusUnprocessableEntity, o, "/organizations", form.Errors{"vat_number": "organization.error.vat_taken"})
	}
	if err != nil {
		return err
	}
	return m.back(c, o.ID, "created")
}

func (m *Module) editForm(c *fiber.Ctx) error {
	var org *Organization
	if err := m.referent(c.UserContext(), screen.ParamID(c, "id"), func(_ context.Context, _ bun.Tx, o *Organization) error { org = o; return nil }); err != nil {
		return err
	}
	return m.renderForm(c, fiber.StatusOK, org, "/organizations/"+strconv.FormatInt(org.ID, 10)+"/edit", nil)
}

func (m *Module) save(c *fiber.Ctx) error {
	in, errs := fromForm(c)
	action := "/organizations/" + c.Params("id") + "/edit"
	in.ID = screen.ParamID(c, "id")
	err := m.Save(c.UserContext(), in, errs)
	if errors.Is(err, ErrVATTaken) {
		errs.Add("vat_number", "organization.error.vat_taken")
		err = errs.Err()
	}
	if fe, ok := form.FieldsOf(err); ok {
		return m.renderForm(c, fiber.StatusUnprocessableEntity, in, action, fe)
	}
	if err != nil {
		return err
	}
	return m.back(c, in.ID, "saved")
}

// dict makes a map of pairs, for a template calling a partial with several
// values.
func dict(kv ...any) map[string]any {
	out := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			out[k] = kv[i+1]
		}
	}
	return out
}
