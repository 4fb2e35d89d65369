package community

import (
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web"
)

type listView struct {
	web.Page
	Communities []Community
	Themes      []string
	Theme       string
	Mine        bool
	// Pager links the next page and the first, with the filters.
	Pager keyset.Pager
}

// list shows a page of the communities, by name: the first, or the one
// after the cursor ?after= (404 for a cursor no page of the list wrote).
func (m *Module) list(c *fiber.Ctx) error {
	v := listView{Page: m.Page(c), Themes: taxonomy.Themes, Theme: c.Query("theme"), Mine: c.Query("mine") != ""}
	after := c.Query("after")
	cur, err := keyset.Decode(list, after)
	if err != nil {
		return err
	}
	var next string
	if v.Communities, next, err = m.List(c.UserContext(), Filter{Theme: v.Theme, Mine: v.Mine}, cur); err != nil {
		return err
	}
	keep := url.Values{"theme": {v.Theme}}
	if v.Mine {
		keep.Set("mine", "1")
	}
	v.Pager = keyset.Links(v.L, "community.list", "/communities", keep, after, next)
	return m.Render(c, fiber.StatusOK, "list.html", v)
}

type formView struct {
	web.Page
	Community  Community
	Kinds      []string
	Themes     []string
	Parent     *Community
	Validation bool
	Errors     map[string]string
}

func (m *Module) newForm(c *fiber.Ctx) error {
	v := formView{Community: Community{Kind: Open}}
	if err := m.prepareForm(c, &v, c.QueryInt("parent")); err != nil {
		return err
	}
	return m.Render(c, fiber.StatusOK, "form.html", v)
}

// prepareForm fills the form's choices and the parent community, which
// only its managers may extend.
func (m *Module) prepareForm(c *fiber.Ctx, v *formView, parent int) error {
	v.Page, v.Kinds, v.Themes = m.Page(c), Kinds, taxonomy.Themes
	var err error
	v.Validation, v.Parent, err = m.Extending(c.UserContext(), int64(parent))
	return err
}

func (m *Module) create(c *fiber.Ctx) error {
	in := Community{Name: strings.Join(strings.Fields(c.FormValue("name")), " "),
		Description: strings.TrimSpace(c.FormValue("description")), Kind: c.FormValue("kind"), Themes: themesOf(c)}
	v := formView{Community: in}
	if err := m.prepareForm(c, &v, formInt(c, "parent")); err != nil {
		return err
	}
	errs := form.Errors{}
	if n := len([]rune(in.Name)); n < 2 || n > 120 {
		errs.Add("name", "community.error.name")
	}
	if !slices.Contains(Kinds, in.Kind) {
		errs.Add("kind", "community.error.kind")
	}
	if len([]rune(in.Description)) > 4000 {
		errs.Add("description", "community.error.description")
	}
	if len(errs) > 0 {
		v.Errors = errs.Translate(m.Shell.I18n.FromContext(c.UserContext()).T)
		return m.Render(c, fiber.StatusUnprocessableEntity, "form.html", v)
	}
	if v.Parent != nil {
		in.ParentID = &v.Parent.ID
	}
	if err := m.Create(c.UserContext(), &in); err != nil {
		return err
	}
	return m.back(c, in.ID, "created")
}
