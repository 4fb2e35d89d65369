package partnership

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// MaxUpload is the largest file the admin page imports (larger exports go
// through `piazza tenant import-partnerships`).
const MaxUpload = 10 << 20

// adminView is the data of the admin page: the import form with the last
// import's summary or problems, and the keyword mapping.
type adminView struct {
	web.Page
	Mappings []Mapping
	Themes   []string
	// Summary is what the import just done did; Problems why the file was
	// refused, translated, each with its position.
	Summary  *Summary
	Problems []string
	// Errors are the forms' fields' problems; Keyword and Theme what the
	// mapping's form held.
	Errors         map[string]string
	Message        string
	Keyword, Theme string
	MaxMB          int
}

// renderAdmin shows the admin page with status and what v holds.
func (m *Module) renderAdmin(c *fiber.Ctx, status int, v adminView) error {
	v.Page, v.Themes, v.MaxMB = m.Page(c), taxonomy.Themes, MaxUpload>>20
	err := m.Kit.Tx(c.UserContext(), func(ctx context.Context, tx bun.Tx) error {
		var err error
		v.Mappings, err = Mappings(ctx, tx)
		return err
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, status, "admin.html", v)
}

func (m *Module) adminPage(c *fiber.Ctx) error { return m.renderAdmin(c, fiber.StatusOK, adminView{}) }

// adminImport imports the uploaded export (a full one when the box is
// ticked) and shows its summary, or why nothing of it was written.
func (m *Module) adminImport(c *fiber.Ctx) error {
	l := m.Shell.I18n.FromContext(c.UserContext())
	fh, err := c.FormFile("file")
	fail := func(key string) error {
		return m.renderAdmin(c, fiber.StatusUnprocessableEntity, adminView{Errors: map[string]string{"file": l.T(key, "Max", MaxUpload>>20)}})
	}
	switch {
	case err != nil || fh.Size == 0:
		return fail("partnership.error.file")
	case fh.Size > MaxUpload:
		return fail("partnership.error.size")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	t, full := tenant.FromContext(c.UserContext()), c.FormValue("full") == "1"
	s, err := Import(c.UserContext(), m.DB, t, f, Options{Full: full}, nil)
	var ps Problems
	if errors.As(err, &ps) {
		v := adminView{Errors: map[string]string{"file": l.T("partnership.import.refused", "Count", len(ps))}}
		for _, p := range ps {
			v.Problems = append(v.Problems, problemText(l, p))
		}
		return m.renderAdmin(c, fiber.StatusUnprocessableEntity, v)
	}
	if err != nil {
		return err
	}
	name := strings.ToValidUTF8(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, fh.Filename), "")
	if err := m.audit(c, "partnership.import", map[string]any{"file": name, "full": full, "created": s.Created,
		"updated": s.Updated, "unchanged": s.Unchanged, "expired": s.Expired}); err != nil {
		return err
	}
	return m.renderAdmin(c, fiber.StatusOK, adminView{Summary: &s})
}

// problemText is p in l's language, with its position.
func problemText(l *i18n.Localizer, p Problem) string {
	at := l.T("partnership.import.at_line", "Line", p.Line)
	switch {
	case p.Index > 0 && p.Reference != "":
		at = l.T("partnership.import.at_profile", "Line", p.Line, "Index", p.Index, "Reference", p.Reference)
	case p.Index > 0:
		at = l.T("partnership.import.at_index", "Line", p.Line, "Index", p.Index)
	}
	return at + " " + l.T("partnership.import.error."+p.Code, "Field", p.Field, "Value", p.Value, "Max", p.Max)
}

// audit records an admin's action in the tenant's audit trail.
func (m *Module) audit(c *fiber.Ctx, action string, detail map[string]any) error {
	if m.record == nil {
		return nil
	}
	return m.record(c, tenant.FromContext(c.UserContext()), action, detail)
}

// keywordAdd adds a row to the keyword mapping.
func (m *Module) keywordAdd(c *fiber.Ctx) error {
	keyword, theme := c.FormValue("keyword"), c.FormValue("theme")
	var added *Mapping
	err := m.Kit.Tx(c.UserContext(), func(ctx context.Context, tx bun.Tx) error {
		var err error
		added, err = AddMapping(ctx, tx, keyword, theme)
		return err
	})
	fe, invalid := form.FieldsOf(err)
	if errors.Is(err, ErrMapped) {
		fe, invalid = form.Errors{"keyword": platform.MessageKey(err)}, true
	}
	if invalid {
		v := adminView{Keyword: keyword, Theme: theme}
		v.Errors = fe.Translate(m.Shell.I18n.FromContext(c.UserContext()).T)
		return m.renderAdmin(c, fiber.StatusUnprocessableEntity, v)
	}
	if err != nil {
		return err
	}
	if err := m.audit(c, "partnership.keyword.add", map[string]any{"keyword": added.Keyword, "theme": added.Theme}); err != nil {
		return err
	}
	return m.renderAdmin(c, fiber.StatusOK, adminView{Message: m.T(c, "partnership.admin.added")})
}

// keywordRemove removes a row of the keyword mapping.
func (m *Module) keywordRemove(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	err := m.Kit.Tx(c.UserContext(), func(ctx context.Context, tx bun.Tx) error { return RemoveMapping(ctx, tx, id) })
	if err != nil {
		return err
	}
	if err := m.audit(c, "partnership.keyword.remove", map[string]any{"id": id}); err != nil {
		return err
	}
	return m.renderAdmin(c, fiber.StatusOK, adminView{Message: m.T(c, "partnership.admin.removed")})
}

// keywordApply gives every profile the themes of its keywords again.
func (m *Module) keywordApply(c *fiber.Ctx) error {
	var n int
	err := m.Kit.Tx(c.UserContext(), func(ctx context.Context, tx bun.Tx) error {
		var err error
		n, err = ApplyMapping(ctx, tx)
		return err
	})
	if err != nil {
		return err
	}
	if err := m.audit(c, "partnership.keyword.apply", map[string]any{"changed": n}); err != nil {
		return err
	}
	return m.renderAdmin(c, fiber.StatusOK, adminView{Message: m.T(c, "partnership.admin.applied", "Count", n)})
}
