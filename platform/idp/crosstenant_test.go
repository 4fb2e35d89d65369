package idp_test

import (
	"context"
	"strings"
	"testing"
)

// The provider's answer to a sign-in started at tenant A, brought to tenant
// B's callback (same provider key, same browser), is refused with a page
// that says why, and signs the person in at neither.
func TestCallbackOfAnotherTenantRefused(t *testing.T) {
	w := newWorld(t)
	c := w.browser()
	reqID, _ := toIdP(t, c, "http://alpha.piazza.test/auth/oidc/regione/login")
	alphaCallback := w.atIdP(t, c, reqID)
	if !strings.HasPrefix(alphaCallback, "http://alpha.piazza.test/auth/oidc/regione/callback?") {
		t.Fatalf("callback: %s", alphaCallback)
	}
	atBeta := strings.Replace(alphaCallback, "alpha.piazza.test", "beta.piazza.test", 1)
	p := get(t, c, atBeta)
	if p.status != 403 || !strings.Contains(p.body, "Accesso negato") || !strings.Contains(p.body, "sconosciuto") {
		t.Fatalf("alpha's answer at beta: %d %s", p.status, p.body)
	}
	for _, host := range []string{"beta", "alpha"} {
		if home := get(t, c, "http://"+host+".piazza.test/"); !strings.Contains(home.body, "/auth/login") {
			t.Errorf("signed in at %s", host)
		}
	}
	var users int
	if err := w.d.Admin(t).QueryRow(context.Background(), "SELECT (SELECT count(*) FROM t_alpha.users) + (SELECT count(*) FROM t_beta.users)").Scan(&users); err != nil || users != 0 {
		t.Fatalf("accounts made: %d %v", users, err)
	}
}
