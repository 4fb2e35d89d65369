package community_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/keyset/keysettest"
	"github.com/piazza-pa/piazza/platform/membership"
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

// memberRE is a row of the members' table: the member's name.
var memberRE = regexp.MustCompile(`<td><a href="/people/\d+">([^<]+)</a></td>`)

// pendingRE is a person of a list of requests or invitations.
var pendingRE = regexp.MustCompile(`<li class="mb-2 d-flex flex-wrap align-items-center gap-2">([^<]+) <span`)

// TestMemberPages: a long list of members is paged by keyset, fifty at a
// time, leaders first and then by name, each member once while people
// join between one page and the next; the filter by name and the list of
// requests keep on every page; requests and invitations are lists for the
// managers only; a cursor altered, of another list (another state, another
// community) or of another tenant names no page.
func TestMemberPages(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	id := create(t, anna, "Grande community", "open")
	other := create(t, anna, "Piccola community", "open")
	w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error { // communities of the same ids in beta
		_, err := tx.ExecContext(ctx, "INSERT INTO communities (name, kind) VALUES ('Di Beta uno', 'open'), ('Di Beta due', 'open')")
		return err
	})
	members, requests := seedMembers(t, w, id)
	joined := 0
	join := func(int) {
		joined++
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `WITH u AS (INSERT INTO users (email, display_name) VALUES
					('prima' || ?0 || '@alpha.example', 'Aaa nuovo ' || ?0), ('dopo' || ?0 || '@alpha.example', 'Socio 30 nuovo ' || ?0) RETURNING id)
				INSERT INTO community_members (community_id, user_id, state) SELECT ?1::bigint, id, 'active' FROM u`, joined, id)
			return err
		})
	}
	isNew := func(s string) bool { return strings.HasPrefix(s, "Socio 30 nuovo ") }
	page := "/communities/" + id
	seen := keysettest.WalkSize(t, anna, alpha, page, memberRE, membership.PageSize, join)
	if len(seen) < 3 || strings.Join(seen[:3], ",") != "Anna,Zeta Guida,Zoe Guida" {
		t.Errorf("the managers do not come first: %v", seen[:min(3, len(seen))])
	}
	missing, repeated, unexpected := keysettest.Once(seen[3:], members, isNew)
	if len(missing)+len(repeated)+len(unexpected) > 0 || joined < 3 {
		t.Errorf("members missing %v, repeated %v, unexpected %v (%d pages)", missing, repeated, unexpected, joined)
	}
	_, one := anna.Get(alpha + page + "?who=socio+07")
	if rows := memberRE.FindAllStringSubmatch(one, -1); len(rows) != 2 || !strings.Contains(one, `value="socio 07"`) {
		t.Errorf("the filter by name does not keep the two members: %v", rows)
	}
	bruno := w.Browser(t, alpha, "bruno")
	seen = keysettest.WalkSize(t, anna, alpha, page+"?state=request_sent", pendingRE, membership.PageSize, nil)
	if missing, repeated, unexpected := keysettest.Once(seen, requests, nil); len(missing)+len(repeated)+len(unexpected) > 0 {
		t.Errorf("requests missing %v, repeated %v, unexpected %v", missing, repeated, unexpected)
	}
	for _, state := range []string{"request_sent", "invited"} {
		if code, body := bruno.Get(alpha + page + "?state=" + state); code != 404 || strings.Contains(body, "Richiedente") || strings.Contains(body, "Invitato") {
			t.Errorf("someone who does not manage the community reads its list %s: %d", state, code)
		}
	}
	if _, p := anna.Get(alpha + page + "?state=invited"); !strings.Contains(between(p, "pending", "</ul>"), "Invitato Uno") {
		t.Error("the manager does not read the invitations")
	}
	cursorsRefused(t, anna, w.Browser(t, beta, "anna"), page, "/communities/"+other)
}

// seedMembers gives community id 120 members (each name twice, in two
// cases), two more managers, 55 requests and an invitation, in alpha; it
// returns the members' names and the requests'.
func seedMembers(t *testing.T, w *moduletest.World, id string) (members, requests []string) {
	t.Helper()
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `WITH u AS (INSERT INTO users (email, display_name)
				SELECT 'socio' || i || '-' || c || '@alpha.example', CASE WHEN c = 1 THEN 'Socio ' ELSE 'SOCIO ' END || lpad(i::text, 2, '0')
				FROM generate_series(1, 60) AS i, generate_series(1, 2) AS c RETURNING id)
			INSERT INTO community_members (community_id, user_id, role, state) SELECT ?0::bigint, id, 'participant', 'active' FROM u;
			WITH u AS (INSERT INTO users (email, display_name) VALUES ('z1@alpha.example', 'Zeta Guida'), ('z2@alpha.example', 'Zoe Guida') RETURNING id)
			INSERT INTO community_members (community_id, user_id, role, state) SELECT ?0::bigint, id, 'manager', 'active' FROM u;
			WITH u AS (INSERT INTO users (email, display_name) SELECT 'chiede' || i || '@alpha.example', 'Richiedente ' || lpad(i::text, 2, '0')
				FROM generate_series(1, 55) AS i RETURNING id)
			INSERT INTO community_members (community_id, user_id, state) SELECT ?0::bigint, id, 'request_sent' FROM u;
			WITH u AS (INSERT INTO users (email, display_name) VALUES ('invitato@alpha.example', 'Invitato Uno') RETURNING id)
			INSERT INTO community_members (community_id, user_id, state) SELECT ?0::bigint, id, 'invited' FROM u`, id)
		return err
	})
	for i := 1; i <= 60; i++ {
		members = append(members, fmt.Sprintf("Socio %02d", i), fmt.Sprintf("SOCIO %02d", i))
	}
	for i := 1; i <= 55; i++ {
		requests = append(requests, fmt.Sprintf("Richiedente %02d", i))
	}
	return members, requests
}

// cursorsRefused: the cursor of the second page of list page opens it,
// and names no page altered, of another list (the requests, another
// group at otherPage), or on the same path of another tenant.
func cursorsRefused(t *testing.T, b, other *moduletest.Browser, page, otherPage string) {
	t.Helper()
	_, first := b.Get(alpha + page)
	m := regexp.MustCompile(`href="` + regexp.QuoteMeta(page) + `\?after=([^"&]+)" id="more"`).FindStringSubmatch(first)
	if m == nil {
		t.Fatal("the first page links no next page")
	}
	if code, _ := b.Get(alpha + page + "?after=" + m[1]); code != 200 {
		t.Fatalf("the second page: %d", code)
	}
	for _, bad := range []string{page + "?after=garbage", page + "?after=" + m[1] + "A", page + "?after=" + m[1][:len(m[1])-2],
		page + "?state=request_sent&after=" + m[1], page + "?state=rejected", otherPage + "?after=" + m[1]} {
		if code, _ := b.Get(alpha + bad); code != 404 {
			t.Errorf("%s: %d", bad, code)
		}
	}
	if code, body := other.Get(beta + page + "?after=" + m[1]); code != 404 || strings.Contains(body, "Socio") {
		t.Errorf("another tenant's member reads the second page: %d", code)
	}
}
