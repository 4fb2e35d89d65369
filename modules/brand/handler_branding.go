package brand

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

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
	// Intro is the introduction's text by language, as typed or stored;
	// IntroLanguages are the languages it is written in (the look's).
	Intro          map[string]string
	IntroLanguages []string
	// Errors are the problems by field id (for the error summary).
	Errors map[string]string
	// Plan is the tenant's plan (the modules it allows).
	Plan *tenant.Plan
}

// IsOn says whether the form's look keeps a module on.
func (v formView) IsOn(key string) bool {
	return !slices.Contains(v.Look.Off, key) && v.Plan.AllowsModule(key)
}

// InPlan says whether the tenant's plan lets the module be switched on.
func (v formView) InPlan(key string) bool { return v.Plan.AllowsModule(key) }

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
	v.Look = t.Brand.Editing()
	v.AllLanguages = i18n.Supported
	v.Sections, v.Plan = m.Sections, t.Plan
	v.IntroLanguages = introLanguages(v.Look)
	typed := v.Intro
	v.Intro = maps.Clone(v.Look.Intro)
	if v.Intro == nil {
		v.Intro = map[string]string{}
	}
	maps.Copy(v.Intro, typed)
	if v.HeaderText == "" && v.FooterText == "" {
		v.HeaderText, v.FooterText = formatLinks(v.Look.HeaderLinks), formatLinks(v.Look.FooterLinks)
	}
	if v.Primary == "" {
		v.Primary = v.Look.Primary
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, status, m.pages["branding.html"], v)
}

func (m *Module) t(c *fiber.Ctx, key string, args ...any) string {
	return m.Shell.I18n.FromContext(c.UserContext()).T(key, args...)
}

func (m *Module) form(c *fiber.Ctx) error { return m.render(c, fiber.StatusOK, formView{}) }

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
	if err := m.reload(c, t); err != nil {
		return err
	}
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
