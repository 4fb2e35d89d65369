package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/setting"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// An admin's own row offers no control over their account, and a forged
// request to suspend or demote themselves is refused with the reason:
// they stay an active admin.
func TestAdminCannotLockThemselvesOut(t *testing.T) {
	w := moduletest.New(t)
	const alpha = moduletest.Alpha
	adm := w.Browser(t, alpha, "admin")
	self, anna := w.ID("alpha", "admin"), w.ID("alpha", "anna")
	_, page := adm.Get(alpha + "/admin")
	for _, a := range []string{"suspend", "role"} {
		if strings.Contains(page, fmt.Sprintf(`action="/admin/members/%d/%s"`, self, a)) {
			t.Errorf("the admin's own row offers %s", a)
		}
		if !strings.Contains(page, fmt.Sprintf(`action="/admin/members/%d/%s"`, anna, a)) {
			t.Errorf("another member's row does not offer %s", a)
		}
	}
	forged := []struct {
		name, action string
		form         url.Values
		says         string
	}{
		{"suspend themselves", "suspend", nil, "Non puoi sospendere il tuo account"},
		{"become a member", "role", url.Values{"role": {"member"}}, "Non puoi togliere a te stesso il ruolo di amministratore"},
		{"become a validator", "role", url.Values{"role": {"validator"}}, "Non puoi togliere a te stesso il ruolo di amministratore"},
	}
	for _, f := range forged {
		code, body := adm.Send(alpha+"/admin", alpha+fmt.Sprintf("/admin/members/%d/%s", self, f.action), f.form)
		if code != 409 || !strings.Contains(body, f.says) {
			t.Errorf("%s: %d, want 409 saying %q", f.name, code, f.says)
		}
	}
	var status string
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		u, err := auth.UserByID(ctx, tx, self)
		if u != nil {
			status = u.Status
		}
		return err
	})
	if status != auth.StatusActive {
		t.Errorf("the admin's account is %q after the refusals", status)
	}
	if code, page := adm.Get(alpha + "/admin?q=admin"); code != 200 || !strings.Contains(page, `id="self"`) {
		t.Errorf("the admin lost the admin area: %d", code)
	}
	// The same requests about someone else go through.
	if code, _ := adm.Send(alpha+"/admin", alpha+fmt.Sprintf("/admin/members/%d/suspend", anna), nil); code != 200 {
		t.Errorf("suspend another member: %d", code)
	}
	// The audit log says so in words, and holds no refused action.
	_, log := adm.Get(alpha + "/admin/audit")
	if !strings.Contains(log, `Account sospeso: <span class="fw-semibold">anna@alpha.example</span>`) || strings.Contains(log, "admin@alpha.example</span>") {
		t.Error("the audit log does not say who was suspended, or records a refusal")
	}
}

// Turning password sign-in off needs the admin to tick that they
// understand; without it (or without an identity provider to sign in
// with) nothing changes. Once off, members can no longer sign in with a
// password.
func TestTurningLocalAccountsOffAsksForConfirmation(t *testing.T) {
	w := moduletest.New(t)
	const alpha, beta = moduletest.Alpha, moduletest.Beta
	adm := w.Browser(t, alpha, "admin")
	localOn := func() bool {
		var on bool
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			var err error
			on, err = setting.Bool(ctx, tx, auth.SettingLocalAccounts)
			return err
		})
		return on
	}
	_, page := adm.Get(alpha + "/admin")
	if !strings.Contains(page, `type="checkbox" id="confirm" name="confirm" value="yes" required`) || !strings.Contains(page, "non potrà più entrare") {
		t.Error("the switch does not ask to confirm the consequence")
	}
	refusals := []struct {
		name string
		form url.Values
		says string
	}{
		{"unconfirmed", url.Values{"on": {"off"}}, "conferma di aver capito"},
		{"not ticked", url.Values{"on": {"off"}, "confirm": {""}}, "conferma di aver capito"},
		{"confirmed, but no identity provider", url.Values{"on": {"off"}, "confirm": {"yes"}}, "Nessun fornitore di identità è attivo"},
	}
	for _, r := range refusals {
		code, body := adm.Send(alpha+"/admin", alpha+"/admin/local-accounts", r.form)
		if code != 422 || !strings.Contains(body, r.says) || !strings.Contains(body, `href="#confirm"`) {
			t.Errorf("%s: %d, want 422 saying %q, linked to the box", r.name, code, r.says)
		}
		if !localOn() {
			t.Fatalf("%s: local accounts were turned off", r.name)
		}
	}
	if code, _ := adm.Send(alpha+"/admin/idps/new", alpha+"/admin/idps", url.Values{"key": {"regione"}, "label": {"Regione"}, "kind": {"generic"},
		"issuer": {"https://sso.regione.example"}, "client_id": {"piazza"}, "client_secret": {"s"}, "client_auth": {"client_secret_basic"}, "link_by": {"email"}}); code != 200 {
		t.Fatalf("add an identity provider: %d", code)
	}
	if code, _ := adm.Send(alpha+"/admin", alpha+"/admin/local-accounts", url.Values{"on": {"off"}}); code != 422 || !localOn() {
		t.Fatalf("unconfirmed with an identity provider: %d, on %v", code, localOn())
	}
	// Beta's admin cannot turn alpha's off, confirmed or not.
	if code, _ := w.Browser(t, beta, "admin").Send(beta+"/admin", alpha+"/admin/local-accounts", url.Values{"on": {"off"}, "confirm": {"yes"}}); code != 403 || !localOn() {
		t.Fatalf("beta's admin at alpha: %d, on %v", code, localOn())
	}
	guest := w.Browser(t, alpha, "")
	_, login := guest.Get(alpha + "/auth/login")
	token := webtest.CSRF(login)
	code, body := adm.Send(alpha+"/admin", alpha+"/admin/local-accounts", url.Values{"on": {"off"}, "confirm": {"yes"}})
	if code != 200 || localOn() || !strings.Contains(body, "sono disattivati") {
		t.Fatalf("confirmed: %d, on %v", code, localOn())
	}
	res, _ := guest.Post(alpha+"/auth/login", alpha+"/auth/login", url.Values{"_csrf": {token}, "email": {"anna@alpha.example"}, "password": {moduletest.Password}})
	if res.StatusCode == 303 {
		t.Error("a member still signs in with a password")
	}
	if code, _ := adm.Send(alpha+"/admin", alpha+"/admin/local-accounts", url.Values{"on": {"on"}}); code != 200 || !localOn() {
		t.Errorf("turn them back on: %d", code)
	}
}
