package match_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/match"
)

// The tenant's tags: 1 and 2 are the proposal's.
var tags = []string{"idrogeno verde", "batterie", "agricoltura"}

// region is a tenant that validates profiles: its first person and
// organisation propose, those marked (hidden) must never be suggested
// (a draft, waiting or refused profile, a suspended or invited account,
// an organisation not validated), the rest fit the proposal more or less.
var region = []person{
	{"Paola Proponente", "active", "validated", "{sustainable_mobility,eco_industries}", "{1,2}", "{stoccaggio idrogeno}", "Elettrolizzatori."},
	{"Anna Idrogeno", "active", "validated", "{sustainable_mobility,eco_industries}", "{1}", "{stoccaggio idrogeno,GIS}", "Lavoro su elettrolizzatori."},
	{"Bruno Batterie", "active", "validated", "{sustainable_mobility}", "{}", "{batterie al litio,elettrolizzatori}", ""},
	{"Carla Temi", "active", "validated", "{sustainable_mobility,eco_industries,smart_communities}", "{}", "{}", ""},
	{"Dario Tag", "active", "validated", "{agrifood}", "{1,2}", "{}", ""},
	{"Elena Bozza (hidden)", "active", "draft", "{sustainable_mobility,eco_industries}", "{1,2}", "{stoccaggio idrogeno}", "Idrogeno."},
	{"Fabio Sospeso (hidden)", "suspended", "validated", "{sustainable_mobility,eco_industries}", "{1,2}", "{stoccaggio idrogeno}", "Idrogeno."},
	{"Gina Attesa (hidden)", "active", "to_validate", "{sustainable_mobility,eco_industries}", "{1,2}", "{stoccaggio idrogeno}", "Idrogeno."},
	{"Ivo Invitato (hidden)", "invited", "validated", "{sustainable_mobility,eco_industries}", "{1,2}", "{stoccaggio idrogeno}", "Idrogeno."},
	{"Rita Respinta (hidden)", "active", "not_validated", "{sustainable_mobility,eco_industries}", "{1,2}", "{stoccaggio idrogeno}", "Idrogeno."},
	{"Ugo Lontano", "active", "validated", "{agrifood}", "{3}", "{viticoltura}", "Vendemmia e cantine."},
}

var regionOrgs = []org{
	{"Proponente Srl", "validated", "{sustainable_mobility,eco_industries}", "{stoccaggio idrogeno}", "Idrogeno."},
	{"H2 Lombardia", "validated", "{eco_industries}", "{idrogeno verde}", "Stoccaggio e distribuzione."},
	{"Mobilità Comune", "validated", "{sustainable_mobility,smart_communities}", "{}", ""},
	{"Bozza Idrogeno (hidden)", "draft", "{sustainable_mobility,eco_industries}", "{stoccaggio idrogeno}", "Idrogeno."},
	{"Attesa Idrogeno (hidden)", "to_validate", "{sustainable_mobility,eco_industries}", "{stoccaggio idrogeno}", "Idrogeno."},
	{"Respinta Idrogeno (hidden)", "not_validated", "{sustainable_mobility,eco_industries}", "{stoccaggio idrogeno}", "Idrogeno."},
	{"Vigna Srl", "validated", "{agrifood}", "{viticoltura}", "Vini."},
}

// proposal is Paola's, for her organisation (both left out).
var proposal = match.Query{
	Themes:   []string{"sustainable_mobility", "eco_industries", "smart_communities"},
	Tags:     []int64{1, 2},
	Text:     "Stoccaggio di idrogeno per la mobilità sostenibile. Cerchiamo partner con esperienza in elettrolizzatori e batterie al litio.",
	Language: "it", ExcludeUsers: []int64{1}, ExcludeOrganizations: []int64{1},
}

// TestSuggest: the proposal's suggestions come best first — points for
// themes (1), tags (2), competencies (3) and words of the profile (2) in
// common, the text's rank parting equals — at most the limit, never
// someone left out or hidden, never someone with nothing in common.
func TestSuggest(t *testing.T) {
	s := tenants(t, "alpha")[0]
	s.seed(t, true, tags, region, regionOrgs)
	want := []string{
		"Anna Idrogeno",   // 2 themes, 1 tag, 1 competency, 1 word: 9
		"Bruno Batterie",  // 1 theme, 2 competencies: 7
		"H2 Lombardia",    // 1 theme, 1 competency, 1 word: 6
		"Mobilità Comune", // 2 themes, 1 word (its name): 4 and its rank
		"Dario Tag",       // 2 tags: 4
		"Carla Temi",      // 3 themes: 3
	}
	got := s.suggest(t, proposal, 10)
	if !slices.Equal(names(got), want) {
		t.Fatalf("suggested %q, want %q", names(got), want)
	}
	for i, score := range []float64{9, 7, 6, 4, 4, 3} {
		if got[i].Score < score || got[i].Score >= score+1 {
			t.Errorf("%s scored %v, want %v and its text's rank", got[i].Name, got[i].Score, score)
		}
	}
	if got := s.suggest(t, proposal, 3); !slices.Equal(names(got), want[:3]) {
		t.Errorf("limit 3: %q, want %q", names(got), want[:3])
	}
	kinds := map[string]string{"Anna Idrogeno": "person /people/2", "H2 Lombardia": "organization /organizations/2"}
	for name, want := range kinds {
		if s, _ := find(got, name); s.Kind+" "+s.URL() != want {
			t.Errorf("%s is %s %s, want %s", name, s.Kind, s.URL(), want)
		}
	}
}

// TestSuggestLeavesOut: whatever the query finds them by, those left out,
// hidden profiles and accounts and organisations not validated are never
// suggested; leaving someone out moves the others up.
func TestSuggestLeavesOut(t *testing.T) {
	s := tenants(t, "alpha")[0]
	s.seed(t, true, tags, region, regionOrgs)
	queries := map[string]match.Query{
		"themes only": {Themes: []string{"sustainable_mobility", "eco_industries"}},
		"tags only":   {Tags: []int64{1, 2}},
		"words only":  {Text: "stoccaggio idrogeno elettrolizzatori", Language: "it"},
		"everything":  proposal,
	}
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			q.ExcludeUsers, q.ExcludeOrganizations = []int64{1, 2}, []int64{1, 2}
			got := s.suggest(t, q, 100)
			hidden(t, got, name)
			for _, out := range []string{"Paola Proponente", "Anna Idrogeno", "Proponente Srl", "H2 Lombardia"} {
				if _, ok := find(got, out); ok {
					t.Errorf("%s: suggested %s, who was left out", name, out)
				}
			}
			if len(got) == 0 {
				t.Errorf("%s: nobody suggested", name)
			}
		})
	}
	q := proposal
	q.ExcludeUsers = []int64{1, 2}
	if got, want := names(s.suggest(t, q, 2)), []string{"Bruno Batterie", "H2 Lombardia"}; !slices.Equal(got, want) {
		t.Errorf("without Anna: %q, want %q", got, want)
	}
	for _, q := range []match.Query{{}, {Text: "  ", Language: "it"}, {Text: "e la di per con", Language: "it"}} {
		if got := s.suggest(t, q, 10); got != nil {
			t.Errorf("%+v: suggested %q, want nobody", q, names(got))
		}
	}
	if got := s.suggest(t, proposal, 0); got != nil {
		t.Errorf("limit 0: %q", names(got))
	}
}

// TestThemesHoweverMany: an item's themes are looked for one way when few
// share them all (three or more) and another when many do: either way,
// whoever shares them is suggested, and nobody who shares none.
func TestThemesHoweverMany(t *testing.T) {
	s := tenants(t, "alpha")[0]
	s.seed(t, true, tags, region, regionOrgs)
	for _, themes := range [][]string{
		{"smart_communities"},
		{"sustainable_mobility", "smart_communities"},
		{"sustainable_mobility", "eco_industries", "smart_communities"},
		{"sustainable_mobility", "eco_industries", "smart_communities", "health"},
	} {
		got := s.suggest(t, match.Query{Themes: themes}, 100)
		c, ok := find(got, "Carla Temi")
		if !ok {
			t.Errorf("%q: Carla Temi not suggested", themes)
			continue
		}
		if want := min(len(themes), 3); len(c.Reasons.Themes) != want {
			t.Errorf("%q: Carla Temi shares %q, want %d themes", themes, c.Reasons.Themes, want)
		}
		if _, ok := find(got, "Dario Tag"); ok {
			t.Errorf("%q: Dario Tag suggested, who shares no theme", themes)
		}
	}
}

// TestReasons: a suggestion says which themes (in the proposal's order),
// tags, competencies and words it shares with the proposal.
func TestReasons(t *testing.T) {
	s := tenants(t, "alpha")[0]
	s.seed(t, true, tags, region, regionOrgs)
	got := s.suggest(t, proposal, 10)
	cases := map[string]match.Reasons{
		"Anna Idrogeno": {Themes: []string{"sustainable_mobility", "eco_industries"}, Tags: []string{"idrogeno verde"},
			Competencies: []string{"stoccaggio idrogeno"}, Words: []string{"elettrolizzatori"}},
		"Bruno Batterie": {Themes: []string{"sustainable_mobility"}, Tags: []string{},
			Competencies: []string{"batterie al litio", "elettrolizzatori"}, Words: []string{}},
		"H2 Lombardia": {Themes: []string{"eco_industries"}, Tags: []string{}, Competencies: []string{"idrogeno verde"}, Words: []string{"stoccaggio"}},
		"Dario Tag":    {Themes: []string{}, Tags: []string{"batterie", "idrogeno verde"}, Competencies: []string{}, Words: []string{}},
		"Carla Temi": {Themes: []string{"sustainable_mobility", "eco_industries", "smart_communities"}, Tags: []string{},
			Competencies: []string{}, Words: []string{}},
	}
	for name, want := range cases {
		s, ok := find(got, name)
		if !ok {
			t.Errorf("%s not suggested", name)
			continue
		}
		if !equal(s.Reasons, want) {
			t.Errorf("%s: reasons %+v, want %+v", name, s.Reasons, want)
		}
	}
}

// equal compares reasons field by field (an empty list is none).
func equal(a, b match.Reasons) bool {
	return slices.Equal(a.Themes, b.Themes) && slices.Equal(a.Tags, b.Tags) &&
		slices.Equal(a.Competencies, b.Competencies) && slices.Equal(a.Words, b.Words)
}

// TestCommonWordsIgnored: once the tables' statistics say a word is in
// most profiles, it is not looked for: only the profile holding the
// proposal's rare word is suggested.
func TestCommonWordsIgnored(t *testing.T) {
	s := tenants(t, "alpha")[0]
	s.do(t, func(ctx context.Context, tx bun.Tx) error { // no statistics but those the test takes
		_, err := tx.ExecContext(ctx, "ALTER TABLE profiles SET (autovacuum_enabled = false)")
		return err
	})
	var people []person
	for range 40 {
		people = append(people, person{"Persona Comune", "active", "validated", "{}", "{}", "{}", "Un progetto comune."})
	}
	people = append(people, person{"Elisa Elettrolisi", "active", "validated", "{}", "{}", "{}", "Un progetto di elettrolizzatore."})
	s.seed(t, false, nil, people, nil)
	q := match.Query{Text: "Progetto: un elettrolizzatore per l'innovazione", Language: "it"}
	if got := s.suggest(t, q, 100); len(got) != min(41, match.PerSource) || got[0].Name != "Elisa Elettrolisi" {
		t.Fatalf("before the statistics: %d suggested, first %q; want all 41 (as many as a source gives), Elisa first", len(got), names(got)[:1])
	}
	s.do(t, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "ANALYZE profiles")
		return err
	})
	got := s.suggest(t, q, 100)
	if !slices.Equal(names(got), []string{"Elisa Elettrolisi"}) {
		t.Errorf("after the statistics: %q, want Elisa alone", names(got))
	}
	if len(got) == 1 && strings.Join(got[0].Words, ",") != "elettrolizzatore" {
		t.Errorf("words found: %q, want the rare one alone", got[0].Words)
	}
}

// TestTenants: two tenants with overlapping people (the same ids, names
// alike) each suggest only their own; the second, which does not
// validate profiles, suggests profiles in any state as its directory
// shows them, and a name or competency holding HTML renders inert.
func TestTenants(t *testing.T) {
	ss := tenants(t, "alpha", "beta")
	alpha, beta := ss[0], ss[1]
	alpha.seed(t, true, tags, region, regionOrgs)
	beta.seed(t, false, tags, []person{
		{"Paola Proponente", "active", "draft", "{sustainable_mobility,eco_industries}", "{1,2}", "{stoccaggio idrogeno}", "Elettrolizzatori."},
		{"Zeno Idrogeno (beta)", "active", "draft", "{sustainable_mobility,eco_industries}", "{1,2}", "{stoccaggio idrogeno}", "Elettrolizzatori."},
		{"<script>alert(1)</script> (beta)", "active", "draft", "{}", "{}", "{<b onmouseover=alert(2)>idrogeno</b>}", ""},
		{"Yuri Sospeso (beta)", "suspended", "draft", "{sustainable_mobility}", "{1}", "{stoccaggio idrogeno}", ""},
	}, []org{{"Proponente Beta", "validated", "{eco_industries}", "{idrogeno verde}", ""}, {"Idrogeno Beta (beta)", "validated", "{eco_industries}", "{idrogeno verde}", ""}})
	inAlpha := alpha.suggest(t, proposal, 100)
	for _, s := range inAlpha {
		if strings.Contains(s.Name, "(beta)") {
			t.Errorf("alpha suggests %q of beta", s.Name)
		}
	}
	inBeta := beta.suggest(t, proposal, 100)
	want := []string{"Zeno Idrogeno (beta)", "Idrogeno Beta (beta)", "<script>alert(1)</script> (beta)"}
	if !slices.Equal(names(inBeta), want) {
		t.Errorf("beta suggests %q, want %q", names(inBeta), want)
	}
	// The statement goes prepared on the connections the tenants share:
	// back in alpha after beta, it is alpha's tables it reads.
	if again := alpha.suggest(t, proposal, 100); !slices.Equal(names(again), names(inAlpha)) {
		t.Errorf("alpha after beta suggests %q, before %q", names(again), names(inAlpha))
	}
	out := render(t, match.List{L: bundle(t).For("en"), Invite: "/proposals/1/invite", Suggestions: inBeta})
	if strings.Contains(out, "<script>") || strings.Contains(out, "<b ") || !strings.Contains(out, "&lt;b onmouseover=alert(2)&gt;idrogeno&lt;/b&gt;") {
		t.Errorf("HTML of a profile is live or lost:\n%s", out)
	}
}

// TestCandidate: a person or organisation posted by kind and id is found
// as the directory shows it to members — people of any profile state when
// the tenant does not validate profiles — and never a hidden one, another
// tenant's, or an unknown kind.
func TestCandidate(t *testing.T) {
	ss := tenants(t, "alpha", "beta")
	alpha, beta := ss[0], ss[1]
	alpha.seed(t, true, tags, region, regionOrgs)
	beta.seed(t, false, nil, []person{
		{"Zeno Bozza", "active", "draft", "{}", "{}", "{}", ""}, {"Yuri Sospeso", "suspended", "validated", "{}", "{}", "{}", ""},
	}, nil)
	beta.do(t, func(ctx context.Context, tx bun.Tx) error { // a member without a profile, id 3
		_, err := tx.ExecContext(ctx, "INSERT INTO users (email, display_name, status) VALUES ('x@example.org', 'Xena Senza', 'active')")
		return err
	})
	candidate := func(s site, kind string, id int64) (match.Suggestion, error) {
		var c match.Suggestion
		err := s.in(func(ctx context.Context, tx bun.Tx) error {
			var err error
			c, err = match.Candidate(ctx, tx, kind, id)
			return err
		})
		return c, err
	}
	type lookup struct {
		s    site
		kind string
		id   int64
		name string // "" for not found
	}
	found := []lookup{
		{alpha, match.Person, 2, "Anna Idrogeno"},
		{alpha, match.Organization, 2, "H2 Lombardia"},
		{beta, match.Person, 1, "Zeno Bozza"},
		{beta, match.Person, 3, "Xena Senza"},
		{beta, match.Person, 2, ""},        // suspended
		{beta, match.Person, 11, ""},       // alpha's Ugo, not beta's
		{beta, match.Organization, 2, ""},  // alpha's organisation, not beta's
		{alpha, match.Person, 12, ""},      // nobody
		{alpha, "community", 1, ""},        // not a kind
		{alpha, match.Organization, 4, ""}, // a draft organisation
	}
	for i, p := range region {
		if strings.Contains(p.name, "(hidden)") {
			found = append(found, lookup{alpha, match.Person, int64(i + 1), ""})
		}
	}
	for _, f := range found {
		c, err := candidate(f.s, f.kind, f.id)
		if f.name == "" {
			if !errors.Is(err, match.ErrNotFound) {
				t.Errorf("%s %d: %+v, %v; want not found", f.kind, f.id, c, err)
			}
			continue
		}
		if err != nil || c.Kind != f.kind || c.ID != f.id || c.Name != f.name {
			t.Errorf("%s %d: %+v, %v; want %s", f.kind, f.id, c, err, f.name)
		}
	}
}
