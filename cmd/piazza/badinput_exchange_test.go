package main

import (
	"net/url"
	"strings"
)

// exchangeRoutes are the entries of the exchange's routes: the demo takes
// part, with another administration (a registry row of its own, no
// schema: the pages read only the control plane's snapshot) sharing one
// opportunity, and a published proposal of the demo's that its admin may
// share.
func exchangeRoutes(s *site, who func(*site) *visitor) map[string]route {
	other := s.one(`INSERT INTO piazza.tenants (slug, name, status, schema_name, role_name)
		VALUES ('altrove', 'Comune di Altrove', 'active', 't_altrove_prova', 'r_altrove_prova') RETURNING id::text`)
	s.one(`INSERT INTO piazza.exchange_members (tenant_id) SELECT id FROM piazza.tenants WHERE slug IN ('demo', 'altrove') RETURNING 'ok'`)
	snapshot := s.one(`INSERT INTO piazza.exchange_snapshots (tenant_id, item_type, item_id, title, summary, kind, themes, countries, stage, origin_name)
		VALUES ($1, 'proposal', 1, 'Opportunità di prova', 'In breve', 'research', '{health}', '{IT}', '4', 'Comune di Altrove') RETURNING id::text`, other)
	proposal := s.one(`SELECT min(id)::text FROM t_demo.proposals WHERE state = 'published' AND scope_kind <> 'communities'
		AND (closes_at IS NULL OR closes_at > now())`)
	express := func(int) url.Values {
		if _, err := s.pg.Exec(s.t.Context(), `DELETE FROM piazza.exchange_mailbox`); err != nil {
			s.t.Fatal(err)
		}
		return url.Values{"offer": {"Abbiamo un laboratorio."}}
	}
	share := func(int) url.Values { return url.Values{"action": {"share"}} }
	join := func(int) url.Values { return url.Values{"action": {"join"}} }
	return map[string]route{
		"tenant GET /exchange/":                      {path: "/exchange/", who: who, text: []string{"q", "theme", "kind", "country", "type"}, cursor: "after"},
		"tenant GET /exchange/:id<int>":              {path: "/exchange/" + snapshot, who: who, text: []string{"sent"}},
		"tenant POST /exchange/:id<int>/interest":    {path: "/exchange/" + snapshot + "/interest", who: who, form: express, text: []string{"offer"}, long: map[string]int{"offer": 4000}, ids: []string{"organization_id"}},
		"tenant POST /exchange/share/:type/:id<int>": {path: "/exchange/share/proposal/" + strings.TrimSpace(proposal), who: who, form: share, text: []string{"action"}},
		"tenant GET /admin/exchange/":                {path: "/admin/exchange/", who: who, text: []string{"done"}},
		"tenant POST /admin/exchange/":               {path: "/admin/exchange/", who: who, form: join, text: []string{"action"}},
	}
}
