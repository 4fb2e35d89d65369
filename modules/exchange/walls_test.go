package exchange_test

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/db"
)

// secretA and secretB mark every field of alpha's proposal and of beta's
// respondent that is not meant to cross.
const secretA, secretB = "SEGRETO-ALFA", "SEGRETO-BETA"

// TestOnlySnapshotCrosses: with a secret marker in every non-public field
// of a shared proposal (description, offer, expectations, organisation,
// the proposer's names and address) and of the respondent (names, fiscal
// number, an organisation not chosen), none reaches the control plane, the
// other tenant's pages or the other tenant's schema; what crosses is the
// snapshot's fields and the interest's name, chosen organisation, tenant
// and offer.
func TestOnlySnapshotCrosses(t *testing.T) {
	w := moduletest.New(t)
	w.StartJobs(t, time.Now)
	optIn(t, w, alpha, "join")
	optIn(t, w, beta, "join")
	var orgA int64
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.QueryRowContext(ctx, "INSERT INTO organizations (name) VALUES ('Ente "+secretA+"') RETURNING id").Scan(&orgA); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO organization_members (organization_id, user_id, state) VALUES (?, ?, 'active')", orgA, w.ID("alpha", "anna")); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE users SET given_name = ?, family_name = ?, fiscal_number = ? WHERE id = ?",
			secretA, secretA, secretA, w.ID("alpha", "anna"))
		return err
	})
	id := publish(t, w, "Idrogeno verde", url.Values{"body": {"Corpo " + secretA}, "offer": {"Offerta " + secretA},
		"expected": {"Attese " + secretA}, "organization_id": {itoa(orgA)}})
	anna, bruno := w.Browser(t, alpha, "anna"), w.Browser(t, beta, "bruno")
	w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO organizations (name) VALUES ('Altro "+secretB+"')"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE users SET given_name = ?, family_name = ?, fiscal_number = ? WHERE id = ?",
			secretB, secretB, secretB, w.ID("beta", "bruno"))
		return err
	})
	shareIt(t, anna, id, "share")
	waitFor(t, bruno, beta+"/exchange", "beta sees the proposal", listed("Idrogeno verde"))
	_, list := bruno.Get(beta + "/exchange")
	sid := opportunityRE.FindStringSubmatch(list)[1]
	_, page := bruno.Get(beta + "/exchange/" + sid)
	for _, p := range []string{list, page} {
		if strings.Contains(p, secretA) {
			t.Error("a page of beta shows a field of alpha's proposal that is not public")
		}
	}
	if code, _ := bruno.Send(beta+"/exchange/"+sid, beta+"/exchange/"+sid+"/interest", url.Values{"offer": {"Elettrolizzatori"}}); code != 303 {
		t.Fatalf("interest: %d", code)
	}
	waitFor(t, anna, alpha+"/proposals/"+id, "the interest at alpha", listed("Comune di Beta"))
	for _, table := range []string{"exchange_snapshots", "exchange_mailbox", "exchange_members"} {
		leaked := control[int](t, w, "SELECT count(*) FROM piazza."+table+" AS x WHERE row_to_json(x)::text ~ ?",
			secretA+"|"+secretB+"|@alpha\\.example|@beta\\.example")
		if leaked != 0 {
			t.Errorf("%d rows of %s hold a field not meant to cross", leaked, table)
		}
	}
	if n := control[int](t, w, "SELECT count(*) FROM piazza.exchange_snapshots WHERE title = 'Idrogeno verde' AND summary = 'Sintesi di Idrogeno verde' AND themes = '{health}' AND countries = '{IT,FR}' AND stage = '4' AND origin_name = 'Comune di Alpha'"); n != 1 {
		t.Error("the snapshot does not hold the public fields")
	}
	if n := in[int](t, w, w.A, "SELECT count(*) FROM proposal_interests AS i WHERE row_to_json(i)::text ~ ?", secretB+"|@beta\\.example"); n != 0 {
		t.Error("a field of beta's respondent not meant to cross reached alpha")
	}
	if n := in[int](t, w, w.A, "SELECT count(*) FROM proposal_interests WHERE external_name = 'Bruno' AND external_tenant = 'Comune di Beta' AND offer = 'Elettrolizzatori'"); n != 1 {
		t.Error("the interest did not arrive with its public fields")
	}
}

// recorder keeps every statement run through the pool and the failures.
type recorder struct {
	mu     sync.Mutex
	all    []string
	denied []string
}

func (r *recorder) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (r *recorder) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, e.Query)
	if e.Err != nil && strings.Contains(e.Err.Error(), "permission denied") {
		r.denied = append(r.denied, e.Query+": "+e.Err.Error())
	}
}

// TestWalls proves, as the tenants' isolation tests do, that the exchange
// never runs a query in one tenant's transaction against another tenant's
// schema. The walls make such a query fail (permission denied), and the
// exchange's tables are beyond them too: inside a tenant's transaction the
// control plane's snapshots and mailbox and another tenant's outbox are
// out of reach. Then, through the whole exchange (opting in, sharing, the
// outbox job, listing, an interest delivered, evaluated and the evaluation
// told to the respondent, opting out), every
// statement the server and the jobs ran is recorded: none was refused by a
// wall (so none tried to cross one), and none names a tenant's schema (so
// each ran only where its transaction's search path put it: its own tenant).
func TestWalls(t *testing.T) {
	w := moduletest.New(t)
	ctx := context.Background()
	for _, q := range []string{
		"SELECT count(*) FROM piazza.exchange_snapshots", "SELECT count(*) FROM piazza.exchange_mailbox",
		"SELECT count(*) FROM piazza.exchange_members", "INSERT INTO piazza.exchange_members (tenant_id) VALUES (1)",
		"SELECT count(*) FROM piazza.exchange_replies", "SELECT count(*) FROM " + w.B.SchemaName + ".exchange_reply_outbox",
		"SELECT count(*) FROM " + w.B.SchemaName + ".partnership_interests",
		"SELECT count(*) FROM " + w.B.SchemaName + ".exchange_outbox", "SELECT count(*) FROM " + w.B.SchemaName + ".proposal_interests",
		"INSERT INTO " + w.B.SchemaName + ".exchange_outbox (item_type, item_id) VALUES ('proposal', 1)",
	} {
		err := db.InTenant(ctx, w.DB.DB, w.A.Scope(), func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, q)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("in alpha's transaction %s: %v, want permission denied", q, err)
		}
	}
	rec := &recorder{}
	db.AddQueryHook(w.DB.DB, rec)
	w.StartJobs(t, time.Now)
	optIn(t, w, alpha, "join")
	optIn(t, w, beta, "join")
	anna, bruno := w.Browser(t, alpha, "anna"), w.Browser(t, beta, "bruno")
	id := publish(t, w, "Reti di sensori", nil)
	shareIt(t, anna, id, "share")
	waitFor(t, bruno, beta+"/exchange", "beta sees the proposal", listed("Reti di sensori"))
	_, list := bruno.Get(beta + "/exchange?q=sensori&theme=health")
	sid := opportunityRE.FindStringSubmatch(list)[1]
	if code, _ := bruno.Send(beta+"/exchange/"+sid, beta+"/exchange/"+sid+"/interest", url.Values{"offer": {"Antenne"}}); code != 303 {
		t.Fatalf("interest: %d", code)
	}
	waitFor(t, anna, alpha+"/dashboard/inbox", "the interest at alpha", listed("Comune di Beta"))
	iid := in[int64](t, w, w.A, "SELECT id FROM proposal_interests WHERE proposal_id = ?", id)
	if code, _ := anna.Send(alpha+"/proposals/interests/"+itoa(iid), alpha+"/proposals/interests/"+itoa(iid)+"/do/not_relevant", nil); code != 303 {
		t.Fatal("evaluate")
	}
	waitFor(t, bruno, beta+"/exchange/"+sid, "the evaluation told in beta", func(code int, page string) bool {
		return code == 200 && strings.Contains(page, `id="reply-latest"`)
	})
	shareIt(t, anna, id, "withdraw")
	waitFor(t, bruno, beta+"/exchange", "withdrawn", unlisted("Reti di sensori"))
	optIn(t, w, alpha, "leave")
	time.Sleep(500 * time.Millisecond) // the jobs' last statements
	rec.check(t, w, "piazza.exchange_snapshots")
}

// check fails t when a recorded statement was refused by a wall or names
// one of w's tenant schemas, or when the recording missed the outbox or
// the control-plane table want.
func (rec *recorder) check(t *testing.T, w *moduletest.World, want string) {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.all) < 100 {
		t.Fatalf("only %d statements recorded", len(rec.all))
	}
	for _, d := range rec.denied {
		t.Errorf("a statement tried to cross a wall: %s", d)
	}
	var outbox, control bool
	for _, q := range rec.all {
		for _, s := range []string{w.A.SchemaName, w.B.SchemaName} {
			// The transaction's own scope is set by name: nothing else names a schema.
			if strings.Contains(q, s) && !strings.Contains(q, "set_config('search_path'") {
				t.Errorf("a statement names tenant schema %s: %s", s, q)
			}
		}
		outbox = outbox || strings.Contains(q, "exchange_outbox")
		control = control || strings.Contains(q, want)
	}
	if !outbox || !control {
		t.Errorf("the recording missed the exchange (outbox %v, %s %v)", outbox, want, control)
	}
}

// TestWallsPartnership: as TestWalls, through partnership profiles (an
// advisor shares one, a member of the other tenant expresses interest, the
// advisor takes it over and agrees, each step told to the respondent in
// their tenant, the profile is withdrawn): no
// statement refused by a wall, none naming a tenant's schema.
func TestWallsPartnership(t *testing.T) {
	w := moduletest.New(t)
	rec := &recorder{}
	db.AddQueryHook(w.DB.DB, rec)
	w.StartJobs(t, time.Now)
	id, sid := sharedProfile(t, w)
	carla, bruno := w.Browser(t, alpha, "carla"), w.Browser(t, beta, "bruno")
	_, _ = bruno.Get(beta + "/exchange?q=brackets&type=partnership&kind=technology_offer")
	if code, _ := bruno.Send(beta+"/exchange/"+sid, beta+"/exchange/"+sid+"/interest", url.Values{"offer": {"Satelliti"}}); code != 303 {
		t.Fatalf("interest: %d", code)
	}
	waitFor(t, carla, alpha+"/dashboard/inbox", "the interest at alpha", listed("Comune di Beta"))
	iid := itoa(in[int64](t, w, w.A, "SELECT id FROM partnership_interests WHERE profile_id = ?", id))
	for _, action := range []string{"take_over", "agree"} {
		if code, _ := carla.Send(alpha+"/partnerships/interests/"+iid, alpha+"/partnerships/interests/"+iid+"/do/"+action, url.Values{"note": {"Bene"}}); code != 303 {
			t.Fatalf("%s: %d", action, code)
		}
	}
	waitFor(t, bruno, beta+"/exchange/"+sid, "the steps told in beta", func(code int, page string) bool {
		return code == 200 && strings.Contains(page, `id="reply-latest"`) && strings.Contains(page, "Accordo raggiunto")
	})
	shareProfile(t, carla, id, "withdraw")
	waitFor(t, bruno, beta+"/exchange", "withdrawn", unlisted(brackets))
	time.Sleep(500 * time.Millisecond) // the jobs' last statements
	rec.check(t, w, "piazza.exchange_replies")
}
