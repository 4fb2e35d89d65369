package admin_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/tenant"
)

// onSmallPlan puts alpha on a plan of its seven members and one identity
// provider, and returns the plan to raise.
func onSmallPlan(t *testing.T, w *moduletest.World) tenant.PlanInput {
	t.Helper()
	plan := tenant.PlanInput{Slug: "piccolo", Name: "Piccolo", Members: "7", Storage: "1GiB", Hosts: "0", IdPs: "1"}
	if _, err := w.Reg.CreatePlan(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Reg.SetPlan(context.Background(), "alpha", "piccolo"); err != nil {
		t.Fatal(err)
	}
	return plan
}

// idpCount is how many identity providers tenant tn has.
func idpCount(t *testing.T, w *moduletest.World, tn *tenant.Tenant) (n int) {
	t.Helper()
	err := w.DB.DB.QueryRowContext(context.Background(), "SELECT count(*) FROM piazza.tenant_idps WHERE tenant_id = ?", tn.ID).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestIdPQuotaInTheAdminArea: on a plan of one identity provider, alpha's
// admin adds one, and a second is refused with the plan's message and no
// row; beta, on its own plan, adds two; once alpha's plan is raised the
// second is added.
func TestIdPQuotaInTheAdminArea(t *testing.T) {
	w := moduletest.New(t)
	alpha, beta := moduletest.Alpha, moduletest.Beta
	plan := onSmallPlan(t, w)
	add := func(b *moduletest.Browser, site, key string) (int, string) {
		return b.Send(site+"/admin/idps/new", site+"/admin/idps", url.Values{"key": {key}, "label": {"SSO " + key}, "kind": {"generic"},
			"issuer": {"https://" + key + ".example/realms/pa"}, "client_id": {"piazza"}, "client_secret": {"segreto"},
			"client_auth": {"client_secret_basic"}, "scopes": {"openid email"}, "link_by": {"email"}})
	}
	admin := w.Browser(t, alpha, "admin")
	if code, body := add(admin, alpha, "primo"); code != 200 {
		t.Fatalf("the first provider within the plan: %d\n%s", code, body)
	}
	code, body := add(admin, alpha, "secondo")
	if code != 422 || !strings.Contains(body, "Il sito ha già tutti i fornitori di identità che il suo piano consente (1).") {
		t.Fatalf("a provider past the plan: %d\n%s", code, body)
	}
	if n := idpCount(t, w, w.A); n != 1 {
		t.Fatalf("the refused provider left alpha with %d providers", n)
	}
	other := w.Browser(t, beta, "admin")
	for _, key := range []string{"uno", "due"} {
		if code, _ := add(other, beta, key); code != 200 {
			t.Fatalf("beta refused provider %s for alpha's plan: %d", key, code)
		}
	}
	plan.IdPs = "2"
	if _, err := w.Reg.UpdatePlan(context.Background(), "piccolo", plan); err != nil {
		t.Fatal(err)
	}
	if code, body := add(admin, alpha, "secondo"); code != 200 {
		t.Fatalf("the provider after the plan was raised: %d\n%s", code, body)
	}
	if n := idpCount(t, w, w.A); n != 2 {
		t.Fatalf("%d providers after the plan was raised", n)
	}
}

// TestMembersQuotaOfTheAdminsInvitation: on a plan as large as its
// members, the admin's invitation of a new address is refused with the
// plan's message, with no account and no e-mail; once the plan is raised
// the invitation goes out.
func TestMembersQuotaOfTheAdminsInvitation(t *testing.T) {
	w := moduletest.New(t)
	alpha := moduletest.Alpha
	plan := onSmallPlan(t, w)
	const email = "invitata@esterno.example"
	admin := w.Browser(t, alpha, "admin")
	invite := func() (int, string) {
		return admin.Send(alpha+"/admin", alpha+"/admin/members/invite", url.Values{"email": {email}})
	}
	accounts := func() (n int) {
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE email = ?", email).Scan(&n)
		})
		return n
	}
	code, body := invite()
	if code != 422 || !strings.Contains(body, `id="invite-error">Questo sito ha già tutti i membri che il suo piano consente`) {
		t.Fatalf("an invitation past the plan: %d\n%s", code, body)
	}
	if n := accounts(); n != 0 {
		t.Fatalf("the refused invitation left %d accounts", n)
	}
	plan.Members = "8"
	if _, err := w.Reg.UpdatePlan(context.Background(), "piccolo", plan); err != nil {
		t.Fatal(err)
	}
	if code, body := invite(); code != 200 || !strings.Contains(body, email) {
		t.Fatalf("the invitation after the plan was raised: %d\n%s", code, body)
	}
	if n := accounts(); n != 1 {
		t.Fatalf("%d accounts after the invitation", n)
	}
	w.SMTP.Wait(t, email)
	if n := mailsTo(w, email); n != 1 {
		t.Fatalf("%d e-mails to the invited address: the refused invitation mailed it", n)
	}
}

// mailsTo counts the e-mails to address that have arrived.
func mailsTo(w *moduletest.World, address string) (n int) {
	for _, m := range w.SMTP.Messages() {
		if strings.EqualFold(m.To, address) {
			n++
		}
	}
	return n
}
