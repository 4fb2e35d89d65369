package profile

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/directory"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web"
)

type editView struct {
	web.Page
	Profile     *Profile
	Themes      []string
	Tags        []taxonomy.Tag
	Frequencies []string
	Locales     []string
	Validation  bool
	Message     string
	Error       string
	Errors      map[string]string
	// Competencies is the form's text of the competencies.
	Competencies string
}

func (m *Module) editForm(c *fiber.Ctx) error {
	return m.renderEdit(c, fiber.StatusOK, nil, nil)
}

// renderEdit shows the member's own profile form: with the values sent
// (in) and their problems when refused, else as stored.
func (m *Module) renderEdit(c *fiber.Ctx, status int, in *Profile, errs form.Errors) error {
	v := editView{Page: m.Page(c), Themes: taxonomy.Themes, Frequencies: Frequencies, Locales: i18n.Supported}
	if c.Query("done") != "" && errs == nil {
		v.Message = v.L.T("profile.saved")
	}
	var err error
	if v.Profile, v.Tags, v.Validation, err = m.Own(c.UserContext()); err != nil {
		return err
	}
	if in != nil {
		in.State, in.HasPhoto, in.UserID = v.Profile.State, v.Profile.HasPhoto, v.Profile.UserID
		v.Profile = in
	}
	v.Competencies = strings.Join(v.Profile.Competencies, ", ")
	if errs != nil {
		v.Errors = errs.Translate(v.L.T)
	}
	return m.Render(c, status, "edit.html", v)
}

func (m *Module) save(c *fiber.Ctx) error {
	in := &Profile{Name: strings.Join(strings.Fields(c.FormValue("name")), " "), Bio: strings.TrimSpace(c.FormValue("bio")),
		Themes: taxonomy.KnownThemes(form.Values(c, "themes")), NotifyFrequency: c.FormValue("notify_frequency"), Locale: c.FormValue("locale"),
		ContactOff: c.FormValue("contact_off") != ""}
	in.Tags = form.IDs(form.Values(c, "tags"))
	errs := form.Errors{}
	in.Competencies = directory.Competencies(c.FormValue("competencies"), errs, "profile.error.competency")
	if n := len([]rune(in.Name)); n < 2 || n > 120 {
		errs.Add("name", "profile.error.name")
	}
	if len([]rune(in.Bio)) > 2000 {
		errs.Add("bio", "profile.error.bio")
	}
	if !slices.Contains(Frequencies, in.NotifyFrequency) {
		errs.Add("notify_frequency", "profile.error.frequency")
	}
	if in.Locale != "" && !slices.Contains(i18n.Supported, in.Locale) {
		errs.Add("locale", "profile.error.locale")
	}
	if len(errs) > 0 {
		return m.renderEdit(c, fiber.StatusUnprocessableEntity, in, errs)
	}
	if err := m.Save(c.UserContext(), in); err != nil {
		return err
	}
	return redirect.To(c, "/profile?done=1")
}

// submit sends the member's own profile to the facilitators.
func (m *Module) submit(c *fiber.Ctx) error {
	if err := m.Submit(c.UserContext()); err != nil {
		return err
	}
	return redirect.To(c, "/profile?done=1")
}
