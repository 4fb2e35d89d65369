package brand

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/theme"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// maxImage is the largest logo accepted.
const maxImage = 256 << 10

type formView struct {
	web.Page
	Error, Message, Primary string
	HasDraft                bool
	Look                    tenant.Look
	AllLanguages            []string
	HeaderText, FooterText  string
	Sections                []web.Section
}

// IsOn says whether the form's look keeps a module on.
func (v formView) IsOn(key string) bool { return !slices.Contains(v.Look.Off, key) }

// HasLanguage says whether the form's look enables lang.
func (v formView) HasLanguage(lang string) bool {
	if len(v.Look.Languages) == 0 {
		return true
	}
	for _, l := range v.Look.Languages {
		if l == lang {
			return true
		}
	}
	return false
}

func (m *Module) render(c *fiber.Ctx, status int, v formView) error {
	t := tenant.FromContext(c.UserContext())
	v.Page = m.PageFor(c, t.Name)
	v.HasDraft = t.Brand.Draft != nil
	v.Look = t.Brand.Published
	if t.Brand.Draft != nil {
		v.Look = *t.Brand.Draft
	}
	v.AllLanguages = i18n.Supported
	v.Sections = m.Sections
	if v.HeaderText == "" && v.FooterText == "" {
		v.HeaderText, v.FooterText = formatLinks(v.Look.HeaderLinks), formatLinks(v.Look.FooterLinks)
	}
	if v.Primary == "" {
		v.Primary = t.Brand.Published.Primary
		if t.Brand.Draft != nil {
			v.Primary = t.Brand.Draft.Primary
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, status, m.pages["branding.html"], v)
}

func (m *Module) t(c *fiber.Ctx, key string, args ...any) string {
	return m.Shell.I18n.FromContext(c.UserContext()).T(key, args...)
}

func (m *Module) form(c *fiber.Ctx) error { return m.render(c, fiber.StatusOK, formView{}) }

// save checks the colour and the logo and keeps them as the draft.
func (m *Module) save(c *fiber.Ctx) error {
	t := tenant.FromContext(c.UserContext())
	look := t.Brand.Published
	if t.Brand.Draft != nil {
		look = *t.Brand.Draft
	}
	if name := strings.TrimSpace(c.FormValue("name")); name != "" {
		if len([]rune(name)) > 200 || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 }) {
			return m.render(c, fiber.StatusUnprocessableEntity, formView{Error: m.t(c, "error.invalid.text")})
		}
		look.Name = name
	}
	primary := strings.TrimSpace(c.FormValue("primary"))
	if primary != "" {
		col, err := theme.ParseHex(primary)
		if err == nil {
			err = theme.CheckPrimary(col)
		}
		var ce *theme.ContrastError
		switch {
		case errors.As(err, &ce):
			msg := m.t(c, "brand.contrast", "Color", ce.Color.Hex(), "Ratio", fmt.Sprintf("%.2f", ce.Ratio), "Suggestion", ce.Suggestion.Hex())
			return m.render(c, fiber.StatusUnprocessableEntity, formView{Error: msg, Primary: primary})
		case err != nil:
			return m.render(c, fiber.StatusUnprocessableEntity, formView{Error: m.t(c, platform.MessageKey(err)), Primary: primary})
		}
		look.Primary = col.Hex()
	}
	for _, field := range []string{"logo", "favicon"} {
		if fh, err := c.FormFile(field); err == nil && fh.Size > 0 {
			sha, err := m.storeImage(c, t, fh)
			if err != nil {
				return m.render(c, fiber.StatusUnprocessableEntity, formView{Error: m.t(c, "brand.bad_image"), Primary: primary})
			}
			if field == "logo" {
				look.Logo = sha
			} else {
				look.Favicon = sha
			}
		}
	}
	if langs := form.Values(c, "languages"); len(langs) > 0 {
		look.Languages, look.Language = langs, c.FormValue("language")
		if !validLanguages(look.Languages, look.Language) {
			return m.render(c, fiber.StatusUnprocessableEntity, formView{Error: m.t(c, "brand.bad_languages"), Primary: primary})
		}
	}
	hl, errH := parseLinks(c.FormValue("header_links"))
	fl, errF := parseLinks(c.FormValue("footer_links"))
	if errH != nil || errF != nil {
		return m.render(c, fiber.StatusUnprocessableEntity, formView{Error: m.t(c, "brand.bad_links"), Primary: primary,
			HeaderText: c.FormValue("header_links"), FooterText: c.FormValue("footer_links")})
	}
	look.HeaderLinks, look.FooterLinks = hl, fl
	if len(m.Sections) > 0 && c.FormValue("modules_form") == "1" {
		on := form.Values(c, "modules")
		look.Off = nil
		for _, s := range m.Sections {
			if !slices.Contains(on, s.Key) {
				look.Off = append(look.Off, s.Key)
			}
		}
	}
	if err := m.Registry.SaveDraft(c.UserContext(), t.ID, look); err != nil {
		return err
	}
	if err := m.Record(c, t, "brand.draft", map[string]any{"primary": look.Primary, "logo": look.Logo}); err != nil {
		return err
	}
	t2, err := m.Registry.Get(c.UserContext(), t.Slug)
	if err != nil {
		return err
	}
	c.SetUserContext(tenant.NewContext(c.UserContext(), t2))
	return m.render(c, fiber.StatusOK, formView{Message: m.t(c, "brand.saved")})
}

// storeImage checks that the bytes are what the browser declared (PNG,
// JPEG, or SVG, which is sanitised) and stores them.
func (m *Module) storeImage(c *fiber.Ctx, t *tenant.Tenant, fh *multipart.FileHeader) (string, error) {
	declared := fh.Header.Get("Content-Type")
	if fh.Size > maxImage {
		return "", errors.New("too large")
	}
	f, err := fh.Open()
	if err != nil {
		return "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxImage+1))
	if err != nil || len(data) > maxImage {
		return "", errors.New("too large")
	}
	sniffed := http.DetectContentType(data)
	switch {
	case declared == "image/png" && sniffed == "image/png", declared == "image/jpeg" && sniffed == "image/jpeg":
	case declared == "image/svg+xml" && (strings.HasPrefix(sniffed, "text/xml") || strings.HasPrefix(sniffed, "text/plain")):
		if data, err = theme.SanitizeSVG(data); err != nil {
			return "", err
		}
	default:
		return "", fmt.Errorf("declared %s, content %s", declared, sniffed)
	}
	return m.Registry.PutAsset(c.UserContext(), t.ID, declared, data)
}

// publish makes the draft the site's look for everyone, on every replica.
func (m *Module) publish(c *fiber.Ctx) error {
	t := tenant.FromContext(c.UserContext())
	if err := m.Registry.Publish(c.UserContext(), t.ID); err != nil {
		return err
	}
	if err := m.Record(c, t, "brand.publish", nil); err != nil {
		return err
	}
	t2, err := m.Registry.Get(c.UserContext(), t.Slug)
	if err != nil {
		return err
	}
	c.SetUserContext(tenant.NewContext(c.UserContext(), t2))
	return m.render(c, fiber.StatusOK, formView{Message: m.t(c, "brand.published")})
}

// parseLinks reads "Label | address" lines: addresses are https:// (or
// http://) URLs or paths of the site.
func parseLinks(s string) ([]tenant.Link, error) {
	var links []tenant.Link
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		label, addr, ok := strings.Cut(line, "|")
		label, addr = strings.TrimSpace(label), strings.TrimSpace(addr)
		u, err := url.Parse(addr)
		switch {
		case !ok || label == "" || len(label) > 60 || err != nil || len(links) == 8:
			return nil, errors.New("bad link")
		case u.Scheme == "https" || u.Scheme == "http":
			if u.Host == "" {
				return nil, errors.New("bad link")
			}
		case u.Scheme == "" && u.Host == "" && strings.HasPrefix(addr, "/") && !strings.HasPrefix(addr, "//"):
		default:
			return nil, errors.New("bad link")
		}
		links = append(links, tenant.Link{Label: label, URL: addr})
	}
	return links, nil
}

func formatLinks(ls []tenant.Link) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.Label + " | " + l.URL + "\n")
	}
	return b.String()
}

func validLanguages(enabled []string, def string) bool {
	okDef := false
	for _, l := range enabled {
		known := false
		for _, s := range i18n.Supported {
			known = known || s == l
		}
		if !known {
			return false
		}
		okDef = okDef || l == def
	}
	return len(enabled) > 0 && okDef
}
