package main

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/piazza-pa/piazza/modules/partnership"
)

// partnershipRoutes are the entries of the partnership profiles' routes:
// the demo's profiles and interests (the demo admin advises), and a
// profile and a row of the keyword mapping added for the probes to
// archive and remove.
func partnershipRoutes(s *site, who func(*site) *visitor) map[string]route {
	profile := s.one(`SELECT id::text FROM t_demo.partnerships WHERE reference = 'TOIT20261002001'`)
	open := s.one(`SELECT id::text FROM t_demo.partnerships WHERE reference = 'TOAT20260612006'`)
	interest := s.one(`SELECT min(id)::text FROM t_demo.partnership_interests WHERE state = 'new'`)
	archive := s.one(`INSERT INTO t_demo.partnerships (reference, kind, title, source_hash, published_at)
		VALUES ('PROVA20260101001', 'technology_offer', 'Profilo da archiviare', 'prova', now()) RETURNING id::text`)
	mapping := s.one(`INSERT INTO t_demo.partnership_keywords (keyword, theme) VALUES ('parola della prova', 'health') RETURNING id::text`)
	express := func(int) url.Values {
		if _, err := s.pg.Exec(s.t.Context(), `DELETE FROM t_demo.partnership_interests WHERE profile_id = $1
			AND author_id = (SELECT id FROM t_demo.users WHERE email = 'admin@demo.example.org')`, open); err != nil {
			s.t.Fatal(err)
		}
		return url.Values{"message": {"Abbiamo un'officina interessata."}}
	}
	note := func(int) url.Values { return url.Values{"note": {"Nota."}} }
	keyword := func(n int) url.Values {
		return url.Values{"keyword": {fmt.Sprintf("parola %d", n)}, "theme": {"health"}}
	}
	bad := strings.Replace(string(partnership.Sample), "<type>RDR</type>", "<type>XX</type>", 1)
	files := [][]byte{[]byte("<profiles><profile>"), []byte(bad), []byte("<profiles>\x00</profiles>"), []byte("\xff\xfe<profiles/>"), pngImage()}
	return map[string]route{
		"tenant GET /partnerships/":                                {path: "/partnerships/", who: who, text: []string{"kind", "theme", "country", "deadline", "done"}, cursor: "after"},
		"tenant GET /partnerships/:id<int>":                        {path: "/partnerships/" + profile, who: who, text: []string{"done"}},
		"tenant POST /partnerships/:id<int>/do/:action":            {path: "/partnerships/" + archive + "/do/archive", who: who, form: note, text: []string{"note"}, long: map[string]int{"note": 1000}},
		"tenant GET /partnerships/:id<int>/interest":               {path: "/partnerships/" + open + "/interest", who: who},
		"tenant POST /partnerships/:id<int>/interest":              {path: "/partnerships/" + open + "/interest", who: who, form: express, text: []string{"message"}, long: map[string]int{"message": 4000}, ids: []string{"organization_id"}},
		"tenant GET /partnerships/interests/:iid<int>":             {path: "/partnerships/interests/" + interest, who: who, text: []string{"done"}},
		"tenant POST /partnerships/interests/:iid<int>/do/:action": {path: "/partnerships/interests/" + interest + "/do/take_over", who: who, form: note, text: []string{"note"}, long: map[string]int{"note": 1000}},
		"tenant GET /admin/partnerships/":                          {path: "/admin/partnerships/", who: who},
		"tenant POST /admin/partnerships/import":                   {path: "/admin/partnerships/import", who: who, upload: "file", files: files, text: []string{"full"}},
		"tenant POST /admin/partnerships/keywords":                 {path: "/admin/partnerships/keywords", who: who, form: keyword, text: []string{"keyword", "theme"}, long: map[string]int{"keyword": 100}},
		"tenant POST /admin/partnerships/keywords/apply":           {path: "/admin/partnerships/keywords/apply", who: who},
		"tenant POST /admin/partnerships/keywords/:id<int>/remove": {path: "/admin/partnerships/keywords/" + mapping + "/remove", who: who},
	}
}
