// Package federation serves Piazza's OpenID Federation statements
// (platform/federation): each tenant's entity configuration on every host
// of the tenant and, when the installation is an intermediate, its own
// entity configuration and its fetch and list endpoints on the operator
// host.
package federation

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	fed "github.com/piazza-pa/piazza/platform/federation"
	"github.com/piazza-pa/piazza/tenant"
)

// Module serves a tenant's entity configuration.
type Module struct{ Service *fed.Service }

// New returns the tenants' module.
func New(s *fed.Service) *Module { return &Module{Service: s} }

// Routes registers the well-known path of a tenant's hosts.
func (m *Module) Routes(r fiber.Router) { r.Get(fed.WellKnown, m.configuration) }

// configuration is the request's tenant's entity configuration, the same
// on every host of the tenant (its entity id is its default host).
func (m *Module) configuration(c *fiber.Ctx) error {
	t := tenant.FromContext(c.UserContext())
	if t == nil {
		return fiber.ErrNotFound
	}
	jwt, err := m.Service.TenantConfiguration(c.UserContext(), Of(t))
	if err != nil {
		return err
	}
	return send(c, jwt)
}

// Of is what the federation knows of t.
func Of(t *tenant.Tenant) fed.Tenant {
	return fed.Tenant{ID: t.ID, Name: t.Name, Hosts: t.Hosts, AdminEmail: t.AdminEmail}
}

func send(c *fiber.Ctx, jwt []byte) error {
	c.Set(fiber.HeaderContentType, fed.StatementType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(jwt)
}

// Intermediate is the installation as intermediate, on the operator host:
// no route at all when it is not one.
type Intermediate struct {
	Service  *fed.Service
	Registry *tenant.Registry
}

// Routes registers the installation's entity configuration and its fetch
// and list endpoints.
func (i Intermediate) Routes(r fiber.Router) {
	if !i.Service.Config.Intermediate() {
		return
	}
	r.Get(fed.WellKnown, func(c *fiber.Ctx) error {
		jwt, err := i.Service.InstallationConfiguration(c.UserContext())
		if err != nil {
			return err
		}
		return send(c, jwt)
	})
	r.Get(fed.FetchPath, i.fetch)
	r.Get(fed.ListPath, i.list)
}

// protocolError answers as the federation's endpoints do: a JSON error.
func protocolError(c *fiber.Ctx, status int, code, description string) error {
	return c.Status(status).JSON(fiber.Map{"error": code, "error_description": description})
}

// fetch issues the installation's statement about one of its active
// tenants (sub: the tenant's entity id).
func (i Intermediate) fetch(c *fiber.Ctx) error {
	sub := c.Query("sub")
	if sub == "" {
		return protocolError(c, fiber.StatusBadRequest, "invalid_request", "sub is required")
	}
	if iss := c.Query("iss"); iss != "" && iss != i.Service.Config.EntityID {
		return protocolError(c, fiber.StatusBadRequest, "invalid_issuer", "this endpoint issues statements of "+i.Service.Config.EntityID)
	}
	t, err := i.subordinate(c.UserContext(), sub)
	if errors.Is(err, tenant.ErrNotFound) {
		return protocolError(c, fiber.StatusNotFound, "not_found", "no subordinate with this entity id")
	}
	if err != nil {
		return err
	}
	jwt, err := i.Service.Subordinate(c.UserContext(), Of(t))
	if err != nil {
		return err
	}
	return send(c, jwt)
}

// subordinate is the active tenant whose entity id is sub and for which
// the installation vouches; tenant.ErrNotFound otherwise.
func (i Intermediate) subordinate(ctx context.Context, sub string) (*tenant.Tenant, error) {
	u, err := url.Parse(sub)
	if err != nil || u.Scheme != i.Service.Scheme || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, tenant.ErrNotFound
	}
	t, err := i.Registry.ByHost(ctx, strings.ToLower(u.Host))
	if err != nil {
		return nil, err
	}
	if t.Status != tenant.StatusActive || len(t.Hosts) == 0 || t.Hosts[0] != strings.ToLower(u.Host) {
		return nil, tenant.ErrNotFound // not its entity id: that is its default host
	}
	ok, err := i.Service.Vouches(ctx, Of(t))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, tenant.ErrNotFound
	}
	return t, nil
}

// list is the entity ids of the active tenants the installation vouches
// for (all relying parties: another entity_type lists none).
func (i Intermediate) list(c *fiber.Ctx) error {
	if et := c.Query("entity_type"); et != "" && et != "openid_relying_party" {
		return c.JSON([]string{})
	}
	ts, err := i.Registry.List(c.UserContext())
	if err != nil {
		return err
	}
	var active []fed.Tenant
	for _, t := range ts {
		if t.Status == tenant.StatusActive && len(t.Hosts) > 0 {
			active = append(active, Of(t))
		}
	}
	subs, err := i.Service.Subordinates(c.UserContext(), active)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(subs))
	for _, t := range subs {
		ids = append(ids, t.EntityID(i.Service.Scheme))
	}
	return c.JSON(ids)
}
