package main

import (
	"net/url"

	"github.com/piazza-pa/piazza/platform/federation"
)

// federationRoutes are the entries of the OpenID Federation's routes: the
// demo tenant's entity configuration and, the test site's installation
// being an intermediate, its own and its fetch and list endpoints.
func federationRoutes(guest, opGuest func(*site) *visitor) map[string]route {
	return map[string]route{
		"tenant GET " + federation.WellKnown:   {path: federation.WellKnown, who: guest},
		"operator GET " + federation.WellKnown: {path: federation.WellKnown, who: opGuest},
		"operator GET " + federation.FetchPath: {path: federation.FetchPath, who: opGuest, text: []string{"sub", "iss"},
			form: func(int) url.Values { return url.Values{"sub": {demoSite}} }},
		"operator GET " + federation.ListPath: {path: federation.ListPath, who: opGuest, text: []string{"entity_type"}},
	}
}

// federationAdminRoutes are the entries of the tenant admin's federation
// settings: authority hints and contacts, trust marks added and removed.
func federationAdminRoutes(admin func(*site) *visitor) map[string]route {
	return map[string]route{
		"tenant GET /admin/federation": {path: "/admin/federation", who: admin},
		"tenant POST /admin/federation": {path: "/admin/federation", who: admin, text: []string{"authority_hints", "contacts"},
			form: func(int) url.Values {
				return url.Values{"authority_hints": {"https://ta.example.it"}, "contacts": {"spid@example.it"}}
			}},
		"tenant POST /admin/federation/trust-marks":        {path: "/admin/federation/trust-marks", who: admin, text: []string{"trust_mark"}},
		"tenant POST /admin/federation/trust-marks/remove": {path: "/admin/federation/trust-marks/remove", who: admin, text: []string{"type"}},
	}
}
