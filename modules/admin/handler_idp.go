package admin

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

type idpView struct {
	web.Page
	Error                 string
	IdP                   idp.IdP
	Editing               bool
	Kinds, Auths, LinkBys []string
	Redirect              string
}

func (m *Module) renderIdP(c *fiber.Ctx, status int, i idp.IdP, editing bool, errText string) error {
	t := tenant.FromContext(c.UserContext())
	key := i.Key
	if key == "" {
		key = "<key>"
	}
	v := idpView{Page: m.PageFor(c, t.Name), Error: errText, IdP: i, Editing: editing,
		Kinds: []string{"generic", "spid", "cie"}, Auths: []string{idp.AuthBasic, idp.AuthPost, idp.AuthPrivateJWT},
		LinkBys:  []string{"email", "fiscal_number", "never"},
		Redirect: tenant.SiteURL(c, m.Scheme, "/auth/oidc/"+key+"/callback")}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, status, "idp.html", v)
}

func (m *Module) newIdP(c *fiber.Ctx) error {
	return m.renderIdP(c, fiber.StatusOK, idp.IdP{Kind: "generic", ClientAuth: idp.AuthBasic, LinkBy: "email", Scopes: []string{"openid", "profile", "email"}}, false, "")
}

func (m *Module) editIdP(c *fiber.Ctx) error {
	t := tenant.FromContext(c.UserContext())
	i, err := m.IdPs.Get(c.UserContext(), t.ID, c.Params("key"))
	if err != nil {
		return err
	}
	i.ClientSecret = "" // never sent back to the browser
	return m.renderIdP(c, fiber.StatusOK, *i, true, "")
}

// saveIdP adds (no key in the path) or updates an IdP of the tenant.
func (m *Module) saveIdP(c *fiber.Ctx) error {
	t := tenant.FromContext(c.UserContext())
	editing := c.Params("key") != ""
	i := idp.IdP{TenantID: t.ID, Key: c.FormValue("key"), Label: c.FormValue("label"), Kind: c.FormValue("kind"),
		Issuer: c.FormValue("issuer"), ClientID: c.FormValue("client_id"), ClientAuth: c.FormValue("client_auth"),
		ClientSecret: c.FormValue("client_secret"), Scopes: strings.Fields(c.FormValue("scopes")),
		ACRValues: strings.Fields(c.FormValue("acr")), LinkBy: c.FormValue("link_by"), RequestObject: c.FormValue("request_object") == "on"}
	save := m.IdPs.Add
	if editing {
		i.Key = c.Params("key")
		save = m.IdPs.Update
	}
	if err := save(c.UserContext(), &i); err != nil {
		if errors.Is(err, platform.ErrInvalid) || errors.Is(err, platform.ErrConflict) {
			i.ClientSecret = ""
			return m.renderIdP(c, fiber.StatusUnprocessableEntity, i, editing, m.ErrText(c, err))
		}
		return err
	}
	action := "idp.add"
	if editing {
		action = "idp.update"
	}
	return m.done(c, t, action, map[string]any{"key": i.Key, "issuer": i.Issuer})
}
