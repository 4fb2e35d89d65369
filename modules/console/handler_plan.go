package console

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/tenant"
)

// planView is the plans' page (the list and the form to create one) or a
// plan's page (the form to change it).
type planView struct {
	view
	Plans []*tenant.Plan
	// Form is the plan being created or changed, as typed.
	Form tenant.PlanInput
	// Editing is the slug of the plan being changed ("" when creating).
	Editing string
}

// Field is the plan form's field id, of input type kind, holding value.
func (v *planView) Field(id, kind, value string, flags ...string) field {
	f := field{L: v.L, ID: "plan_" + id, Kind: kind, Value: value, Required: len(flags) > 0 && flags[0] == "required"}
	f.Error = v.Errors["plan_"+id]
	return f
}

func (m *Module) plans(c *fiber.Ctx) error {
	return m.renderPlans(c, fiber.StatusOK, &planView{Form: tenant.PlanInput{Currency: "EUR"}})
}

func (m *Module) renderPlans(c *fiber.Ctx, status int, v *planView) error {
	var err error
	if v.Plans, err = m.Registry.Plans(c.UserContext()); err != nil {
		return err
	}
	return m.render(c, status, "plans.html", v)
}

// planInput reads the plan form.
func planInput(c *fiber.Ctx) tenant.PlanInput {
	return tenant.PlanInput{Slug: c.FormValue("plan_slug"), Name: c.FormValue("plan_name"), Price: c.FormValue("plan_price"),
		Currency: c.FormValue("plan_currency"), Members: c.FormValue("plan_members"), Storage: c.FormValue("plan_storage"),
		Modules: c.FormValue("plan_modules"), Hosts: c.FormValue("plan_hosts"), IdPs: c.FormValue("plan_idps")}
}

// refused is v with err told next to its field, or nil when err is not a
// refusal of the input.
func (m *Module) refused(c *fiber.Ctx, v *planView, err error) *planView {
	if !errors.Is(err, platform.ErrInvalid) {
		return nil
	}
	text := m.errText(c, err)
	if f := tenant.FieldOf(err); f != "" {
		v.Errors = map[string]string{"plan_" + f: text}
	} else {
		v.Error = text
	}
	return v
}

func (m *Module) createPlan(c *fiber.Ctx) error {
	in := planInput(c)
	p, err := m.Registry.CreatePlan(c.UserContext(), in)
	if v := m.refused(c, &planView{Form: in}, err); v != nil {
		return m.renderPlans(c, fiber.StatusUnprocessableEntity, v)
	}
	if err != nil {
		return err
	}
	if err := m.recordPlan(c, "plan.create", p); err != nil {
		return err
	}
	return m.renderPlans(c, fiber.StatusCreated, &planView{view: view{Message: m.t(c, "console.plan_created", "Plan", p.Name)},
		Form: tenant.PlanInput{Currency: "EUR"}})
}

func (m *Module) editPlan(c *fiber.Ctx) error {
	p, err := m.Registry.Plan(c.UserContext(), c.Params("slug"))
	if errors.Is(err, platform.ErrInvalid) || c.Params("slug") == "" {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, "plans.html", &planView{Form: p.Input(), Editing: p.Slug})
}

func (m *Module) updatePlan(c *fiber.Ctx) error {
	slug, in := c.Params("slug"), planInput(c)
	in.Slug = slug
	if _, err := m.Registry.Plan(c.UserContext(), slug); err != nil {
		return fiber.ErrNotFound
	}
	p, err := m.Registry.UpdatePlan(c.UserContext(), slug, in)
	if v := m.refused(c, &planView{Form: in, Editing: slug}, err); v != nil {
		return m.render(c, fiber.StatusUnprocessableEntity, "plans.html", v)
	}
	if err != nil {
		return err
	}
	if err := m.recordPlan(c, "plan.update", p); err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, "plans.html", &planView{view: view{Message: m.t(c, "console.done")}, Form: p.Input(), Editing: p.Slug})
}

// setPlan moves a tenant to another plan.
func (m *Module) setPlan(c *fiber.Ctx) error {
	slug := c.Params("slug")
	if _, err := m.Registry.Get(c.UserContext(), slug); err != nil {
		return err
	}
	t, err := m.Registry.SetPlan(c.UserContext(), slug, c.FormValue("plan"))
	if errors.Is(err, platform.ErrInvalid) {
		return m.renderTenant(c, fiber.StatusUnprocessableEntity, slug, view{Error: m.errText(c, err)})
	}
	if err != nil {
		return err
	}
	if err := m.record(c, t, "tenant.plan", map[string]any{"plan": t.Plan.Slug}); err != nil {
		return err
	}
	return m.renderTenant(c, fiber.StatusOK, slug, view{Message: m.t(c, "console.plan_set", "Plan", t.Plan.Name)})
}
