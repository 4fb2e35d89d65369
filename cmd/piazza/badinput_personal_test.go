package main

import "net/url"

// personalRoutes are the entries of a person's data: the member's archive
// (the demo admin's own) and the erasure of a demo person who is not the
// admin, whose accepted form keeps the contributions.
func personalRoutes(s *site, who func(*site) *visitor) map[string]route {
	person := s.one(`SELECT min(id)::text FROM t_demo.users WHERE email <> 'admin@demo.example.org'`)
	keep := func(int) url.Values { return url.Values{"contributions": {"keep"}} }
	return map[string]route{
		"tenant POST /profile/data":                {path: "/profile/data", who: who},
		"tenant GET /admin/people/:id<int>/erase":  {path: "/admin/people/" + person + "/erase", who: who},
		"tenant POST /admin/people/:id<int>/erase": {path: "/admin/people/" + person + "/erase", who: who, form: keep, text: []string{"contributions"}},
	}
}
