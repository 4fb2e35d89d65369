package console

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/audit"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// quotaRow is one quota of a tenant's page: what is used against what the
// plan allows, and the share for the progress bar.
type quotaRow struct {
	Label, Used, Max string
	Percent          int
	// Near is 80% or more.
	Near bool
}

// quotas are t's usage against its plan's quotas, translated, and the
// plans t may be moved to.
func (m *Module) quotas(c *fiber.Ctx, t *tenant.Tenant) ([]quotaRow, []*tenant.Plan, error) {
	ctx := c.UserContext()
	plans, err := m.Registry.Plans(ctx)
	if err != nil || t.Plan == nil || t.Status == tenant.StatusDeleting {
		return nil, plans, err
	}
	u, err := m.Registry.Usage(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	loc := m.Shell.I18n.FromContext(ctx)
	num := func(n int64) string { return loc.Number(float64(n)) }
	p := t.Plan
	rows := []quotaRow{
		row2(m.t(c, "console.quota.members"), u.Members, p.MaxMembers, num(u.Members), num(p.MaxMembers)),
		row2(m.t(c, "console.quota.storage"), u.StorageBytes, p.MaxStorage, tenant.FormatBytes(u.StorageBytes), tenant.FormatBytes(p.MaxStorage)),
		row2(m.t(c, "console.quota.hosts"), int64(u.Hosts), int64(p.MaxHosts), num(int64(u.Hosts)), num(int64(p.MaxHosts))),
		row2(m.t(c, "console.quota.idps"), int64(u.IdPs), int64(p.MaxIdPs), num(int64(u.IdPs)), num(int64(p.MaxIdPs))),
	}
	mods := m.t(c, "console.quota.all_modules")
	if p.Modules != nil {
		mods = strings.Join(p.Modules, ", ")
	}
	rows = append(rows, quotaRow{Label: m.t(c, "console.quota.modules"), Used: strings.Join(u.Off, ", "), Max: mods, Percent: -1})
	return rows, plans, nil
}

func row2(label string, used, max int64, usedText, maxText string) quotaRow {
	r := quotaRow{Label: label, Used: usedText, Max: maxText, Near: max > 0 && used*5 >= max*4}
	if max > 0 {
		r.Percent = int(min(100, used*100/max))
	} else if used > 0 {
		r.Percent = 100
	}
	return r
}

// recordPlan writes an operator's change of a plan to the audit trail.
func (m *Module) recordPlan(c *fiber.Ctx, action string, p *tenant.Plan) error {
	actor := "operator:?"
	if o := operatorOf(c); o != nil {
		actor = o.Subject() + " " + o.Email
	}
	return audit.Record(c.UserContext(), m.DB, audit.Entry{Actor: actor, Action: action,
		Detail: map[string]any{"plan": p.Slug, "input": p.Input()}, ClientAddr: web.ClientAddr(c)})
}
