package community_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// hx gets u as htmx does (HX-Request), returning the status and the body.
func hx(t *testing.T, b *moduletest.Browser, u string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("HX-Request", "true")
	res, err := b.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// people adds active members to a tenant: name → e-mail address.
func people(t *testing.T, w *moduletest.World, tn string, who map[string]string) {
	t.Helper()
	target := w.A
	if tn == "beta" {
		target = w.B
	}
	w.In(t, target, func(ctx context.Context, tx bun.Tx) error {
		for name, email := range who {
			if _, err := tx.ExecContext(ctx, "INSERT INTO users (email, display_name) VALUES (?, ?)", email, name); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestInviteSearch: a manager finds people to invite by the start of a
// word of their name, as they type (htmx) or with a plain form: never
// everyone, never members or people waiting, never another tenant's
// people, never an address unless they may see addresses; nobody else
// may search.
func TestInviteSearch(t *testing.T) {
	w := moduletest.New(t)
	people(t, w, "alpha", map[string]string{"Elena Rossi": "er@alpha.example", "Eleonora Verdi": "ev@alpha.example", "Marta Neri": "elettra@alpha.example"})
	people(t, w, "beta", map[string]string{"Elena Rossi": "er@beta.example", "Elena Bianchi": "eb@beta.example"})
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	id := create(t, anna, "Mobilità dolce", "open")
	if code, _ := bruno.Send(alpha+"/communities", alpha+"/communities/"+id+"/join", nil); code != 303 {
		t.Fatalf("bruno joins: %d", code)
	}
	search := alpha + "/communities/" + id + "/candidates?q="

	code, found := hx(t, anna, search+"ele")
	if code != 200 || strings.Contains(found, "<html") || strings.Count(found, `name="user"`) != 2 ||
		!strings.Contains(found, "Elena Rossi") || !strings.Contains(found, "Eleonora Verdi") {
		t.Errorf("typing finds the wrong people (%d): %s", code, found)
	}
	if strings.Contains(found, "Bianchi") || strings.Contains(found, "Marta Neri") || strings.Contains(found, "@") {
		t.Error("the search offers another tenant's person, matches an address, or shows one to a manager who may not see it")
	}
	if _, found := hx(t, anna, search+"ros"); !strings.Contains(found, "Elena Rossi") || strings.Count(found, `name="user"`) != 1 {
		t.Error("a surname's start does not find its person")
	}
	for _, q := range []string{"", "e", "%25%25", "__", "lena"} {
		if _, found := hx(t, anna, search+q); strings.Contains(found, `name="user"`) {
			t.Errorf("the query %q lists people", q)
		}
	}
	if _, found := hx(t, anna, search+"bru"); strings.Contains(found, fmt.Sprintf(`value="%d"`, w.ID("alpha", "bruno"))) {
		t.Error("a member is offered for an invitation")
	}
	admin := w.Browser(t, alpha, "admin")
	if _, found := hx(t, admin, search+"ele"); !strings.Contains(found, "Marta Neri") || !strings.Contains(found, "elettra@alpha.example") {
		t.Error("an administrator does not find people by their address")
	}

	// Without JavaScript: the page with the matches, then an invitation from them.
	code, page := anna.Get(search + "eleonora")
	list := between(page, "candidates", "</ul>")
	if code != 200 || !strings.Contains(page, `id="members"`) || !strings.Contains(list, "Eleonora Verdi") || strings.Contains(list, "Elena") {
		t.Fatalf("the plain search does not show the page with the matches (%d): %q", code, list)
	}
	eleonora := list[strings.Index(list, `name="user" value="`)+len(`name="user" value="`):]
	eleonora = eleonora[:strings.Index(eleonora, `"`)]
	if code, _ := anna.Send(alpha+"/communities/"+id, alpha+"/communities/"+id+"/invite", url.Values{"user": {eleonora}}); code != 303 {
		t.Fatalf("invite from the matches: %d", code)
	}
	if _, found := hx(t, anna, search+"ele"); strings.Contains(found, "Eleonora") {
		t.Error("someone invited is still offered")
	}

	// Nobody but the managers searches; another tenant's member finds nothing.
	for who, b := range map[string]*moduletest.Browser{"a member": bruno, "a non-member": w.Browser(t, alpha, "dario")} {
		if code, body := hx(t, b, search+"ele"); code != 403 || strings.Contains(body, "Elena") {
			t.Errorf("%s searches people to invite: %d", who, code)
		}
	}
	if code, body := hx(t, w.Browser(t, beta, "anna"), beta+"/communities/"+id+"/candidates?q=ele"); code != 404 || strings.Contains(body, "Elena") {
		t.Errorf("another tenant's member searches: %d", code)
	}
}

// TestMemberManagement: the members' table shows each role as a badge;
// the managers change a role and remove someone (after confirming) from
// it; members, others and another tenant's members may do neither; a long
// list is paged and filtered by name.
func TestMemberManagement(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	carla := w.Browser(t, alpha, "carla")
	id := create(t, anna, "Mobilità dolce", "open")
	for _, b := range []*moduletest.Browser{bruno, carla} {
		if code, _ := b.Send(alpha+"/communities", alpha+"/communities/"+id+"/join", nil); code != 303 {
			t.Fatalf("join: %d", code)
		}
	}
	page := alpha + "/communities/" + id
	bid, cid := w.ID("alpha", "bruno"), w.ID("alpha", "carla")
	member := func(b *moduletest.Browser, uid int64) string {
		_, p := b.Get(page)
		rows := between(p, "members", "</table>")
		i := strings.Index(rows, fmt.Sprintf(`href="/people/%d"`, uid))
		if i < 0 {
			return ""
		}
		row := rows[i:]
		return row[:strings.Index(row, "</tr>")]
	}
	if row := member(anna, bid); !strings.Contains(row, `class="badge bg-light text-dark border">Partecipante<`) ||
		!strings.Contains(row, fmt.Sprintf(`id="role-%d"`, bid)) || !strings.Contains(row, fmt.Sprintf(`<details class="mt-2"><summary`)) {
		t.Errorf("the manager's row lacks the role badge, the role's choice or the removal to confirm: %s", row)
	}
	if row := member(bruno, cid); row == "" || strings.Contains(row, "role-") || strings.Contains(row, "/remove") {
		t.Errorf("a member sees the managers' tools: %q", row)
	}

	other := w.Browser(t, beta, "anna")
	for _, action := range []string{"role", "remove"} {
		u := fmt.Sprintf("/communities/%s/members/%d/%s", id, cid, action)
		if code, _ := bruno.Send(page, alpha+u, url.Values{"role": {"manager"}}); code != 403 {
			t.Errorf("a member does %s: %d", action, code)
		}
		if code, _ := w.Browser(t, alpha, "dario").Send(page, alpha+u, url.Values{"role": {"manager"}}); code != 403 {
			t.Errorf("a non-member does %s: %d", action, code)
		}
		if code, _ := other.Send(beta+"/communities", beta+u, url.Values{"role": {"manager"}}); code != 404 {
			t.Errorf("another tenant's member does %s: %d", action, code)
		}
	}
	if row := member(anna, cid); !strings.Contains(row, "Partecipante") {
		t.Fatalf("a refused change changed carla's role: %s", row)
	}

	if code, _ := anna.Send(page, alpha+fmt.Sprintf("/communities/%s/members/%d/role", id, bid), url.Values{"role": {"editor"}}); code != 303 {
		t.Fatalf("change role: %d", code)
	}
	if row := member(anna, bid); !strings.Contains(row, ">Redattore<") {
		t.Errorf("the new role does not show: %s", row)
	}
	if code, _ := anna.Send(page, alpha+fmt.Sprintf("/communities/%s/members/%d/remove", id, cid), nil); code != 303 {
		t.Fatalf("remove: %d", code)
	}
	if row := member(anna, cid); row != "" {
		t.Errorf("the removed member is still listed: %s", row)
	}
	if _, p := carla.Get(page); !strings.Contains(p, `id="join"`) {
		t.Error("the removed member is not offered to join again")
	}
}

// TestLongMemberList: past a page, the members' table is paged and can be
// filtered by name.
func TestLongMemberList(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	id := create(t, anna, "Grande community", "open")
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `WITH u AS (INSERT INTO users (email, display_name)
			SELECT 'socio' || i || '@alpha.example', 'Socio ' || lpad(i::text, 2, '0') FROM generate_series(1, 30) AS i RETURNING id)
			INSERT INTO community_members (community_id, user_id, role, state) SELECT ?::bigint, id, 'participant', 'active' FROM u`, id)
		return err
	})
	page := alpha + "/communities/" + id
	_, first := anna.Get(page)
	rows := between(first, "members", "</table>")
	if n := strings.Count(rows, "<tr>") - 1; n != 25 || !strings.Contains(first, `id="who"`) || !strings.Contains(first, "page=2") {
		t.Errorf("the first page shows %d members, or no filter, or no next page", n)
	}
	_, second := anna.Get(page + "?page=2")
	if n := strings.Count(between(second, "members", "</table>"), "<tr>") - 1; n != 6 {
		t.Errorf("the second page shows %d members, want 6", n)
	}
	_, one := anna.Get(page + "?who=socio+07")
	if rows := between(one, "members", "</table>"); strings.Count(rows, "<tr>")-1 != 1 || !strings.Contains(rows, "Socio 07") {
		t.Errorf("the filter by name does not keep the one member: %s", rows)
	}
}
