package console

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/tenant"
	"github.com/piazza-pa/piazza/tenant/onboard"
)

// signInForm is how the first admin signs in, as the create form holds it.
type signInForm struct {
	// LocalOff is a posted form whose local-account box was left empty
	// (the box is ticked on a fresh form).
	LocalOff                                 bool
	IdPIssuer, IdPClientID, IdPLabel, IdPKey string
}

// readSignIn reads the form's sign-in choice into f.
func (f *createForm) readSignIn(c *fiber.Ctx) onboard.Choice {
	f.LocalOff = c.FormValue("local") != "on"
	f.IdPIssuer, f.IdPClientID = strings.TrimSpace(c.FormValue("idp_issuer")), strings.TrimSpace(c.FormValue("idp_client_id"))
	f.IdPLabel, f.IdPKey = strings.TrimSpace(c.FormValue("idp_label")), strings.TrimSpace(c.FormValue("idp_key"))
	choice := onboard.Choice{Local: !f.LocalOff}
	if f.IdPIssuer != "" || f.IdPClientID != "" {
		choice.IdP = &idp.IdP{Key: f.IdPKey, Label: f.IdPLabel, Issuer: f.IdPIssuer, ClientID: f.IdPClientID,
			ClientSecret: c.FormValue("idp_client_secret")}
	}
	return choice
}

// idpFields are the provider fields named by the IdP store's message keys.
var idpFields = map[string]string{"idp.error.key": "key", "idp.error.label": "label", "idp.error.issuer": "issuer",
	"idp.error.discovery": "issuer", "idp.error.client_id": "client_id", "idp.error.client_secret": "client_secret"}

// createFieldOf is the create form's field an error is about ("" for none).
func createFieldOf(err error) string {
	if f, ok := idpFields[platform.MessageKey(err)]; ok {
		return "idp_" + f
	}
	if errors.Is(err, idp.ErrExists) {
		return "idp_key"
	}
	return tenant.FieldOf(err)
}

// createdText says what was created and how its first admin signs in.
func (m *Module) createdText(c *fiber.Ctx, t *tenant.Tenant, choice onboard.Choice, err error) string {
	msg := m.t(c, "console.created_tenant", "Slug", t.Slug)
	if err != nil {
		return msg + " " + m.t(c, "console.invite_failed", "Email", t.AdminEmail)
	}
	if t.AdminEmail != "" && (choice.Local || choice.IdP == nil) {
		msg += " " + m.t(c, "console.invited", "Email", t.AdminEmail)
	}
	if choice.IdP != nil {
		msg += " " + m.t(c, "console.register_redirect", "URI", m.Onboard.RedirectURI(t, choice.IdP.Key))
	}
	return msg
}

// signInView is a tenant's sign-in methods on its console page.
type signInView struct {
	onboard.Methods
	// Login is the tenant's sign-in page; Redirects the callback of each
	// provider, by key.
	Login     string
	Redirects map[string]string
	// Form is the add-a-provider form, kept on errors.
	Form idp.IdP
}

func (m *Module) signInOf(c *fiber.Ctx, t *tenant.Tenant) (signInView, error) {
	ms, err := m.Onboard.Methods(c.UserContext(), t)
	v := signInView{Methods: ms, Login: m.Onboard.URL(t, "/auth/login"), Redirects: map[string]string{}}
	for _, i := range ms.IdPs {
		v.Redirects[i.Key] = m.Onboard.RedirectURI(t, i.Key)
	}
	return v, err
}

// setLocal turns a tenant's local accounts on or off.
func (m *Module) setLocal(c *fiber.Ctx) error {
	on := c.FormValue("on") == "on"
	return m.signInAction(c, "tenant.local_accounts", map[string]any{"on": on}, func(t *tenant.Tenant) error {
		return m.Onboard.SetLocal(c.UserContext(), t, on)
	})
}

// removeIdP removes a provider of a tenant.
func (m *Module) removeIdP(c *fiber.Ctx) error {
	key := c.Params("key")
	return m.signInAction(c, "tenant.idp_remove", map[string]any{"key": key}, func(t *tenant.Tenant) error {
		return m.Onboard.RemoveIdP(c.UserContext(), t, key)
	})
}

// addIdP adds a provider to a tenant once its discovery document reads.
func (m *Module) addIdP(c *fiber.Ctx) error {
	i := idp.IdP{Key: strings.TrimSpace(c.FormValue("key")), Label: c.FormValue("label"), Issuer: c.FormValue("issuer"),
		ClientID: c.FormValue("client_id"), ClientSecret: c.FormValue("client_secret")}
	slug := c.Params("slug")
	t, err := m.Registry.Get(c.UserContext(), slug)
	if err != nil {
		return err
	}
	err = m.Onboard.AddIdP(c.UserContext(), t, &i)
	if errors.Is(err, platform.ErrInvalid) || errors.Is(err, platform.ErrConflict) {
		i.ClientSecret = ""
		v := view{Errors: map[string]string{"key": m.errText(c, err)}}
		if f, ok := idpFields[platform.MessageKey(err)]; ok {
			v.Errors = map[string]string{f: m.errText(c, err)}
		}
		return m.renderTenantForm(c, fiber.StatusUnprocessableEntity, slug, v, i)
	}
	if err != nil {
		return err
	}
	if err := m.record(c, t, "tenant.idp_add", map[string]any{"key": i.Key, "issuer": i.Issuer}); err != nil {
		return err
	}
	return m.renderTenant(c, fiber.StatusOK, slug, view{Message: m.t(c, "console.register_redirect", "URI", m.Onboard.RedirectURI(t, i.Key))})
}

// signInAction runs change on the tenant of the path and records it, or
// shows why it was refused.
func (m *Module) signInAction(c *fiber.Ctx, action string, detail map[string]any, change func(*tenant.Tenant) error) error {
	slug := c.Params("slug")
	t, err := m.Registry.Get(c.UserContext(), slug)
	if err != nil {
		return err
	}
	err = change(t)
	if errors.Is(err, platform.ErrConflict) || errors.Is(err, platform.ErrNotFound) {
		return m.renderTenant(c, fiber.StatusConflict, slug, view{Error: m.errText(c, err)})
	}
	if err != nil {
		return err
	}
	if err := m.record(c, t, action, detail); err != nil {
		return err
	}
	return m.renderTenant(c, fiber.StatusOK, slug, view{Message: m.t(c, "console.done")})
}
