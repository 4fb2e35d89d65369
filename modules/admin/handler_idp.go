package admin

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

type idpView struct {
	web.Page
	Error   string
	Message string
	IdP     idp.IdP
	Editing bool
	// Errors are the fields' problems, by field id.
	Errors   map[string]string
	Redirect string
}

// idpField is one field of the form: its id (also its name and the last
// part of its message keys), its input type or options, its value and
// its problem.
type idpField struct {
	L                   *i18n.Localizer
	ID, Kind, Value     string
	Error               string
	Options             []string
	Required, Read, Off bool
}

// Input is a text field of the form; flags are "required", "readonly"
// and "secret" (never filled in by the browser).
func (v idpView) Input(id, kind, value string, flags ...string) idpField {
	f := idpField{L: v.L, ID: id, Kind: kind, Value: value, Error: v.Errors[id]}
	for _, fl := range flags {
		f.Required = f.Required || fl == "required"
		f.Read = f.Read || fl == "readonly" && v.Editing
		f.Off = f.Off || fl == "secret"
	}
	return f
}

// Select is a choice of the form among options (each named by the message
// admin.idp.<id>.<option>).
func (v idpView) Select(id, value string, options ...string) idpField {
	return idpField{L: v.L, ID: id, Value: value, Error: v.Errors[id], Options: options}
}

// idpFields are the form's fields named by the IdP store's message keys.
var idpFields = map[string]string{"idp.error.key": "key", "idp.error.label": "label", "idp.error.kind": "kind",
	"idp.error.issuer": "issuer", "idp.error.client_id": "client_id", "idp.error.client_secret": "client_secret",
	"idp.error.client_authentication": "client_auth", "idp.error.scopes": "scopes", "idp.error.acr_values": "acr",
	"idp.error.link_by": "link_by", "idp.error.client_authentication_eid": "client_auth", "idp.error.scopes_spid": "scopes",
	"idp.error.scopes_cie": "scopes", "idp.error.acr_values_eid": "acr", "idp.error.claims": "claims", "idp.error.prompt": "prompt",
	"idp.error.prompt_eid": "prompt", "idp.error.entity_id": "entity_id"}

func (m *Module) renderIdP(c *fiber.Ctx, status int, i idp.IdP, editing bool, err error) error {
	t := tenant.FromContext(c.UserContext())
	key := i.Key
	if key == "" {
		key = "<key>"
	}
	v := idpView{Page: m.PageFor(c, t.Name), IdP: i, Editing: editing,
		Redirect: tenant.SiteURL(c, m.Scheme, "/auth/oidc/"+key+"/callback")}
	var chain *idp.ChainError
	switch f, ok := idpFields[platform.MessageKey(err)]; {
	case errors.As(err, &chain):
		v.Errors = map[string]string{"entity_id": m.ErrText(c, err)}
	case errors.Is(err, idp.ErrExists):
		v.Errors = map[string]string{"key": m.T(c, "admin.error.idp_exists")}
	case ok:
		v.Errors = map[string]string{f: m.ErrText(c, err)}
	case err != nil:
		v.Error = m.ErrText(c, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, status, "idp.html", v)
}

func (m *Module) newIdP(c *fiber.Ctx) error {
	return m.renderIdP(c, fiber.StatusOK, idp.IdP{Kind: "generic", ClientAuth: idp.AuthBasic, LinkBy: "email", Scopes: []string{"openid", "profile", "email"}}, false, nil)
}

func (m *Module) editIdP(c *fiber.Ctx) error {
	t := tenant.FromContext(c.UserContext())
	i, err := m.IdPs.Get(c.UserContext(), t.ID, c.Params("key"))
	if err != nil {
		return err
	}
	i.ClientSecret = "" // never sent back to the browser
	return m.renderIdP(c, fiber.StatusOK, *i, true, nil)
}

// saveIdP adds (no key in the path) or updates an IdP of the tenant.
func (m *Module) saveIdP(c *fiber.Ctx) error {
	t := tenant.FromContext(c.UserContext())
	editing := c.Params("key") != ""
	i := idp.IdP{TenantID: t.ID, Key: c.FormValue("key"), Label: c.FormValue("label"), Kind: c.FormValue("kind"),
		Issuer: c.FormValue("issuer"), ClientID: c.FormValue("client_id"), ClientAuth: c.FormValue("client_auth"),
		ClientSecret: c.FormValue("client_secret"), Scopes: strings.Fields(c.FormValue("scopes")),
		ACRValues: strings.Fields(c.FormValue("acr")), LinkBy: c.FormValue("link_by"), RequestObject: c.FormValue("request_object") == "on",
		Claims: strings.Fields(c.FormValue("claims")), Prompt: strings.Join(strings.Fields(c.FormValue("prompt")), " "),
		EntityID: c.FormValue("entity_id")}
	save := m.IdPs.Add
	if editing {
		i.Key = c.Params("key")
		save = m.IdPs.Update
	}
	if err := save(c.UserContext(), &i); err != nil {
		if errors.Is(err, platform.ErrInvalid) || errors.Is(err, platform.ErrConflict) {
			i.ClientSecret = ""
			return m.renderIdP(c, fiber.StatusUnprocessableEntity, i, editing, err)
		}
		return err
	}
	action := "idp.add"
	if editing {
		action = "idp.update"
	}
	return m.done(c, t, action, map[string]any{"key": i.Key, "issuer": i.Issuer})
}
