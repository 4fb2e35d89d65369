package community_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
	"github.com/piazza-pa/piazza/platform/setting"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, community.Messages) }

const alpha, beta = moduletest.Alpha, moduletest.Beta

var idRE = regexp.MustCompile(`/(?:communities|news)/(\d+)`)

// create makes a community as b and returns its id.
func create(t *testing.T, b *moduletest.Browser, name, kind string) string {
	t.Helper()
	code, _ := b.Send(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {name}, "kind": {kind}, "themes": {"health", "nonsense"}})
	if code != 303 {
		t.Fatalf("create %s: %d", name, code)
	}
	_, page := b.Get(alpha + "/communities")
	for _, line := range strings.Split(page, "<li") {
		if strings.Contains(line, ">"+name+"<") {
			return idRE.FindStringSubmatch(line)[1]
		}
	}
	t.Fatalf("%s is not in its creator's list", name)
	return ""
}

// publish writes a news item in community id as b, published at once.
func publish(t *testing.T, b *moduletest.Browser, id, title string) string {
	t.Helper()
	res, _ := b.Post(alpha+"/news/new", alpha+"/news", url.Values{"title": {title}, "body": {"Testo."}, "language": {"it"},
		"scope_kind": {"communities"}, "scope_communities": {id}, "action": {"publish"}})
	if res.StatusCode != 303 {
		t.Fatalf("publish %q: %d", title, res.StatusCode)
	}
	return idRE.FindStringSubmatch(res.Header.Get("Location"))[1]
}

func TestCommunityKindsAndMembership(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	carla := w.Browser(t, alpha, "carla")
	dario := w.Browser(t, alpha, "dario")

	open := create(t, anna, "Mobilità dolce", "open")
	reserved := create(t, anna, "Salute digitale", "reserved")
	closed := create(t, anna, "Tavolo riservato", "closed")
	news := publish(t, anna, reserved, "Bando telemedicina riservato")
	secret := publish(t, anna, closed, "Verbale del tavolo")

	// What a member who joined nothing sees.
	_, list := bruno.Get(alpha + "/communities")
	if !strings.Contains(list, "Mobilità dolce") || !strings.Contains(list, "Salute digitale") || strings.Contains(list, "Tavolo riservato") {
		t.Error("the list shows a closed community to a non-member, or hides an open or reserved one")
	}
	if code, _ := bruno.Get(alpha + "/communities/" + closed); code != 404 {
		t.Errorf("non-member opens the closed community: %d", code)
	}
	if code, _ := bruno.Send(alpha+"/communities", alpha+"/communities/"+closed+"/join", nil); code != 404 {
		t.Errorf("non-member joins the closed community: %d", code)
	}
	for _, u := range []string{"/communities/" + reserved, "/news", "/news/" + news, "/news/" + secret, "/communities/" + closed} {
		code, page := bruno.Get(alpha + u)
		if strings.Contains(page, "Bando telemedicina") || strings.Contains(page, "Verbale del tavolo") {
			t.Errorf("%s shows a community's item to a non-member (%d)", u, code)
		}
	}
	if code, _ := bruno.Get(alpha + "/news/" + news); code != 404 {
		t.Errorf("non-member opens a community's news: %d", code)
	}

	// Open: in at once.
	if code, _ := bruno.Send(alpha+"/communities", alpha+"/communities/"+open+"/join", nil); code != 303 {
		t.Errorf("join the open community: %d", code)
	}
	if _, page := bruno.Get(alpha + "/communities/" + open); !strings.Contains(page, "Leave the community") && !strings.Contains(page, "Lascia la community") {
		t.Error("the open community does not show the member as a member")
	}

	// Reserved: request → approval → the content shows.
	if code, _ := bruno.Send(alpha+"/communities", alpha+"/communities/"+reserved+"/join", nil); code != 303 {
		t.Fatalf("ask to join: %d", code)
	}
	if _, page := bruno.Get(alpha + "/communities/" + reserved); strings.Contains(page, "Bando telemedicina") || !strings.Contains(page, `id="waiting"`) {
		t.Error("a pending request shows the content, or the page does not say it waits")
	}
	if code, _ := bruno.Send(alpha+"/communities", alpha+fmt.Sprintf("/communities/%s/members/%d/approve", reserved, w.ID("alpha", "bruno")), nil); code != 403 {
		t.Errorf("a requester approves themselves: %d", code)
	}
	_, page := anna.Get(alpha + "/communities/" + reserved + "?state=request_sent")
	if !strings.Contains(page, fmt.Sprintf(`id="approve-%d"`, w.ID("alpha", "bruno"))) {
		t.Fatal("the manager does not see the request")
	}
	if code, _ := anna.Send(alpha+"/communities", alpha+fmt.Sprintf("/communities/%s/members/%d/approve", reserved, w.ID("alpha", "bruno")), nil); code != 303 {
		t.Fatalf("approve: %d", code)
	}
	for _, u := range []string{"/communities/" + reserved, "/news", "/news/" + news} {
		if code, page := bruno.Get(alpha + u); code != 200 || !strings.Contains(page, "Bando telemedicina") {
			t.Errorf("the approved member does not see the item at %s (%d)", u, code)
		}
	}

	// Closed: invitation by e-mail → the invitee sees it and accepts.
	if code, _ := anna.Send(alpha+"/communities", alpha+"/communities/"+closed+"/invite", url.Values{"email": {"carla@alpha.example"}}); code != 303 {
		t.Fatalf("invite: %d", code)
	}
	msg := w.SMTP.Wait(t, "carla@alpha.example")
	if !strings.Contains(msg.Text, "/communities/"+closed) {
		t.Errorf("the invitation does not link the community: %q", msg.Text)
	}
	if _, page := carla.Get(alpha + "/communities/" + closed); !strings.Contains(page, `id="accept"`) || strings.Contains(page, "Verbale del tavolo") {
		t.Error("the invitee cannot accept, or sees the content before accepting")
	}
	if code, _ := carla.Send(alpha+"/communities", alpha+"/communities/"+closed+"/accept", nil); code != 303 {
		t.Fatalf("accept: %d", code)
	}
	if _, page := carla.Get(alpha + "/news/" + secret); !strings.Contains(page, "Verbale del tavolo") {
		t.Error("the new member does not see the closed community's item")
	}
	if code, _ := dario.Get(alpha + "/communities/" + closed); code != 404 {
		t.Errorf("someone not invited opens the closed community: %d", code)
	}
	if code, _ := dario.Send(alpha+"/communities", alpha+"/communities/"+closed+"/accept", nil); code != 404 {
		t.Errorf("someone not invited accepts: %d", code)
	}

	// Invitation from the directory's search: dario is offered, carla (a member) is not.
	_, found := anna.Get(alpha + "/communities/" + closed + "/candidates?q=dar")
	_, member := anna.Get(alpha + "/communities/" + closed + "/candidates?q=car")
	if !strings.Contains(between(found, "candidates", "</ul>"), fmt.Sprintf(`name="user" value="%d"`, w.ID("alpha", "dario"))) ||
		strings.Contains(between(member, "candidates", "</ul>"), fmt.Sprintf(`value="%d"`, w.ID("alpha", "carla"))) {
		t.Error("the directory search offers the wrong people")
	}
	if code, _ := anna.Send(alpha+"/communities", alpha+"/communities/"+closed+"/invite", url.Values{"user": {fmt.Sprint(w.ID("alpha", "dario"))}}); code != 303 {
		t.Fatalf("invite from the directory: %d", code)
	}
	w.SMTP.Wait(t, "dario@alpha.example")
	if code, _ := dario.Send(alpha+"/communities", alpha+"/communities/"+closed+"/decline", nil); code != 303 {
		t.Errorf("decline: %d", code)
	}
	if code, _ := dario.Get(alpha + "/communities/" + closed); code != 404 {
		t.Errorf("after declining, the closed community still shows: %d", code)
	}
	if code, _ := anna.Send(alpha+"/communities", alpha+"/communities/"+closed+"/invite", url.Values{"user": {fmt.Sprint(w.ID("beta", "dario") + 1000)}}); code != 422 {
		t.Errorf("invite someone who is not in the site: %d", code)
	}

	// Invitation of an address with no account: an invited account and a link to set it up.
	if code, _ := anna.Send(alpha+"/communities", alpha+"/communities/"+closed+"/invite", url.Values{"email": {"nuova@esterno.example"}}); code != 303 {
		t.Fatalf("invite a new address: %d", code)
	}
	if msg := w.SMTP.Wait(t, "nuova@esterno.example"); !strings.Contains(msg.Text, "/auth/invite?token=") {
		t.Errorf("the new person's invitation has no set-up link: %q", msg.Text)
	}
	if code, body := anna.Send(alpha+"/communities", alpha+"/communities/"+closed+"/invite", url.Values{"email": {"not an address"}}); code != 422 || !strings.Contains(body, "e-mail") {
		t.Errorf("invite a bad address: %d", code)
	}

	// Roles: the manager makes bruno editor; the last manager cannot leave.
	if code, _ := anna.Send(alpha+"/communities", alpha+fmt.Sprintf("/communities/%s/members/%d/role", reserved, w.ID("alpha", "bruno")), url.Values{"role": {"editor"}}); code != 303 {
		t.Errorf("change role: %d", code)
	}
	if code, _ := bruno.Send(alpha+"/communities", alpha+fmt.Sprintf("/communities/%s/members/%d/role", reserved, w.ID("alpha", "bruno")), url.Values{"role": {"manager"}}); code != 403 {
		t.Errorf("an editor makes themselves manager: %d", code)
	}
	if code, _ := anna.Send(alpha+"/communities", alpha+"/communities/"+reserved+"/leave", nil); code != 409 {
		t.Errorf("the last manager leaves: %d", code)
	}
	if code, _ := anna.Send(alpha+"/communities", alpha+fmt.Sprintf("/communities/%s/members/%d/role", reserved, w.ID("alpha", "anna")), url.Values{"role": {"reader"}}); code != 409 {
		t.Errorf("the last manager steps down: %d", code)
	}
	// A reader reads but does not write.
	if code, _ := anna.Send(alpha+"/communities", alpha+fmt.Sprintf("/communities/%s/members/%d/role", reserved, w.ID("alpha", "bruno")), url.Values{"role": {"reader"}}); code != 303 {
		t.Errorf("make reader: %d", code)
	}
	if res, body := bruno.Post(alpha+"/news/new", alpha+"/news", url.Values{"title": {"Da lettore"}, "language": {"it"},
		"scope_kind": {"communities"}, "scope_communities": {reserved}}); res.StatusCode != 422 || !strings.Contains(body, `id="scope-error"`) {
		t.Errorf("a reader writes in the community: %d", res.StatusCode)
	}
}

func TestCommunityOtherTenant(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	open := create(t, anna, "Costellazione Orobica", "open")
	news := publish(t, anna, open, "Notizia di Alpha")
	// beta has no community or news of these ids: its member gets 404 everywhere.
	other := w.Browser(t, beta, "anna")
	for _, u := range []string{"/communities/" + open, "/news/" + news} {
		if code, page := other.Get(beta + u); code != 404 || strings.Contains(page, "Costellazione Orobica") || strings.Contains(page, "Notizia di Alpha") {
			t.Errorf("beta's member at %s: %d", u, code)
		}
	}
	for _, u := range []string{"/join", "/leave", "/accept", "/decline", "/invite", "/frequency", fmt.Sprintf("/members/%d/approve", w.ID("alpha", "anna")),
		fmt.Sprintf("/members/%d/role", w.ID("alpha", "anna")), "/approve", "/reject"} {
		if code, _ := other.Send(beta+"/communities", beta+"/communities/"+open+u, url.Values{"email": {"x@y.example"}}); code != 404 && code != 403 {
			t.Errorf("beta's member POST %s: %d", u, code)
		}
	}
	if _, page := other.Get(beta + "/communities"); strings.Contains(page, "Costellazione Orobica") {
		t.Error("beta's list shows alpha's community")
	}
	// The cookie of beta does not sign in at alpha.
	if code, _ := other.Get(alpha + "/communities/" + open); code != 303 {
		t.Errorf("beta's member at alpha is not sent to sign in: %d", code)
	}
	// A guest is sent to sign in.
	if code, _ := w.Browser(t, alpha, "").Get(alpha + "/communities/" + open); code != 303 {
		t.Errorf("guest: %d", code)
	}
}

func TestCommunityValidationAndSubcommunities(t *testing.T) {
	w := moduletest.New(t)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return setting.SetBool(ctx, tx, setting.CommunityValidation, true)
	})
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	validator := w.Browser(t, alpha, "validator")
	id := create(t, anna, "Filiera agroalimentare", "open")
	if _, page := bruno.Get(alpha + "/communities"); strings.Contains(page, "Filiera agroalimentare") {
		t.Error("a community waiting for validation is listed to others")
	}
	if code, _ := bruno.Send(alpha+"/communities", alpha+"/communities/"+id+"/approve", nil); code != 403 {
		t.Errorf("a member validates: %d", code)
	}
	if code, _ := anna.Send(alpha+"/communities", alpha+"/communities/"+id+"/approve", nil); code != 403 {
		t.Errorf("the creator validates their own community: %d", code)
	}
	if code, _ := validator.Send(alpha+"/communities", alpha+"/communities/"+id+"/approve", nil); code != 303 {
		t.Fatalf("validator approves: %d", code)
	}
	if _, page := bruno.Get(alpha + "/communities"); !strings.Contains(page, "Filiera agroalimentare") {
		t.Error("the validated community is not listed")
	}
	// Sub-communities: only the parent's managers add them.
	if code, _ := bruno.Get(alpha + "/communities/new?parent=" + id); code != 403 {
		t.Errorf("a non-manager opens the sub-community form: %d", code)
	}
	if code, _ := anna.Send(alpha+"/communities/new?parent="+id, alpha+"/communities", url.Values{"name": {"Vino"}, "kind": {"reserved"}, "parent": {id}}); code != 303 {
		t.Fatalf("sub-community: %d", code)
	}
	if _, page := validator.Get(alpha + "/communities/" + id); !strings.Contains(page, "Vino") {
		t.Error("the parent's page does not list its sub-community")
	}
	// Bad input re-renders the form with translated messages by the fields.
	code, page := anna.Send(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {"x"}, "kind": {"secret"}})
	if code != 422 || !strings.Contains(page, "Indica un nome da 2 a 120 caratteri.") || !strings.Contains(page, "Scegli chi può entrare.") {
		t.Errorf("bad community: %d", code)
	}
}
