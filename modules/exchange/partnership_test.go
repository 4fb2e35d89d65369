package exchange_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/partnership"
	"github.com/piazza-pa/piazza/platform/authz"
)

// brackets is the sample's first profile (a technology offer open until
// October 2027), whose non-public fields carry secretA once imported by
// importProfiles.
const (
	brackets    = "Lightweight composite brackets for satellite structures"
	bracketsRef = "TOIT20261002001"
)

// withSecrets is the sample export with secretA in every field of the
// brackets' profile that is not meant to cross: its description,
// innovation, IPR, partner's type and role, keywords.
func withSecrets() string {
	s := string(partnership.Sample)
	for old, repl := range map[string]string{
		"<description>The company has developed": "<description>" + secretA + " The company has developed",
		"<innovation>Compared with machined":     "<innovation>" + secretA + " Compared with machined",
		"<ipr>Patent granted</ipr>":              "<ipr>Patent " + secretA + "</ipr>",
		"<type>Industry, SMEs with more than 10 employees</type>\n      <role>Satellite integrators": "<type>Industry " + secretA + "</type>\n      <role>" + secretA + " Satellite integrators",
		"<word>cubesat</word>": "<word>" + strings.ToLower(secretA) + "</word>",
	} {
		if !strings.Contains(s, old) {
			panic("the sample no longer holds " + old)
		}
		s = strings.Replace(s, old, repl, 1)
	}
	return s
}

// importProfiles imports file into alpha as the command line does (a full
// export when full); after a first import the deadlines are moved as the
// partnership tests move them (the sample's day is 1 December 2026).
func importProfiles(t *testing.T, w *moduletest.World, file string, full bool) {
	t.Helper()
	if _, err := partnership.Import(context.Background(), w.DB.DB, w.A, strings.NewReader(file), partnership.Options{Full: full}, nil); err != nil {
		t.Fatal(err)
	}
	w.Cache.Forget(w.A.SchemaName)
	if full {
		return // a full export after the first: the dates were moved then
	}
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE partnerships SET deadline = deadline + (current_date - date '2026-12-01')")
		return err
	})
}

// advisorOf gives name the EEN advisor role at alpha.
func advisorOf(t *testing.T, w *moduletest.World, name string) {
	t.Helper()
	if err := authz.Assign(context.Background(), w.DB.DB, fmt.Sprintf("user:%d", w.ID("alpha", name)), partnership.RoleAdvisor, w.A.Domain()); err != nil {
		t.Fatal(err)
	}
	w.Cache.Forget(w.A.SchemaName)
}

// shareProfile makes b share (or withdraw) profile id at alpha.
func shareProfile(t *testing.T, b *moduletest.Browser, id, action string) {
	t.Helper()
	if code, body := b.Send(alpha+"/partnerships/"+id, alpha+"/exchange/share/partnership/"+id, url.Values{"action": {action}}); code != 303 {
		t.Fatalf("%s profile %s: %d %s", action, id, code, body)
	}
}

// sharedProfile opts both tenants in, imports the sample (with secrets)
// into alpha, makes carla its advisor and has her share the brackets'
// profile; it returns the profile's id at alpha and its opportunity's id,
// once beta lists it.
func sharedProfile(t *testing.T, w *moduletest.World) (id, sid string) {
	t.Helper()
	optIn(t, w, alpha, "join")
	optIn(t, w, beta, "join")
	importProfiles(t, w, withSecrets(), false)
	advisorOf(t, w, "carla")
	id = itoa(in[int64](t, w, w.A, "SELECT id FROM partnerships WHERE reference = ?", bracketsRef))
	shareProfile(t, w.Browser(t, alpha, "carla"), id, "share")
	bruno := w.Browser(t, beta, "bruno")
	waitFor(t, bruno, beta+"/exchange?type=partnership", "beta sees the profile", listed(brackets))
	return id, itoa(control[int64](t, w, "SELECT id FROM piazza.exchange_snapshots WHERE item_type = 'partnership'"))
}

// TestPartnershipShared: only the tenant's advisors (and admins) share a
// profile, which members of the other tenant then find, filter and read,
// with its public fields only and naming its tenant; withdrawn, it
// disappears; shared again and expired by a full export, it disappears
// again, its page 404.
func TestPartnershipShared(t *testing.T) {
	w := moduletest.New(t)
	w.StartJobs(t, time.Now)
	optIn(t, w, alpha, "join")
	importProfiles(t, w, withSecrets(), false)
	advisorOf(t, w, "carla")
	id := itoa(in[int64](t, w, w.A, "SELECT id FROM partnerships WHERE reference = ?", bracketsRef))
	anna, carla, admin := w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "carla"), w.Browser(t, alpha, "admin")
	if _, page := anna.Get(alpha + "/partnerships/" + id); strings.Contains(page, `id="exchange-share"`) {
		t.Error("a member who is no advisor is offered the share form")
	}
	if code, _ := anna.Send(alpha+"/partnerships/"+id, alpha+"/exchange/share/partnership/"+id, url.Values{"action": {"share"}}); code != 404 {
		t.Errorf("a member who is no advisor shares a profile: %d", code)
	}
	for who, b := range map[string]*moduletest.Browser{"carla (advisor)": carla, "admin": admin} {
		if _, page := b.Get(alpha + "/partnerships/" + id); !strings.Contains(page, `id="exchange-do-share"`) {
			t.Errorf("%s is not offered the share form", who)
		}
	}
	// Beta's member cannot share alpha's profile from beta.
	bruno := w.Browser(t, beta, "bruno")
	optIn(t, w, beta, "join")
	if code, _ := bruno.Send(beta+"/exchange", beta+"/exchange/share/partnership/"+id, url.Values{"action": {"share"}}); code != 404 {
		t.Errorf("beta's member shares alpha's profile: %d", code)
	}
	if n := in[int](t, w, w.A, "SELECT count(*) FROM exchange_shares"); n != 0 {
		t.Fatalf("%d items shared before any advisor shared one", n)
	}
	shareProfile(t, carla, id, "share")
	waitFor(t, bruno, beta+"/exchange?type=partnership&kind=technology_offer&country=DE", "beta finds the profile", listed(brackets))
	sid := itoa(control[int64](t, w, "SELECT id FROM piazza.exchange_snapshots WHERE item_type = 'partnership'"))
	if _, page := bruno.Get(beta + "/exchange?type=proposal"); strings.Contains(page, brackets) {
		t.Error("the profile is listed among proposals")
	}
	code, page := bruno.Get(beta + "/exchange/" + sid)
	for _, want := range []string{"Comune di Alpha", "Already on the market", "Profilo di partenariato", "Offerta tecnologica"} {
		if code != 200 || !strings.Contains(page, want) {
			t.Errorf("the opportunity's page (%d) lacks %q", code, want)
		}
	}
	if n := control[int](t, w, `SELECT count(*) FROM piazza.exchange_snapshots WHERE item_type = 'partnership' AND title = ?
		AND kind = 'technology_offer' AND stage = 'Already on the market' AND countries @> '{IT,DE}' AND language = 'en'
		AND closes_at > now() + interval '300 days' AND summary LIKE 'An Italian SME%'`, brackets); n != 1 {
		t.Error("the snapshot does not hold the profile's public fields")
	}
	noLeak(t, w, []string{page}, secretA+"|"+bracketsRef)
	// Withdrawn: gone from beta at once the job ran; its page 404.
	shareProfile(t, carla, id, "withdraw")
	waitFor(t, bruno, beta+"/exchange", "withdrawn", unlisted(brackets))
	if code, _ := bruno.Get(beta + "/exchange/" + sid); code != 404 {
		t.Errorf("a withdrawn profile's page: %d", code)
	}
	// Shared again, then expired by a full export that no longer holds it.
	shareProfile(t, admin, id, "share")
	waitFor(t, bruno, beta+"/exchange", "shared again", listed(brackets))
	file := withSecrets()
	start := strings.Index(file, "  <profile>\n    <reference>"+bracketsRef)
	end := start + strings.Index(file[start:], "</profile>\n") + len("</profile>\n")
	importProfiles(t, w, file[:start]+file[end:], true)
	if st := in[string](t, w, w.A, "SELECT state FROM partnerships WHERE id = ?", id); st != partnership.Expired {
		t.Fatalf("the profile is %s after a full export without it", st)
	}
	waitFor(t, bruno, beta+"/exchange", "expired", unlisted(brackets))
	if n := control[int](t, w, "SELECT count(*) FROM piazza.exchange_snapshots"); n != 0 {
		t.Errorf("%d snapshots left after the expiry", n)
	}
}

// noLeak: no control-plane row of the exchange and none of pages matches
// the pattern secret.
func noLeak(t *testing.T, w *moduletest.World, pages []string, secret string) {
	t.Helper()
	for _, table := range []string{"exchange_snapshots", "exchange_mailbox", "exchange_members"} {
		if n := control[int](t, w, "SELECT count(*) FROM piazza."+table+" AS x WHERE row_to_json(x)::text ~ ?", secret); n != 0 {
			t.Errorf("%d rows of %s hold a field not meant to cross", n, table)
		}
	}
	for _, p := range pages {
		if strings.Contains(p, secretA) || strings.Contains(p, bracketsRef) {
			t.Error("a page of beta shows a field of alpha's profile that is not public")
		}
	}
}

// TestPartnershipInterest: an interest from beta's member in alpha's
// shared profile arrives among alpha's interests as a local one: in the
// advisor's "my activities" (and nobody else's), on the profile's page and
// its own, naming the respondent, their organisation and their tenant; the
// advisor is told; it lands nowhere in beta; delivered twice it is one;
// the advisor follows it up with the pipeline's steps.
func TestPartnershipInterest(t *testing.T) {
	w := moduletest.New(t)
	w.StartJobs(t, time.Now)
	id, sid := sharedProfile(t, w)
	anna, bruno, carla, dario := w.Browser(t, alpha, "anna"), w.Browser(t, beta, "bruno"), w.Browser(t, alpha, "carla"), w.Browser(t, alpha, "dario")
	var orgB int64
	w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.QueryRowContext(ctx, "INSERT INTO organizations (name) VALUES ('Laboratori Beta Srl') RETURNING id").Scan(&orgB); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO organizations (name) VALUES ('Altro "+secretB+"')"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO organization_members (organization_id, user_id, state) VALUES (?, ?, 'active')", orgB, w.ID("beta", "bruno")); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE users SET family_name = ?, fiscal_number = ? WHERE id = ?", secretB, secretB, w.ID("beta", "bruno"))
		return err
	})
	form := url.Values{"offer": {"Integriamo staffe in cubesat"}, "organization_id": {itoa(orgB)}}
	for range 2 {
		if code, _ := bruno.Send(beta+"/exchange/"+sid, beta+"/exchange/"+sid+"/interest", form); code != 303 {
			t.Fatalf("interest: %d", code)
		}
	}
	waitFor(t, carla, alpha+"/dashboard/inbox", "the interest in the advisor's inbox", func(code int, page string) bool {
		return code == 200 && strings.Contains(page, "Bruno (Comune di Beta)")
	})
	iid := itoa(in[int64](t, w, w.A, "SELECT id FROM partnership_interests WHERE profile_id = ?", id))
	if _, page := carla.Get(alpha + "/dashboard/inbox"); !strings.Contains(page, "/partnerships/interests/"+iid+"/do/take_over") {
		t.Error("the advisor's inbox does not offer to take the interest over")
	}
	for who, b := range map[string]*moduletest.Browser{"anna": anna, "dario": dario} {
		if _, page := b.Get(alpha + "/dashboard/inbox"); strings.Contains(page, "/partnerships/interests/"+iid) {
			t.Errorf("%s, no advisor, finds the interest in their inbox", who)
		}
		if code, _ := b.Get(alpha + "/partnerships/interests/" + iid); code != 404 {
			t.Errorf("%s reads the external interest: %d", who, code)
		}
	}
	if n := in[int](t, w, w.A, `SELECT count(*) FROM partnership_interests WHERE author_id IS NULL AND state = 'new' AND external_name = 'Bruno'
		AND external_organization = 'Laboratori Beta Srl' AND external_tenant = 'Comune di Beta' AND message = 'Integriamo staffe in cubesat'`); n != 1 {
		t.Errorf("%d external interests at alpha, want 1", n)
	}
	if n := in[int](t, w, w.A, "SELECT count(*) FROM partnership_interests AS i WHERE row_to_json(i)::text ~ ?", secretB+"|@beta\\.example"); n != 0 {
		t.Error("a field of beta's respondent not meant to cross reached alpha")
	}
	if n := in[int](t, w, w.B, "SELECT count(*) FROM partnership_interests"); n != 0 {
		t.Errorf("%d interests landed in beta", n)
	}
	told := func(name string) int {
		return in[int](t, w, w.A, "SELECT count(*) FROM events WHERE recipient_id = ? AND message = 'partnership.notify.received'", w.ID("alpha", name))
	}
	if n := told("carla"); n != 1 {
		t.Errorf("the advisor was told %d times", n)
	}
	for _, name := range []string{"anna", "dario", "admin"} {
		if n := told(name); n != 0 {
			t.Errorf("%s, no advisor (or not the one), was told of the interest", name)
		}
	}
	_, page := carla.Get(alpha + "/partnerships/interests/" + iid)
	for _, want := range []string{"Bruno", "Laboratori Beta Srl", "Comune di Beta", "Integriamo staffe in cubesat", `id="do-take_over"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the interest's page lacks %q", want)
		}
	}
	if _, page := carla.Get(alpha + "/partnerships/" + id); !strings.Contains(page, `class="external-tenant"`) || !strings.Contains(page, "Laboratori Beta Srl") {
		t.Error("the profile's page does not list the external interest with its organisation and tenant")
	}
	if code, _ := carla.Send(alpha+"/partnerships/interests/"+iid, alpha+"/partnerships/interests/"+iid+"/do/take_over", nil); code != 303 {
		t.Fatalf("take over: %d", code)
	}
	if st := in[string](t, w, w.A, "SELECT state FROM partnership_interests WHERE id = ?", iid); st != partnership.TakenOver {
		t.Errorf("state %s after the advisor took it over", st)
	}
	waitFor(t, bruno, beta+"/exchange/"+sid, "bruno sees his interest delivered", func(code int, page string) bool {
		return code == 200 && strings.Contains(page, `id="my-interest"`) && !strings.Contains(page, `id="send-interest"`)
	})
	if s := control[string](t, w, "SELECT state FROM piazza.exchange_mailbox"); s != "delivered" {
		t.Errorf("the letter is %s", s)
	}
	noLeak(t, w, nil, secretA+"|"+secretB+"|"+bracketsRef+"|@alpha\\.example|@beta\\.example")
}
