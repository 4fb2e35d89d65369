package auth_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// userMenuRE is the member's menu of a page ("" when there is none).
var userMenuRE = regexp.MustCompile(`(?s)<div class="dropdown-menu[^"]*" id="user-menu".*?</ul>`)

// activitiesRE is the "my activities" entry and its count, if any.
var activitiesRE = regexp.MustCompile(`href="/dashboard/inbox"><span>Le mie attività</span>(?: <span class="badge[^"]*">([^<]+)</span>)?</a>`)

// TestUserMenu: every member's menu leads to their profile, their
// activities (with the number waiting for them, theirs only), their
// password and out; the administration only for the tenant's admins.
func TestUserMenu(t *testing.T) {
	w := moduletest.New(t)
	const alpha, beta = moduletest.Alpha, moduletest.Beta
	menu := func(b *moduletest.Browser, site string) string {
		t.Helper()
		_, page := b.Get(site + "/")
		return userMenuRE.FindString(page)
	}
	admins := map[string]bool{"admin": true}
	for _, name := range []string{"admin", "validator", "facilitator", "anna"} {
		m := menu(w.Browser(t, alpha, name), alpha)
		for _, want := range []string{`href="/profile"`, `href="/dashboard/inbox"`, `href="/auth/password"`, `action="/auth/logout"`, `name="_csrf"`} {
			if !strings.Contains(m, want) {
				t.Errorf("%s's menu lacks %s: %q", name, want, m)
			}
		}
		if got := strings.Contains(m, `href="/admin"`); got != admins[name] {
			t.Errorf("%s's menu leads to the administration: %v", name, got)
		}
	}
	if m := menu(w.Browser(t, alpha, ""), alpha); m != "" {
		t.Errorf("a guest has a member's menu: %q", m)
	}
	// beta's admin administers beta, not alpha: alpha's admin entry is
	// alpha's admins' only.
	if m := menu(w.Browser(t, beta, "admin"), beta); !strings.Contains(m, `href="/admin"`) {
		t.Error("beta's admin has no administration entry at beta")
	}

	// bruno asks to join anna's reserved community: one thing waits for
	// anna, none for bruno nor for beta's anna.
	anna, bruno := w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "bruno")
	count := func(b *moduletest.Browser, site string) string {
		t.Helper()
		m := activitiesRE.FindStringSubmatch(menu(b, site))
		if m == nil {
			t.Fatalf("no \"my activities\" entry at %s", site)
		}
		return m[1]
	}
	if n := count(anna, alpha); n != "" {
		t.Fatalf("anna's activities before any request: %q", n)
	}
	if code, _ := anna.Send(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {"Ricerca clinica"}, "kind": {"reserved"}}); code != 303 {
		t.Fatal(code)
	}
	var cid int64
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT id FROM communities WHERE name = 'Ricerca clinica'").Scan(&cid)
	})
	if code, _ := bruno.Send(alpha+"/communities", alpha+fmt.Sprintf("/communities/%d/join", cid), nil); code != 303 {
		t.Fatal(code)
	}
	if n := count(anna, alpha); n != "1" {
		t.Errorf("anna's activities after bruno's request: %q, want 1", n)
	}
	if n := count(bruno, alpha); n != "" {
		t.Errorf("bruno's activities count anna's request: %q", n)
	}
	if n := count(w.Browser(t, beta, "anna"), beta); n != "" {
		t.Errorf("beta's anna counts alpha's request: %q", n)
	}
}
