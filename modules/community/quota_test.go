package community_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/tenant"
)

// TestMembersQuotaOfACommunityInvitation: on a plan as large as its
// members, a manager's invitation of an address with no account is refused
// on the community's page with the plan's message, with no account and
// no e-mail; once the plan is raised the invitation goes out with its
// set-up link.
func TestMembersQuotaOfACommunityInvitation(t *testing.T) {
	ctx := context.Background()
	w := moduletest.New(t)
	plan := tenant.PlanInput{Slug: "piccolo", Name: "Piccolo", Members: "7", Storage: "1GiB", Hosts: "0", IdPs: "0"}
	if _, err := w.Reg.CreatePlan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Reg.SetPlan(ctx, "alpha", "piccolo"); err != nil {
		t.Fatal(err)
	}
	anna := w.Browser(t, alpha, "anna")
	closed := create(t, anna, "Tavolo riservato", "closed")
	const email = "invitata@esterno.example"
	invite := func() (int, string) {
		return anna.Send(alpha+"/communities/"+closed, alpha+"/communities/"+closed+"/invite", url.Values{"email": {email}})
	}
	accounts := func() (n int) {
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE email = ?", email).Scan(&n)
		})
		return n
	}
	code, body := invite()
	if code != 409 || !strings.Contains(body, "Questo sito ha già tutti i membri che il suo piano consente") {
		t.Fatalf("an invitation past the plan: %d\n%s", code, body)
	}
	if n := accounts(); n != 0 {
		t.Fatalf("the refused invitation left %d accounts", n)
	}
	plan.Members = "8"
	if _, err := w.Reg.UpdatePlan(ctx, "piccolo", plan); err != nil {
		t.Fatal(err)
	}
	if code, body := invite(); code != 303 {
		t.Fatalf("the invitation after the plan was raised: %d\n%s", code, body)
	}
	if n := accounts(); n != 1 {
		t.Fatalf("%d accounts after the invitation", n)
	}
	if msg := w.SMTP.Wait(t, email); !strings.Contains(msg.Text, "/auth/invite?token=") {
		t.Fatalf("the invitation has no set-up link: %q", msg.Text)
	}
	n := 0
	for _, m := range w.SMTP.Messages() {
		if strings.EqualFold(m.To, email) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d e-mails to the invited address: the refused invitation mailed it", n)
	}
}
