package main

import (
	"net/url"
)

// apiRoutes are the entries of the open API's routes and of the page of
// personal access tokens: the demo's first published proposal and news
// item, and a token of the demo admin's for the probes to revoke. The
// API's routes take no session (the probes' visitor is a guest there, and
// its posts are refused for want of a token), and answer a cursor of no
// page with 400 rather than 404 (the API's own tests check that).
func apiRoutes(s *site, who func(*site) *visitor) map[string]route {
	proposal := s.one(`SELECT min(id)::text FROM t_demo.proposals WHERE state = 'published'`)
	news := s.one(`SELECT min(id)::text FROM t_demo.news WHERE state = 'published'`)
	profile := s.one(`SELECT min(id)::text FROM t_demo.partnerships`)
	token := s.one(`INSERT INTO t_demo.api_tokens (user_id, name, digest, hint)
		SELECT id, 'Sonda', sha256('sonda'), 'pzt_sond' FROM t_demo.users WHERE email = 'admin@demo.example.org' RETURNING id::text`)
	list := func(filters ...string) route {
		return route{who: who, text: append([]string{"cursor", "format", "language", "updated_since"}, filters...), ids: []string{"limit", "cursor"}}
	}
	at := func(r route, path string) route { r.path = path; return r }
	newToken := func(n int) url.Values { return url.Values{"name": {"Prova"}, "scope": {"read"}} }
	return map[string]route{
		"tenant GET /api/v1/openapi.json":                  {path: "/api/v1/openapi.json", who: who},
		"tenant GET /api/v1/proposals":                     at(list("kind", "theme", "trl", "status"), "/api/v1/proposals"),
		"tenant GET /api/v1/proposals/:id<int>":            {path: "/api/v1/proposals/" + proposal, who: who},
		"tenant POST /api/v1/proposals/:id<int>/interests": {path: "/api/v1/proposals/" + proposal + "/interests", who: who, text: []string{"offer", "role"}, ids: []string{"organization_id"}},
		"tenant GET /api/v1/partnerships":                  at(list("kind", "theme", "country", "deadline"), "/api/v1/partnerships"),
		"tenant GET /api/v1/partnerships/:id<int>":         {path: "/api/v1/partnerships/" + profile, who: who},
		"tenant GET /api/v1/news":                          at(list(), "/api/v1/news"),
		"tenant GET /api/v1/news/:id<int>":                 {path: "/api/v1/news/" + news, who: who},
		"tenant GET /api/v1/communities":                   at(list("theme"), "/api/v1/communities"),
		"tenant GET /api/v1/organizations":                 at(list("theme"), "/api/v1/organizations"),
		"tenant GET /api/v1/me":                            {path: "/api/v1/me", who: who},
		"tenant GET /api/v1/me/interests":                  {path: "/api/v1/me/interests", who: who},
		"tenant GET /profile/tokens/":                      {path: "/profile/tokens/", who: who, text: []string{"done"}},
		"tenant POST /profile/tokens/":                     {path: "/profile/tokens/", who: who, form: newToken, text: []string{"name", "scope", "expires"}, long: map[string]int{"name": 100}, times: []string{"expires"}},
		"tenant POST /profile/tokens/:id<int>/revoke":      {path: "/profile/tokens/" + token + "/revoke", who: who},
	}
}
