package console

import (
	"cmp"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/audit"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
	"github.com/piazza-pa/piazza/tenant/billing"
	"github.com/piazza-pa/piazza/tenant/onboard"
)

// createForm is what the create form holds, kept on errors, with the
// error shown next to its field.
type createForm struct {
	Slug, Name, Hosts, AdminEmail string
	Plan                          string
	Field, FieldError             string
	signInForm
}

// row is one tenant of the list, with its member count and storage.
type row struct {
	*tenant.Tenant
	Members, Storage string
}

// pageSize is how many tenants a page of the list shows.
const pageSize = 50

type listView struct {
	view
	Tenants   []row
	PageNo    int
	Next      bool
	Query     string
	Status    string
	Statuses  []string
	Form      createForm
	RowErrors []string
	// Plans are the plans a new tenant may get.
	Plans []*tenant.Plan
}

func (m *Module) list(c *fiber.Ctx) error {
	return m.renderList(c, fiber.StatusOK, &listView{})
}

// renderList shows the tenants matching the query string's filters.
func (m *Module) renderList(c *fiber.Ctx, status int, v *listView) error {
	v.Query, v.Status = strings.TrimSpace(c.Query("q")), c.Query("status")
	v.Statuses = []string{string(tenant.StatusActive), string(tenant.StatusSuspended), string(tenant.StatusDeleting)}
	v.PageNo = max(c.QueryInt("page", 1), 1)
	ts, next, err := m.tenants(c.UserContext(), v.Query, v.Status, v.PageNo)
	if err != nil {
		return err
	}
	if v.Plans, err = m.Registry.Plans(c.UserContext()); err != nil {
		return err
	}
	v.Form.Plan = cmp.Or(v.Form.Plan, tenant.DefaultPlan)
	v.Next = next
	for _, t := range ts {
		members, storage := m.usageText(c, t)
		v.Tenants = append(v.Tenants, row{Tenant: t, Members: members, Storage: storage})
	}
	if v.Form.Field != "" {
		v.Errors = map[string]string{v.Form.Field: v.Form.FieldError}
	}
	return m.render(c, status, "page.html", v)
}

func (m *Module) create(c *fiber.Ctx) error {
	f := createForm{Slug: strings.TrimSpace(c.FormValue("slug")), Name: c.FormValue("name"),
		Hosts: c.FormValue("hosts"), AdminEmail: strings.TrimSpace(c.FormValue("admin_email")), Plan: c.FormValue("plan")}
	choice := f.readSignIn(c)
	t, err := m.Onboard.Create(c.UserContext(), tenant.CreateParams{Slug: f.Slug, Name: f.Name,
		Hosts: strings.Fields(f.Hosts), AdminEmail: f.AdminEmail, Plan: f.Plan}, choice)
	if errors.Is(err, platform.ErrInvalid) || errors.Is(err, platform.ErrConflict) {
		f.Field, f.FieldError = createFieldOf(err), m.errText(c, err)
		v := &listView{Form: f}
		if f.Field == "" {
			v.Error = f.FieldError
		}
		return m.renderList(c, fiber.StatusUnprocessableEntity, v)
	}
	if t == nil {
		return err
	}
	if err := m.record(c, t, "tenant.create", map[string]any{"name": t.Name, "hosts": t.Hosts, "local": choice.Local || t.AdminEmail != "" && choice.IdP == nil}); err != nil {
		return err
	}
	return m.renderList(c, fiber.StatusCreated, &listView{view: view{Message: m.createdText(c, t, choice, err)}})
}

func (m *Module) importCSV(c *fiber.Ctx) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return m.renderList(c, fiber.StatusUnprocessableEntity, &listView{view: view{Error: m.t(c, "console.csv_file")}})
	}
	if fh.Size > 1<<20 {
		return m.renderList(c, fiber.StatusUnprocessableEntity, &listView{view: view{Error: m.t(c, "console.csv_too_large")}})
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	rows, bad, err := m.Registry.ParseImport(c.UserContext(), f)
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		v := &listView{}
		for _, b := range bad {
			v.RowErrors = append(v.RowErrors, m.t(c, "console.line", "Line", b.Line, "Text", m.errText(c, b.Err)))
		}
		return m.renderList(c, fiber.StatusUnprocessableEntity, v)
	}
	for i, row := range rows {
		t, err := m.Onboard.Create(c.UserContext(), row.Params, onboard.Choice{})
		if t == nil {
			return m.renderList(c, fiber.StatusUnprocessableEntity, &listView{view: view{
				Error: m.t(c, "console.import_stopped", "Line", row.Line, "Text", m.errText(c, err), "Count", i)}})
		}
		if err := m.record(c, t, "tenant.create", map[string]any{"name": t.Name, "import": true}); err != nil {
			return err
		}
	}
	return m.renderList(c, fiber.StatusCreated, &listView{view: view{Message: m.t(c, "console.imported", "Count", len(rows))}})
}

type tenantView struct {
	view
	Tenant  *tenant.Tenant
	SignIn  signInView
	Members string
	Storage string
	Audit   []audit.Entry
	// Quotas are the tenant's usage against its plan's quotas; Plans the
	// plans it may be moved to.
	Quotas []quotaRow
	Plans  []*tenant.Plan
	// Account is the billing account's form (nil: no billing service).
	Account *billing.Account
	idpForm idp.IdP
}

func (m *Module) show(c *fiber.Ctx) error {
	return m.renderTenant(c, fiber.StatusOK, c.Params("slug"), view{})
}

func (m *Module) renderTenant(c *fiber.Ctx, status int, slug string, v view) error {
	return m.renderTenantForm(c, status, slug, v, idp.IdP{})
}

// renderTenantForm shows a tenant's page with form in its add-a-provider form.
func (m *Module) renderTenantForm(c *fiber.Ctx, status int, slug string, v view, form idp.IdP) error {
	return m.renderTenantView(c, status, slug, &tenantView{view: v, idpForm: form})
}

// renderTenantView shows a tenant's page with the forms as tv holds them.
func (m *Module) renderTenantView(c *fiber.Ctx, status int, slug string, tv *tenantView) error {
	t, entries, err := m.tenantState(c.UserContext(), slug)
	if err != nil {
		return err
	}
	tv.Tenant, tv.Audit = t, entries
	if tv.SignIn, err = m.signInOf(c, t); err != nil {
		return err
	}
	tv.SignIn.Form = tv.idpForm
	tv.Members, tv.Storage = m.usageText(c, t)
	if tv.Quotas, tv.Plans, err = m.quotas(c, t); err != nil {
		return err
	}
	if tv.Account == nil && m.Billing != nil {
		if tv.Account, err = m.Billing.AccountOf(c.UserContext(), m.DB, t, false); err != nil {
			return err
		}
	}
	return m.render(c, status, "tenant.html", tv)
}

// act runs a lifecycle action on a tenant; deleting needs the slug typed.
func (m *Module) act(c *fiber.Ctx) error {
	ctx, slug, action := c.UserContext(), c.Params("slug"), c.Params("action")
	var err error
	switch action {
	case "suspend":
		_, err = m.Registry.Suspend(ctx, slug)
	case "resume":
		_, err = m.Registry.Resume(ctx, slug)
	case "restore":
		_, err = m.Registry.Restore(ctx, slug)
	case "delete":
		if c.FormValue("confirm") != slug {
			return m.renderTenant(c, fiber.StatusUnprocessableEntity, slug, view{Error: m.t(c, "console.delete_mismatch")})
		}
		_, err = m.Registry.Delete(ctx, slug)
	default:
		return fiber.ErrNotFound
	}
	if errors.Is(err, platform.ErrConflict) {
		return m.renderTenant(c, fiber.StatusConflict, slug, view{Error: m.errText(c, err)})
	}
	if err != nil {
		return err
	}
	t, err := m.Registry.Get(ctx, slug)
	if err != nil {
		return err
	}
	if err := m.record(c, t, "tenant."+action, nil); err != nil {
		return err
	}
	return m.renderTenant(c, fiber.StatusOK, slug, view{Message: m.t(c, "console.done")})
}

// actor is the signed-in operator, as the audit trail names them.
func actor(c *fiber.Ctx) string {
	if o := operatorOf(c); o != nil {
		return o.Subject() + " " + o.Email
	}
	return "operator:?"
}

// record writes the operator's action to the audit trail.
func (m *Module) record(c *fiber.Ctx, t *tenant.Tenant, action string, detail map[string]any) error {
	id := t.ID
	return audit.Record(c.UserContext(), m.DB, audit.Entry{Actor: actor(c), TenantID: &id, TenantSlug: t.Slug,
		Action: action, Detail: detail, ClientAddr: web.ClientAddr(c)})
}

// usageText is a tenant's member count and storage, formatted for the
// request's language ("—" for what could not be read).
func (m *Module) usageText(c *fiber.Ctx, t *tenant.Tenant) (members, storage string) {
	loc := m.Shell.I18n.FromContext(c.UserContext())
	n, bytes := m.usage(c.UserContext(), t)
	members, storage = "—", "—"
	if n >= 0 {
		members = loc.Number(float64(n))
	}
	if bytes >= 0 {
		storage = loc.Number(float64(bytes)/1024) + " KiB"
	}
	return members, storage
}
