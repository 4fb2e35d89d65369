package console_test

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/operator"
	"github.com/piazza-pa/piazza/platform/secret"
)

// A tenant's sign-in methods are seen and changed by the operators only:
// another tenant's admin neither sees beta's provider in their admin area
// nor reaches it there (404), and on the console host they are a visitor
// whose changes are refused. The operator's changes are recorded, and a
// change that would leave nobody a way in is refused.
func TestSignInMethodsIsolation(t *testing.T) {
	ctx := context.Background()
	w := moduletest.New(t)
	box, err := secret.New(bytes.Repeat([]byte{5}, 32)) // the world's box
	if err != nil {
		t.Fatal(err)
	}
	store := idp.NewStore(w.DB.DB, box)
	if err := store.Add(ctx, &idp.IdP{TenantID: w.B.ID, Key: "beta-sso", Label: "SSO di Beta", Issuer: "https://sso.beta.example/realms/pa",
		ClientID: "piazza-beta", ClientSecret: "beta-secret"}); err != nil {
		t.Fatal(err)
	}
	alpha := w.Browser(t, moduletest.Alpha, "admin")
	if code, page := alpha.Get(moduletest.Alpha + "/admin"); code != 200 || strings.Contains(page, "sso.beta.example") || strings.Contains(page, "SSO di Beta") {
		t.Fatalf("alpha's admin area (%d) shows beta's provider", code)
	}
	if code, _ := alpha.Get(moduletest.Alpha + "/admin/idps/beta-sso"); code != 404 {
		t.Fatalf("beta's provider from alpha's admin area: %d", code)
	}
	if code, _ := alpha.Send(moduletest.Alpha+"/admin", moduletest.Alpha+"/admin/idps/beta-sso/disable", nil); code != 404 {
		t.Fatalf("disabling beta's provider from alpha: %d", code)
	}
	// On the console host alpha's admin is nobody: the sign-in form, and
	// every change refused.
	stranger := w.Browser(t, consoleSite, "")
	if code, page := stranger.Get(consoleSite + "/tenants/beta"); code != 200 || strings.Contains(page, "beta-sso") || !strings.Contains(page, `name="password"`) {
		t.Fatalf("beta's console page to a visitor: %d", code)
	}
	for _, path := range []string{"/tenants/beta/signin/idps/beta-sso/remove", "/tenants/beta/signin/local", "/tenants/beta/signin/idps"} {
		if code, _ := stranger.Send(consoleSite+"/", consoleSite+path, url.Values{"on": {"off"}, "issuer": {"https://evil.example"}, "client_id": {"x"}}); code != 403 {
			t.Fatalf("%s by a visitor: %d", path, code)
		}
	}
	if i, err := store.Get(ctx, w.B.ID, "beta-sso"); err != nil || !i.Enabled {
		t.Fatalf("beta's provider after the attempts: %+v %v", i, err)
	}
	// The operator turns beta's local accounts off (its provider is
	// enabled), then may not remove the provider: nobody could sign in.
	if _, err := operator.Create(ctx, w.DB.DB, opsEmail, "Operatrice", opsPassword); err != nil {
		t.Fatal(err)
	}
	ops := w.Browser(t, consoleSite, "")
	if code, _ := ops.Send(consoleSite+"/", consoleSite+"/login", url.Values{"email": {opsEmail}, "password": {opsPassword}}); code != 303 {
		t.Fatalf("operator sign-in: %d", code)
	}
	if code, page := ops.Send(consoleSite+"/tenants/beta", consoleSite+"/tenants/beta/signin/local", url.Values{"on": {"off"}}); code != 200 || !strings.Contains(page, "beta-sso") {
		t.Fatalf("local accounts off: %d", code)
	}
	if code, page := ops.Send(consoleSite+"/tenants/beta", consoleSite+"/tenants/beta/signin/idps/beta-sso/remove", nil); code != 409 || !strings.Contains(page, "senza alcun modo di accesso") {
		t.Fatalf("removing the last way in: %d", code)
	}
	if _, err := store.Get(ctx, w.B.ID, "beta-sso"); errors.Is(err, idp.ErrNotFound) {
		t.Fatal("the last way in was removed")
	}
	if code, page := ops.Get(consoleSite + "/tenants/beta"); code != 200 || !strings.Contains(page, "tenant.local_accounts") {
		t.Fatalf("beta's audit log on the console (%d) lacks the change", code)
	}
	// Alpha's own methods did not move.
	if code, page := alpha.Get(moduletest.Alpha + "/admin"); code != 200 || !strings.Contains(page, "Disattiva l&#39;accesso con password") && !strings.Contains(page, "Turn password sign-in off") {
		t.Fatalf("alpha's local accounts after beta's change (%d)", code)
	}
}
