package admin

import (
	"context"
	"errors"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/federation"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// Federation reads and changes a tenant's OpenID Federation settings
// (platform/federation): its authority hints, the trust marks it holds and
// the contacts its entity configuration publishes.
type Federation struct {
	Settings func(ctx context.Context, tenantID int64) (*federation.Settings, error)
	Save     func(ctx context.Context, s *federation.Settings) error
	// CheckTrustMark checks a trust mark's signature with its issuer's
	// keys and returns the issuer (federation.Resolver.CheckTrustMark).
	CheckTrustMark func(ctx context.Context, jwt string) (string, error)
}

// maxTrustMark bounds the size of a trust mark pasted.
const maxTrustMark = 16 << 10

type federationView struct {
	web.Page
	Error, Message string
	Errors         map[string]string
	EntityID       string
	Hints          string
	Contacts       string
	Marks          []federation.TrustMark
	Mark           string
}

func (m *Module) federationPage(c *fiber.Ctx) error {
	return m.renderFederation(c, fiber.StatusOK, "", nil, false)
}

// renderFederation shows the settings, with errs under their fields (and
// the values posted kept when posted).
func (m *Module) renderFederation(c *fiber.Ctx, status int, msg string, errs map[string]string, posted bool) error {
	if m.Federation == nil {
		return fiber.ErrNotFound
	}
	t := tenant.FromContext(c.UserContext())
	s, err := m.Federation.Settings(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	v := federationView{Page: m.PageFor(c, t.Name), Message: msg, Errors: errs, EntityID: entityID(t, m.Scheme),
		Hints: strings.Join(s.AuthorityHints, "\n"), Contacts: strings.Join(s.Contacts, "\n"), Marks: s.TrustMarks}
	if posted {
		v.Hints, v.Contacts, v.Mark = c.FormValue("authority_hints", v.Hints), c.FormValue("contacts", v.Contacts), c.FormValue("trust_mark")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, status, "federation.html", v)
}

// entityID is t's entity id in the federation (federation.Tenant.EntityID).
func entityID(t *tenant.Tenant, scheme string) string {
	return federation.Tenant{Hosts: t.Hosts}.EntityID(scheme)
}

// saveFederation replaces the authority hints and the contacts.
func (m *Module) saveFederation(c *fiber.Ctx) error {
	if m.Federation == nil {
		return fiber.ErrNotFound
	}
	ctx, t := c.UserContext(), tenant.FromContext(c.UserContext())
	l := m.Shell.I18n.FromContext(ctx)
	hints, contacts := form.List(c.FormValue("authority_hints"), 100), form.List(c.FormValue("contacts"), 100)
	errs := map[string]string{}
	for i, h := range hints {
		id, err := federation.CheckEntityID(h)
		if err != nil {
			errs["authority_hints"] = l.T("admin.federation.error.hint", "Value", h)
			break
		}
		hints[i] = id
	}
	for _, a := range contacts {
		if p, err := mail.ParseAddress(a); err != nil || p.Address != a {
			errs["contacts"] = l.T("admin.federation.error.contact", "Value", a)
			break
		}
	}
	for field, n := range map[string]int{"authority_hints": len(hints), "contacts": len(contacts)} {
		if n > 10 && errs[field] == "" {
			errs[field] = l.T("admin.federation.error.too_many")
		}
	}
	if len(errs) > 0 {
		return m.renderFederation(c, fiber.StatusUnprocessableEntity, "", errs, true)
	}
	s, err := m.Federation.Settings(ctx, t.ID)
	if err != nil {
		return err
	}
	s.AuthorityHints, s.Contacts = hints, contacts
	if err := m.Federation.Save(ctx, s); err != nil {
		return err
	}
	return m.federationDone(c, "federation.settings", map[string]any{"authority_hints": s.AuthorityHints, "contacts": len(s.Contacts)}, "admin.done")
}

// federationDone records the action and shows the settings with msgKey.
func (m *Module) federationDone(c *fiber.Ctx, action string, detail map[string]any, msgKey string, args ...any) error {
	if err := m.Record(c, tenant.FromContext(c.UserContext()), action, detail); err != nil {
		return err
	}
	return m.renderFederation(c, fiber.StatusOK, m.Shell.I18n.FromContext(c.UserContext()).T(msgKey, args...), nil, false)
}

// addTrustMark adds a trust mark issued to the tenant (replacing one of
// the same type): issued to its entity id, not expired, and signed by its
// issuer when the issuer can be reached.
func (m *Module) addTrustMark(c *fiber.Ctx) error {
	if m.Federation == nil {
		return fiber.ErrNotFound
	}
	ctx, t := c.UserContext(), tenant.FromContext(c.UserContext())
	l := m.Shell.I18n.FromContext(ctx)
	raw := strings.TrimSpace(c.FormValue("trust_mark"))
	refuse := func(key string, args ...any) error {
		return m.renderFederation(c, fiber.StatusUnprocessableEntity, "", map[string]string{"trust_mark": l.T(key, args...)}, true)
	}
	if raw == "" {
		return refuse("admin.federation.error.mark_required")
	}
	if len(raw) > maxTrustMark {
		return refuse("admin.federation.error.mark_malformed")
	}
	id := entityID(t, m.Scheme)
	mark, err := federation.ParseTrustMark(raw, id, time.Now())
	issuer, checked := "", false
	if err == nil {
		issuer, err = m.Federation.CheckTrustMark(ctx, mark.JWT)
		checked = err == nil
		if errors.Is(err, federation.ErrIssuerUnreachable) {
			err = nil
		}
	}
	var bad *federation.TrustMarkError
	if errors.As(err, &bad) {
		return refuse("admin.federation.error.mark_"+bad.Kind, "EntityID", id, "Issuer", issuer, "Reason", bad.Msg)
	}
	if err != nil {
		return err
	}
	s, err := m.Federation.Settings(ctx, t.ID)
	if err != nil {
		return err
	}
	s.TrustMarks = slices.DeleteFunc(s.TrustMarks, func(x federation.TrustMark) bool { return x.Type == mark.Type })
	if len(s.TrustMarks) >= 10 {
		return refuse("admin.federation.error.too_many")
	}
	s.TrustMarks = append(s.TrustMarks, mark)
	if err := m.Federation.Save(ctx, s); err != nil {
		return err
	}
	msg := "admin.federation.mark_added"
	if !checked {
		msg = "admin.federation.mark_added_unchecked"
	}
	return m.federationDone(c, "federation.trust_mark.add", map[string]any{"type": mark.Type, "issuer": issuer, "signature_checked": checked},
		msg, "Type", mark.Type, "Issuer", issuer)
}

// removeTrustMark removes the trust mark of the type given (404 when the
// tenant holds none of it).
func (m *Module) removeTrustMark(c *fiber.Ctx) error {
	if m.Federation == nil {
		return fiber.ErrNotFound
	}
	ctx, t := c.UserContext(), tenant.FromContext(c.UserContext())
	typ := c.FormValue("type")
	s, err := m.Federation.Settings(ctx, t.ID)
	if err != nil {
		return err
	}
	n := len(s.TrustMarks)
	s.TrustMarks = slices.DeleteFunc(s.TrustMarks, func(x federation.TrustMark) bool { return x.Type == typ })
	if typ == "" || len(s.TrustMarks) == n {
		return fiber.ErrNotFound
	}
	if err := m.Federation.Save(ctx, s); err != nil {
		return err
	}
	return m.federationDone(c, "federation.trust_mark.remove", map[string]any{"type": typ}, "admin.done")
}
