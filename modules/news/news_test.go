package news_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/news"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, news.Messages) }

const alpha, beta = moduletest.Alpha, moduletest.Beta

var idRE = regexp.MustCompile(`/(?:news|communities)/(\d+)`)

// write creates a news item as b with the form values and returns its id.
func write(t *testing.T, b *moduletest.Browser, title string, form url.Values) string {
	t.Helper()
	form.Set("title", title)
	if form.Get("language") == "" {
		form.Set("language", "it")
	}
	if form.Get("scope_kind") == "" {
		form.Set("scope_kind", "tenant")
	}
	res, body := b.Post(alpha+"/news/new", alpha+"/news", form)
	if res.StatusCode != 303 {
		t.Fatalf("write %q: %d %s", title, res.StatusCode, body)
	}
	return idRE.FindStringSubmatch(res.Header.Get("Location"))[1]
}

func state(t *testing.T, w *moduletest.World, id string) string {
	var s string
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT state FROM news WHERE id = ?", id).Scan(&s)
	})
	return s
}

// TestTenantWorkflow: each transition of tenant-wide news is allowed exactly
// to the roles that hold its permission, and the history keeps who did what.
func TestTenantWorkflow(t *testing.T) {
	w := moduletest.New(t)
	b := map[string]*moduletest.Browser{}
	for _, p := range moduletest.People {
		b[p] = w.Browser(t, alpha, p)
	}
	id := write(t, b["anna"], "Nuovo sportello", url.Values{"body": {"Apre lo sportello."}})
	do := func(who, action string) int {
		code, _ := b[who].Send(alpha+"/news/new", alpha+"/news/"+id+"/do/"+action, nil)
		return code
	}
	steps := []struct {
		who, action string
		code        int
		state       string
	}{
		{"bruno", "submit", 404, "draft"},       // someone else's draft is invisible
		{"validator", "submit", 404, "draft"},   // a draft is not the validators' yet
		{"anna", "publish", 403, "draft"},       // members do not publish directly
		{"anna", "approve", 409, "draft"},       // no approval of a draft
		{"anna", "submit", 303, "to_validate"},  // the author submits
		{"anna", "approve", 403, "to_validate"}, // the author does not approve
		{"bruno", "approve", 404, "to_validate"},
		{"facilitator", "approve", 404, "to_validate"}, // facilitators validate people, not content
		{"validator", "reject", 303, "draft"},
		{"anna", "submit", 303, "to_validate"},
		{"admin", "approve", 303, "published"},
		{"anna", "archive", 403, "published"},
		{"bruno", "archive", 403, "published"},
		{"validator", "archive", 303, "archived"},
		{"validator", "unarchive", 303, "published"},
	}
	for _, s := range steps {
		if got := do(s.who, s.action); got != s.code {
			t.Errorf("%s %s: %d, want %d", s.who, s.action, got, s.code)
		}
		if got := state(t, w, id); got != s.state {
			t.Fatalf("after %s %s: state %s, want %s", s.who, s.action, got, s.state)
		}
	}
	_, page := b["anna"].Get(alpha + "/news/" + id)
	history := page[strings.Index(page, `id="history"`):]
	for _, want := range []string{"Creato", "Invia in validazione", "Rimanda in bozza", "Approva e pubblica", "Archivia", "Validator", "Admin"} {
		if !strings.Contains(history, want) {
			t.Errorf("the history lacks %q", want)
		}
	}
	// Published tenant-wide: every member reads it, guests do not (not public).
	if code, page := b["dario"].Get(alpha + "/news/" + id); code != 200 || !strings.Contains(page, "Apre lo sportello.") {
		t.Errorf("a member cannot read the published item: %d", code)
	}
	if code, _ := w.Browser(t, alpha, "").Get(alpha + "/news/" + id); code != 404 {
		t.Errorf("a guest reads a members' item: %d", code)
	}
	// Direct publication where permitted: a validator's own item.
	pid := write(t, b["validator"], "Comunicato ufficiale", url.Values{"action": {"publish"}, "public": {"1"}})
	if s := state(t, w, pid); s != "published" {
		t.Errorf("validator's direct publication: %s", s)
	}
	if code, page := w.Browser(t, alpha, "").Get(alpha + "/news/" + pid); code != 200 || !strings.Contains(page, "Comunicato ufficiale") {
		t.Errorf("a guest cannot read a public item: %d", code)
	}
	// A member asking to publish directly gets a draft, not a publication.
	res, _ := b["bruno"].Post(alpha+"/news/new", alpha+"/news", url.Values{"title": {"Furbizia"}, "language": {"it"}, "scope_kind": {"tenant"}, "action": {"publish"}})
	if res.StatusCode != 403 {
		t.Errorf("member publishes directly: %d", res.StatusCode)
	}
	var n int
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM news WHERE title = 'Furbizia'").Scan(&n)
	})
	if n != 0 {
		t.Error("a refused publication left a half-written item")
	}
}

// TestCommunityWorkflow: in a community, its roles decide.
func TestCommunityWorkflow(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")           // manager
	bruno := w.Browser(t, alpha, "bruno")         // participant
	carla := w.Browser(t, alpha, "carla")         // editor
	validator := w.Browser(t, alpha, "validator") // tenant validator, not a member
	code, _ := anna.Send(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {"Distretto"}, "kind": {"open"}})
	if code != 303 {
		t.Fatal(code)
	}
	_, page := anna.Get(alpha + "/communities?mine=1")
	cid := idRE.FindStringSubmatch(page[strings.Index(page, `id="communities"`):])[1]
	for _, b := range []*moduletest.Browser{bruno, carla} {
		if code, _ := b.Send(alpha+"/communities", alpha+"/communities/"+cid+"/join", nil); code != 303 {
			t.Fatal(code)
		}
	}
	if code, _ := anna.Send(alpha+"/communities", alpha+fmt.Sprintf("/communities/%s/members/%d/role", cid, w.ID("alpha", "carla")), url.Values{"role": {"editor"}}); code != 303 {
		t.Fatal(code)
	}
	in := url.Values{"scope_kind": {"communities"}, "scope_communities": {cid}}
	id := write(t, bruno, "Proposta del partecipante", url.Values{"scope_kind": in["scope_kind"], "scope_communities": in["scope_communities"], "action": {"submit"}})
	if s := state(t, w, id); s != "to_validate" {
		t.Fatalf("participant submits: %s", s)
	}
	if code, _ := validator.Send(alpha+"/news", alpha+"/news/"+id+"/do/approve", nil); code != 404 {
		t.Errorf("a tenant validator outside the community approves its item: %d", code)
	}
	if code, _ := carla.Send(alpha+"/news", alpha+"/news/"+id+"/do/approve", nil); code != 404 {
		t.Errorf("an editor approves (only managers validate): %d", code)
	}
	if code, _ := anna.Send(alpha+"/news", alpha+"/news/"+id+"/do/approve", nil); code != 303 || state(t, w, id) != "published" {
		t.Errorf("the manager approves: %d", code)
	}
	eid := write(t, carla, "Notizia del redattore", url.Values{"scope_kind": in["scope_kind"], "scope_communities": in["scope_communities"], "action": {"publish"}})
	if s := state(t, w, eid); s != "published" {
		t.Errorf("editor publishes directly: %s", s)
	}
	res, _ := bruno.Post(alpha+"/news/new", alpha+"/news", url.Values{"title": {"Diretta"}, "language": {"it"}, "scope_kind": in["scope_kind"], "scope_communities": in["scope_communities"], "action": {"publish"}})
	if res.StatusCode != 403 {
		t.Errorf("participant publishes directly: %d", res.StatusCode)
	}
	// The community page lists both to members, and a non-member sees neither.
	_, page = bruno.Get(alpha + "/communities/" + cid)
	if !strings.Contains(page, "Proposta del partecipante") || !strings.Contains(page, "Notizia del redattore") {
		t.Error("the community page does not list its items")
	}
	dario := w.Browser(t, alpha, "dario")
	for _, u := range []string{"/communities/" + cid, "/news", "/news/" + eid} {
		if _, page := dario.Get(alpha + u); strings.Contains(page, "Notizia del redattore") {
			t.Errorf("a non-member sees the community's item at %s", u)
		}
	}
}

// TestScopes: interests and organisations decide who reads; input errors
// re-render the form.
func TestScopes(t *testing.T) {
	w := moduletest.New(t)
	validator := w.Browser(t, alpha, "validator")
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	if code, _ := anna.Send(alpha+"/profile", alpha+"/profile", url.Values{"name": {"Anna"}, "themes": {"health"}, "notify_frequency": {"daily"}}); code != 303 {
		t.Fatal(code)
	}
	hid := write(t, validator, "Solo per la salute", url.Values{"scope_kind": {"interests"}, "scope_themes": {"health"}, "action": {"publish"}})
	if code, _ := anna.Get(alpha + "/news/" + hid); code != 200 {
		t.Errorf("a member interested in the theme cannot read: %d", code)
	}
	if code, _ := bruno.Get(alpha + "/news/" + hid); code != 404 {
		t.Errorf("a member not interested reads: %d", code)
	}
	if _, page := bruno.Get(alpha + "/news"); strings.Contains(page, "Solo per la salute") {
		t.Error("the list shows an item out of the member's interests")
	}
	// Organisations: only its people.
	code, _ := anna.Send(alpha+"/organizations/new", alpha+"/organizations", url.Values{"name": {"Ospedale Test"}, "vat_number": {"01114601006"}})
	if code != 303 {
		t.Fatal(code)
	}
	var oid int64
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT id FROM organizations").Scan(&oid)
	})
	res, body := validator.Post(alpha+"/news/new", alpha+"/news", url.Values{"title": {"Per l'ospedale"}, "language": {"it"}, "scope_kind": {"organizations"},
		"scope_organizations": {fmt.Sprint(oid)}, "action": {"publish"}})
	if res.StatusCode != 422 || !strings.Contains(body, "Puoi pubblicare solo") {
		t.Errorf("someone outside the organisation targets it: %d", res.StatusCode)
	}
	oidS := fmt.Sprint(oid)
	id := write(t, anna, "Per l'ospedale", url.Values{"scope_kind": {"organizations"}, "scope_organizations": {oidS}, "action": {"submit"}})
	if code, _ := validator.Send(alpha+"/news", alpha+"/news/"+id+"/do/approve", nil); code != 303 {
		t.Errorf("a tenant validator approves an organisation's item: %d", code)
	}
	if code, _ := anna.Get(alpha + "/news/" + id); code != 200 {
		t.Errorf("the organisation's referent cannot read: %d", code)
	}
	if code, _ := bruno.Get(alpha + "/news/" + id); code != 404 {
		t.Errorf("someone outside the organisation reads: %d", code)
	}
	// Bad input: the form again, messages by the fields, nothing written.
	res, body = anna.Post(alpha+"/news/new", alpha+"/news", url.Values{"title": {"x"}, "language": {"klingon"}, "scope_kind": {"interests"}, "public": {"1"}})
	if res.StatusCode != 422 || !strings.Contains(body, "Indica un titolo da 3 a 200 caratteri.") || !strings.Contains(body, "Scegli almeno un tema o un tag.") ||
		!strings.Contains(body, "Scegli la lingua del testo.") {
		t.Errorf("bad news: %d", res.StatusCode)
	}
	// Another tenant's member: 404 on every route.
	other := w.Browser(t, beta, "anna")
	for _, u := range []string{"/news/" + id, "/news/" + hid, "/news/" + id + "/edit"} {
		if code, _ := other.Get(beta + u); code != 404 {
			t.Errorf("beta's member GET %s: %d", u, code)
		}
	}
	for _, u := range []string{"/news/" + id + "/edit", "/news/" + id + "/do/archive"} {
		if code, _ := other.Send(beta+"/news", beta+u, url.Values{"title": {"Hijack"}}); code != 404 {
			t.Errorf("beta's member POST %s: %d", u, code)
		}
	}
}
