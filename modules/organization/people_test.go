package organization_test

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

// row is the row of person uid in the people's table of page ("" for none).
func row(page string, uid int64) string {
	i := strings.Index(page, `id="people"`)
	if i < 0 {
		return ""
	}
	table := page[i:]
	table = table[:strings.Index(table, "</table>")]
	j := strings.Index(table, fmt.Sprintf(`href="/people/%d"`, uid))
	if j < 0 {
		return ""
	}
	r := table[j:]
	return r[:strings.Index(r, "</tr>")]
}

// TestPeopleSearch: a referent finds people to invite by the start of
// their name (htmx or a plain form), never those linked already nor
// another tenant's people nor an address; nobody else may search.
func TestPeopleSearch(t *testing.T) {
	w := moduletest.New(t)
	for _, tn := range []struct {
		site  string
		names []string
	}{{"alpha", []string{"Elena Rossi"}}, {"beta", []string{"Elena Rossi", "Elena Bianchi"}}} {
		target := w.A
		if tn.site == "beta" {
			target = w.B
		}
		w.In(t, target, func(ctx context.Context, tx bun.Tx) error {
			for i, n := range tn.names {
				if _, err := tx.ExecContext(ctx, "INSERT INTO users (email, display_name) VALUES (?, ?)", fmt.Sprintf("elena%d@%s.example", i, tn.site), n); err != nil {
					return err
				}
			}
			return nil
		})
	}
	anna := w.Browser(t, alpha, "anna")
	id := create(t, anna, url.Values{"name": {"Officine Test"}})
	search := alpha + "/organizations/" + id + "/candidates?q="

	code, found := hx(t, anna, search+"ele")
	if code != 200 || strings.Contains(found, "<html") || strings.Count(found, `name="user"`) != 1 || !strings.Contains(found, "Elena Rossi") ||
		strings.Contains(found, "Bianchi") || strings.Contains(found, "@") {
		t.Errorf("typing finds the wrong people (%d): %s", code, found)
	}
	for _, q := range []string{"ann", "e", "%25"} {
		if _, found := hx(t, anna, search+q); strings.Contains(found, `name="user"`) {
			t.Errorf("the query %q offers people", q)
		}
	}
	code, page := anna.Get(search + "dar")
	if code != 200 || !strings.Contains(page, `id="people"`) || !strings.Contains(page, fmt.Sprintf(`name="user" value="%d"`, w.ID("alpha", "dario"))) {
		t.Fatalf("the plain search does not show the page with the matches: %d", code)
	}
	if code, _ := anna.Send(alpha+"/organizations/"+id, alpha+"/organizations/"+id+"/invite", url.Values{"user": {fmt.Sprint(w.ID("alpha", "dario"))}}); code != 303 {
		t.Fatalf("invite from the matches: %d", code)
	}
	if _, p := anna.Get(alpha + "/organizations/" + id + "?state=invited"); !strings.Contains(p[strings.Index(p, `id="pending"`):], "Dario") {
		t.Error("the invited person does not wait among the requests and invitations")
	}
	if code, body := hx(t, w.Browser(t, alpha, "bruno"), search+"ele"); code != 403 || strings.Contains(body, "Elena") {
		t.Errorf("someone who does not refer for it searches people to invite: %d", code)
	}
	if code, body := hx(t, w.Browser(t, beta, "anna"), beta+"/organizations/"+id+"/candidates?q=ele"); code != 404 || strings.Contains(body, "Elena") {
		t.Errorf("another tenant's member searches: %d", code)
	}
}

// TestPeopleRoles: the people's table shows roles as badges; a referent
// makes someone referent and removes someone; others may do neither.
func TestPeopleRoles(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	carla := w.Browser(t, alpha, "carla")
	id := create(t, anna, url.Values{"name": {"Officine Test"}})
	page := alpha + "/organizations/" + id
	bid, cid := w.ID("alpha", "bruno"), w.ID("alpha", "carla")
	for _, b := range []*moduletest.Browser{bruno, carla} {
		if code, _ := b.Send(page, page+"/join", nil); code != 303 {
			t.Fatalf("join: %d", code)
		}
	}
	for _, uid := range []int64{bid, cid} {
		if code, _ := anna.Send(page, fmt.Sprintf("%s/people/%d/approve", page, uid), nil); code != 303 {
			t.Fatalf("approve: %d", code)
		}
	}
	_, p := anna.Get(page)
	if r := row(p, bid); !strings.Contains(r, ">Dipendente<") || !strings.Contains(r, fmt.Sprintf("/people/%d/referent", bid)) || !strings.Contains(r, `<details class="mt-2">`) {
		t.Errorf("the referent's row lacks the badge, the role's change or the removal to confirm: %s", r)
	}
	if _, p := bruno.Get(page); row(p, cid) == "" || strings.Contains(row(p, cid), "/remove") {
		t.Error("an employee does not see the people, or sees the referents' tools")
	}
	other := w.Browser(t, beta, "anna")
	for _, action := range []string{"referent", "remove"} {
		u := fmt.Sprintf("/organizations/%s/people/%d/%s", id, cid, action)
		if code, _ := bruno.Send(page, alpha+u, nil); code != 403 {
			t.Errorf("an employee does %s: %d", action, code)
		}
		if code, _ := other.Send(beta+"/organizations", beta+u, nil); code != 404 {
			t.Errorf("another tenant's member does %s: %d", action, code)
		}
	}
	if code, _ := anna.Send(page, fmt.Sprintf("%s/people/%d/referent", page, bid), nil); code != 303 {
		t.Fatalf("make referent: %d", code)
	}
	if code, _ := anna.Send(page, fmt.Sprintf("%s/people/%d/remove", page, cid), nil); code != 303 {
		t.Fatalf("remove: %d", code)
	}
	_, p = anna.Get(page)
	if !strings.Contains(row(p, bid), ">Referente<") || row(p, cid) != "" {
		t.Errorf("the new role or the removal does not show: %q / %q", row(p, bid), row(p, cid))
	}
}

// seedPeople links 110 employees and 52 requests to organisation id in
// alpha, and an organisation of the same id to beta; it returns the
// employees' names and the requests'.
func seedPeople(t *testing.T, w *moduletest.World, id string) (people, requests []string) {
	t.Helper()
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `WITH u AS (INSERT INTO users (email, display_name)
				SELECT 'dip' || i || '@alpha.example', 'Dipendente ' || lpad(i::text, 3, '0') FROM generate_series(1, 110) AS i RETURNING id)
			INSERT INTO organization_members (organization_id, user_id, role, state) SELECT ?0::bigint, id, 'employee', 'active' FROM u;
			WITH u AS (INSERT INTO users (email, display_name) SELECT 'chiede' || i || '@alpha.example', 'Richiedente ' || lpad(i::text, 2, '0')
				FROM generate_series(1, 52) AS i RETURNING id)
			INSERT INTO organization_members (organization_id, user_id, state) SELECT ?0::bigint, id, 'request_sent' FROM u`, id)
		return err
	})
	w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error { // an organisation of the same id in beta
		_, err := tx.ExecContext(ctx, "INSERT INTO organizations (name) VALUES ('Di Beta')")
		return err
	})
	for i := 1; i <= 110; i++ {
		people = append(people, fmt.Sprintf("Dipendente %03d", i))
	}
	for i := 1; i <= 52; i++ {
		requests = append(requests, fmt.Sprintf("Richiedente %02d", i))
	}
	return people, requests
}

// personRE is a row of the people's table: the person's name.
var personRE = regexp.MustCompile(`<td><a href="/people/\d+">([^<]+)</a></td>`)

// TestPeoplePages: an organisation's people are paged by keyset, fifty at
// a time, referents first and then by name, each once while people join
// between pages; its requests are a list for its referents only, paged
// too; a cursor altered, of another list or of another tenant names no
// page.
func TestPeoplePages(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	id := create(t, anna, url.Values{"name": {"Officine Grandi"}})
	people, requests := seedPeople(t, w, id)
	joined := 0
	join := func(int) {
		joined++
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `WITH u AS (INSERT INTO users (email, display_name) VALUES
					('prima' || ?0 || '@alpha.example', 'Aaa nuovo ' || ?0), ('dopo' || ?0 || '@alpha.example', 'Dipendente 080 nuovo ' || ?0) RETURNING id)
				INSERT INTO organization_members (organization_id, user_id, state) SELECT ?1::bigint, id, 'active' FROM u`, joined, id)
			return err
		})
	}
	page := "/organizations/" + id
	seen := keysettest.WalkSize(t, anna, alpha, page, personRE, membership.PageSize, join)
	if len(seen) == 0 || seen[0] != "Anna" {
		t.Errorf("the referent does not come first: %v", seen[:min(1, len(seen))])
	}
	isNew := func(s string) bool { return strings.HasPrefix(s, "Dipendente 080 nuovo ") }
	if missing, repeated, unexpected := keysettest.Once(seen[min(1, len(seen)):], people, isNew); len(missing)+len(repeated)+len(unexpected) > 0 || joined < 3 {
		t.Errorf("people missing %v, repeated %v, unexpected %v (%d pages)", missing, repeated, unexpected, joined)
	}
	seen = keysettest.WalkSize(t, anna, alpha, page+"?state=request_sent", regexp.MustCompile(`gap-2">([^<]+) <span`), membership.PageSize, nil)
	if missing, repeated, unexpected := keysettest.Once(seen, requests, nil); len(missing)+len(repeated)+len(unexpected) > 0 {
		t.Errorf("requests missing %v, repeated %v, unexpected %v", missing, repeated, unexpected)
	}
	if code, body := w.Browser(t, alpha, "bruno").Get(alpha + page + "?state=request_sent"); code != 404 || strings.Contains(body, "Richiedente") {
		t.Errorf("someone who does not refer for it reads its requests: %d", code)
	}
	_, first := anna.Get(alpha + page)
	m := regexp.MustCompile(`href="` + page + `\?after=([^"&]+)" id="more"`).FindStringSubmatch(first)
	if m == nil {
		t.Fatal("the first page links no next page")
	}
	for _, bad := range []string{"?after=garbage", "?after=" + m[1] + "A", "?state=request_sent&after=" + m[1], "?state=rejected"} {
		if code, _ := anna.Get(alpha + page + bad); code != 404 {
			t.Errorf("%s: %d", bad, code)
		}
	}
	if code, body := w.Browser(t, beta, "anna").Get(beta + page + "?after=" + m[1]); code != 404 || strings.Contains(body, "Dipendente") {
		t.Errorf("another tenant's member reads the second page: %d", code)
	}
}
