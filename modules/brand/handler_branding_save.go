package brand

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/theme"
	"github.com/piazza-pa/piazza/tenant"
)

// refusal is a part of the branding form refused: the sentence shown
// above the form and the id of the field it is about ("" for none).
type refusal struct{ msg, field string }

// reader reads one part of the branding form into the look being edited,
// or refuses it.
type reader func(c *fiber.Ctx, look *tenant.Look) *refusal

// save reads the form into the look being edited, part by part, and keeps
// it as the draft; the first part refused is told with the form as typed.
func (m *Module) save(c *fiber.Ctx) error {
	t := tenant.FromContext(c.UserContext())
	look := t.Brand.Editing()
	for _, read := range []reader{m.readName, m.readPrimary, m.readImages, m.readLanguages, m.readLinks, m.readModules, m.readIntro} {
		if r := read(c, &look); r != nil {
			return m.render(c, fiber.StatusUnprocessableEntity, m.typed(c, r))
		}
	}
	if err := m.keepDraft(c, t, look, "brand.draft", map[string]any{"primary": look.Primary, "logo": look.Logo}); err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, formView{Message: m.t(c, "brand.saved")})
}

// typed is the form refused for r, with what was typed in it.
func (m *Module) typed(c *fiber.Ctx, r *refusal) formView {
	v := formView{Error: r.msg, Primary: strings.TrimSpace(c.FormValue("primary")),
		HeaderText: c.FormValue("header_links"), FooterText: c.FormValue("footer_links"), Intro: typedIntro(c)}
	if r.field != "" {
		v.Errors = map[string]string{r.field: r.msg}
	}
	return v
}

// keepDraft saves look as the tenant's draft, records action in the audit
// trail and puts the tenant as it now is in the request's context.
func (m *Module) keepDraft(c *fiber.Ctx, t *tenant.Tenant, look tenant.Look, action string, detail map[string]any) error {
	if err := m.Registry.SaveDraft(c.UserContext(), t.ID, look); err != nil {
		return err
	}
	if err := m.Record(c, t, action, detail); err != nil {
		return err
	}
	return m.reload(c, t)
}

// reload puts the tenant, read again, in the request's context.
func (m *Module) reload(c *fiber.Ctx, t *tenant.Tenant) error {
	t2, err := m.Registry.Get(c.UserContext(), t.Slug)
	if err != nil {
		return err
	}
	c.SetUserContext(tenant.NewContext(c.UserContext(), t2))
	return nil
}

// readName takes the site's name, when given: 200 characters at most,
// no control characters.
func (m *Module) readName(c *fiber.Ctx, look *tenant.Look) *refusal {
	name := strings.TrimSpace(c.FormValue("name"))
	if name == "" {
		return nil
	}
	if len([]rune(name)) > 200 || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 }) {
		return &refusal{msg: m.t(c, "error.invalid.text"), field: "name"}
	}
	look.Name = name
	return nil
}

// readPrimary takes the primary colour, when given, if white text on it
// passes WCAG AA (else the refusal suggests a darker one).
func (m *Module) readPrimary(c *fiber.Ctx, look *tenant.Look) *refusal {
	primary := strings.TrimSpace(c.FormValue("primary"))
	if primary == "" {
		return nil
	}
	col, err := theme.ParseHex(primary)
	if err == nil {
		err = theme.CheckPrimary(col)
	}
	var ce *theme.ContrastError
	switch {
	case errors.As(err, &ce):
		return &refusal{msg: m.t(c, "brand.contrast", "Color", ce.Color.Hex(), "Ratio", fmt.Sprintf("%.2f", ce.Ratio), "Suggestion", ce.Suggestion.Hex()), field: "primary"}
	case err != nil:
		return &refusal{msg: m.t(c, platform.MessageKey(err)), field: "primary"}
	}
	look.Primary = col.Hex()
	return nil
}

// readImages stores the logo and the favicon, when sent.
func (m *Module) readImages(c *fiber.Ctx, look *tenant.Look) *refusal {
	t := tenant.FromContext(c.UserContext())
	for _, field := range []string{"logo", "favicon"} {
		fh, err := c.FormFile(field)
		if err != nil || fh.Size == 0 {
			continue
		}
		sha, err := m.storeImage(c, t, fh)
		if err != nil {
			return &refusal{msg: m.t(c, "brand.bad_image"), field: field}
		}
		if field == "logo" {
			look.Logo = sha
		} else {
			look.Favicon = sha
		}
	}
	return nil
}

// readLanguages takes the site's languages and its default, when sent.
func (m *Module) readLanguages(c *fiber.Ctx, look *tenant.Look) *refusal {
	langs := form.Values(c, "languages")
	if len(langs) == 0 {
		return nil
	}
	look.Languages, look.Language = langs, c.FormValue("language")
	if !validLanguages(look.Languages, look.Language) {
		return &refusal{msg: m.t(c, "brand.bad_languages"), field: "language"}
	}
	return nil
}

// readLinks takes the header's and the footer's links.
func (m *Module) readLinks(c *fiber.Ctx, look *tenant.Look) *refusal {
	hl, errH := parseLinks(c.FormValue("header_links"))
	fl, errF := parseLinks(c.FormValue("footer_links"))
	switch {
	case errH != nil:
		return &refusal{msg: m.t(c, "brand.bad_links"), field: "header_links"}
	case errF != nil:
		return &refusal{msg: m.t(c, "brand.bad_links"), field: "footer_links"}
	}
	look.HeaderLinks, look.FooterLinks = hl, fl
	return nil
}

// readModules takes the modules left on, when the form lists them.
func (m *Module) readModules(c *fiber.Ctx, look *tenant.Look) *refusal {
	if len(m.Sections) == 0 || c.FormValue("modules_form") != "1" {
		return nil
	}
	on := form.Values(c, "modules")
	plan := tenant.FromContext(c.UserContext()).Plan
	look.Off = nil
	for _, s := range m.Sections {
		switch {
		case !slices.Contains(on, s.Key):
			look.Off = append(look.Off, s.Key)
		case !plan.AllowsModule(s.Key):
			return &refusal{msg: m.t(c, "quota.error.module") + " (" + m.t(c, s.Label) + ")", field: "modules"}
		}
	}
	return nil
}
