package brand

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
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
}

func (m *Module) render(c *fiber.Ctx, status int, v formView) error {
	t := tenant.FromContext(c.UserContext())
	v.Page = m.PageFor(c, t.Name)
	v.HasDraft = t.Brand.Draft != nil
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
	if fh, err := c.FormFile("logo"); err == nil && fh.Size > 0 {
		sha, err := m.storeImage(c, t, fh)
		if err != nil {
			return m.render(c, fiber.StatusUnprocessableEntity, formView{Error: m.t(c, "brand.bad_image"), Primary: primary})
		}
		look.Logo = sha
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
