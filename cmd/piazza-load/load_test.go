package main

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"
	"github.com/valyala/fasthttp"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/web/webtest"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// tiny are the figures of the tests' tenant.
var tiny = figures{Users: 30, Organizations: 4, Communities: 12, News: 40, Discussions: 12, Joins: 2, Replies: 2,
	Proposals: 200, Interests: 60, Projects: 1, Seed: 1}

const testPassword = "una password di prova"

// TestLoad seeds a tenant at tiny figures in the test world (its admins
// having added two tags), checks what it holds, signs every member in,
// checks what they see of proposals, drives load at every kind of page and
// seeds it again.
func TestLoad(t *testing.T) {
	w := moduletest.New(t)
	addTags(t, w, "load-0001")
	sites, err := seedTenants(context.Background(), w.Reg, tiny, seedOptions{tenants: 1, prefix: "load", password: testPassword, progress: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	tn, err := w.Reg.Get(context.Background(), "load-0001")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("counts", func(t *testing.T) { checkCounts(t, w, tn) })
	t.Run("proposals", func(t *testing.T) { checkProposals(t, w, tn) })
	t.Run("interests", func(t *testing.T) { checkInterests(t, w, tn) })
	if len(sites) != 1 || len(sites[0].Members) != tiny.Users || sites[0].Host != "load-0001.piazza.test" {
		t.Fatalf("sites: %d, members %d", len(sites), len(sites[0].Members))
	}
	t.Run("sign in", func(t *testing.T) { signIn(t, w, tn, sites[0]) })
	t.Run("proposal scope", func(t *testing.T) { proposalScope(t, w, tn, sites[0]) })
	t.Run("run", func(t *testing.T) { run(t, w, sites) })
	t.Run("again", func(t *testing.T) { seedAgain(t, w, tn, sites) })
}

// notWorkGroup keeps the communities (by their id, col) seeded as such,
// not the proposals' work groups.
func notWorkGroup(col string) string {
	return " WHERE " + col + " NOT IN (SELECT work_group_id FROM proposals WHERE work_group_id IS NOT NULL)" +
		" AND " + col + " NOT IN (SELECT community_id FROM projects)"
}

// checkCounts checks that the tenant holds the figures' people,
// organisations, communities of every kind (besides the work groups and
// the projects' communities),
// news, discussions, proposals and expressions of interest, and text that
// search finds.
func checkCounts(t *testing.T, w *moduletest.World, tn *tenant.Tenant) {
	counts := map[string]int{
		"SELECT count(*) FROM users WHERE status = 'active'":                                              tiny.Users,
		"SELECT count(*) FROM profiles":                                                                   tiny.Users,
		"SELECT count(*) FROM organizations":                                                              tiny.Organizations,
		"SELECT count(DISTINCT organization_id) FROM organization_members WHERE role = 'referent'":        tiny.Organizations,
		"SELECT count(*) FROM communities" + notWorkGroup("id"):                                           tiny.Communities,
		"SELECT count(DISTINCT kind) FROM communities":                                                    3,
		"SELECT count(*) FROM communities WHERE parent_id IS NOT NULL":                                    1,
		"SELECT count(*) FROM community_members" + notWorkGroup("community_id") + " AND role = 'manager'": tiny.Communities,
		"SELECT count(*) FROM news":                                                                       tiny.News,
		"SELECT count(*) FROM discussions":                                                                tiny.Discussions,
		"SELECT count(*) FROM proposals":                                                                  tiny.Proposals,
		"SELECT count(*) FROM proposal_interests":                                                         tiny.Interests,
		"SELECT count(*) FROM projects":                                                                   tiny.Projects,
		"SELECT count(*) FROM sessions WHERE method = 'load'":                                             tiny.Users,
	}
	w.In(t, tn, func(ctx context.Context, tx bun.Tx) error {
		for q, want := range counts {
			var n int
			if err := tx.QueryRowContext(ctx, q).Scan(&n); err != nil {
				return err
			}
			if n != want {
				t.Errorf("%s: %d, want %d", q, n, want)
			}
		}
		var public, community, replies, found int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE public), count(*) FILTER (WHERE scope_kind = 'communities'),
			(SELECT count(*) FROM comments WHERE content_type = 'discussion'),
			(SELECT count(*) FROM news WHERE search @@ websearch_to_tsquery(piazza_ts_config(language), ?))
			FROM news`, commonWords(&italian)[0]).Scan(&public, &community, &replies, &found)
		if public == 0 || community == 0 || replies == 0 || found == 0 {
			t.Errorf("public news %d, in communities %d, replies %d, news found by %q %d: want some of each",
				public, community, replies, commonWords(&italian)[0], found)
		}
		return err
	})
}

// signIn checks that every seeded member opens their dashboard with the
// seed's session and signs in with the seed's password.
func signIn(t *testing.T, w *moduletest.World, tn *tenant.Tenant, s Site) {
	t.Helper()
	emails := map[int64]string{}
	w.In(t, tn, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT id, email FROM users")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var e string
			if err := rows.Scan(&id, &e); err != nil {
				return err
			}
			emails[id] = e
		}
		return rows.Err()
	})
	site := "http://" + s.Host
	for _, m := range s.Members {
		b := webtest.NewBrowser(t, w.Addr)
		u, _ := url.Parse(site)
		b.Client.Jar.SetCookies(u, []*http.Cookie{{Name: session.CookieName, Value: m.Cookie}})
		if code, _ := b.Get(site + "/dashboard"); code != 200 {
			t.Errorf("member %d with the seed's session: dashboard %d", m.ID, code)
		}
		fresh := webtest.NewBrowser(t, w.Addr)
		res, _ := fresh.Post(site+"/auth/login", site+"/auth/login", url.Values{"email": {emails[m.ID]}, "password": {testPassword}})
		if res.StatusCode != 303 {
			t.Errorf("sign-in of %s: %d", emails[m.ID], res.StatusCode)
		}
	}
}

// seedAgain checks that the same figures are seeded again by signing the
// members in anew, leaving the content as it was (the proposals' work
// groups apart from the communities asked for), and that other figures,
// proposals and expressions of interest included, are refused.
func seedAgain(t *testing.T, w *moduletest.World, tn *tenant.Tenant, first []Site) {
	ctx := context.Background()
	again, err := seedTenants(ctx, w.Reg, tiny, seedOptions{tenants: 1, prefix: "load", password: testPassword, progress: io.Discard})
	if err != nil {
		t.Fatalf("seeding the same figures again: %v", err)
	}
	if len(again[0].Members) != len(first[0].Members) || again[0].Members[0].Cookie == first[0].Members[0].Cookie {
		t.Errorf("seeding again: %d members (had %d), new sessions: %v", len(again[0].Members), len(first[0].Members),
			again[0].Members[0].Cookie != first[0].Members[0].Cookie)
	}
	if len(again[0].Proposals.All) != len(first[0].Proposals.All) || len(again[0].Proposers) != len(first[0].Proposers) {
		t.Errorf("seeding again: %d proposals for the whole tenant and %d proposers, had %d and %d", len(again[0].Proposals.All),
			len(again[0].Proposers), len(first[0].Proposals.All), len(first[0].Proposers))
	}
	checkCounts(t, w, tn)
	for _, c := range []struct {
		change func(*figures)
		want   string
	}{
		{func(f *figures) { f.Users++ }, "already holds 30 people"},
		{func(f *figures) { f.Proposals++ }, "not the 30, 4, 12, 201, 60, 1 and 0 asked"},
		{func(f *figures) { f.Interests-- }, "not the 30, 4, 12, 200, 59, 1 and 0 asked"},
	} {
		more := tiny
		c.change(&more)
		_, err = seedTenants(ctx, w.Reg, more, seedOptions{tenants: 1, prefix: "load", password: testPassword, progress: io.Discard})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("seeding other figures into a seeded tenant: %v, want a refusal (%s)", err, c.want)
		}
	}
}

// run drives every kind of page for a few hundred requests.
func run(t *testing.T, w *moduletest.World, sites []Site) {
	var kinds []string
	for k := range pageKinds {
		kinds = append(kinds, k)
	}
	pages, err := parsePages(strings.Join(kinds, ",")+",/news?q=x", sites)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := serverPID(w.Addr)
	if err != nil || pid != os.Getpid() {
		t.Errorf("server's process: %d, %v; want %d", pid, err, os.Getpid())
	}
	l := load{addr: w.Addr, conns: 4, requests: 300, pages: pages, sites: sites, members: spread(sites, 0)}
	total, byPage := l.drive(context.Background())
	if total.Requests != 300 || total.Errors != 0 || total.Rate() <= 0 || total.Percentile(0.99) <= 0 {
		t.Errorf("run: %d requests, %d errors %v, %.1f req/s, p99 %s", total.Requests, total.Errors, total.Statuses, total.Rate(), total.Percentile(0.99))
	}
	for name, r := range byPage {
		if r.Errors > 0 {
			t.Errorf("%s: %d errors %v", name, r.Errors, r.Statuses)
		}
	}
	// A member's requests keep the CSRF cookie they send, as a browser's:
	// the server sets none.
	req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	request(req, sites[0].Host, "/dashboard", sites[0].Members[0].Cookie)
	if err := (&fasthttp.HostClient{Addr: w.Addr}).Do(req, res); err != nil || res.StatusCode() != 200 {
		t.Errorf("dashboard: %d %v", res.StatusCode(), err)
	} else if c := res.Header.PeekCookie(csrf.CookieName); len(c) > 0 {
		t.Errorf("the server set a new CSRF cookie: %s", c)
	}
	// A member whose session has ended is answered as a guest: every
	// request of theirs fails, as signed out.
	ended := slices.Clone(sites)
	ended[0].Members = slices.Clone(sites[0].Members)
	for i := range ended[0].Members {
		ended[0].Members[i].Cookie = strings.Repeat("x", 43)
	}
	gone := load{addr: w.Addr, conns: 2, requests: 40, pages: pages, sites: ended, members: spread(ended, 0)}
	if total, _ := gone.drive(context.Background()); total.Errors != 40 || total.Statuses[signedOut] != 40 {
		t.Errorf("members signed out: %d errors %v, want 40 signed out", total.Errors, total.Statuses)
	}
	var out bytes.Buffer
	l.requests = 50
	if err := l.report(context.Background(), &out, pid, true); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"warm-up: each member once", "req/s", "p99", "RSS before", "server RSS after", "cached"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestPages(t *testing.T) {
	sites := []Site{{Host: "a.example", Members: []Member{{ID: 1}}}}
	if _, err := parsePages("news,nothing", sites); err == nil || !strings.Contains(err.Error(), `"nothing"`) {
		t.Errorf("an unknown kind: %v", err)
	}
	if _, err := parsePages("news-item", sites); err == nil || !strings.Contains(err.Error(), "a.example has no published news") {
		t.Errorf("items where there are none: %v", err)
	}
	p, err := parsePages("both,/people?q=rossi", sites)
	if err != nil || len(p) != 3 || p[2].path(nil, &sites[0], &sites[0].Members[0]) != "/people?q=rossi" {
		t.Errorf("both and a path: %v %v", p, err)
	}
	if _, err := parsePages("proposal-own", sites); err == nil || !strings.Contains(err.Error(), "no members with a published proposal") {
		t.Errorf("a proposer's page where nobody proposed anything: %v", err)
	}
	sites[0].Members = append(sites[0].Members, Member{ID: 2, Proposals: []int64{7}})
	sites[0].Proposers = []int{1}
	p, err = parsePages("proposal-own", sites)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	if m := p[0].as(rng, &sites[0]); m.ID != 2 || p[0].path(rng, &sites[0], m) != "/proposals/7" {
		t.Errorf("a proposer's page: %s as member %d, want /proposals/7 as 2", p[0].path(rng, &sites[0], m), m.ID)
	}
}

func TestFigures(t *testing.T) {
	for _, c := range []struct {
		f  figures
		ok bool
	}{
		{tiny, true},
		{figures{}, true},
		{figures{Users: 3, News: -1}, false},
		{figures{Communities: 2}, false},
		{figures{Users: 3, Proposals: 2}, true},
		{figures{Users: 3, Interests: 2}, false},
		{figures{Users: 3, Proposals: -1}, false},
		{figures{Users: 3, Organizations: 1, Projects: 1}, true},
		{figures{Users: 3, Projects: 1}, false},
		{figures{Users: 1, Organizations: 1, Projects: 1}, false},
	} {
		if err := c.f.check(); (err == nil) != c.ok {
			t.Errorf("%+v: %v", c.f, err)
		}
	}
}
