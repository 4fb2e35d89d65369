package api_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/modules/api"
	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/keyset"
)

// TestPaging: a list in pages of ?limit= follows its next links to the
// end with no item twice; the links name the site's registered host
// whatever the request's proxy headers say; the filters narrow the list;
// CSV has a header row and the same items.
func TestPaging(t *testing.T) {
	generous(t)
	s := loadSpec(t)
	w := moduletest.New(t)
	validator := w.Browser(t, alpha, "validator")
	for i := range 5 {
		kind := "technology"
		if i%2 == 1 {
			kind = "research"
		}
		post(t, validator, "proposals", proposalForm(fmt.Sprintf("Proposta %d", i), url.Values{"public": {"1"}, "kind": {kind}}))
	}
	c := newClient(t, w, s, "")
	c.headers.Set("X-Forwarded-Host", "evil.example")
	c.headers.Set("X-Forwarded-Proto", "https")
	seen := map[int64]bool{}
	next := alpha + "/api/v1/proposals?limit=2"
	pages := 0
	for next != "" {
		var page struct {
			Data []struct{ ID int64 }
			Next *string
		}
		c.get(next).JSON(t, &page)
		pages++
		for _, p := range page.Data {
			if seen[p.ID] {
				t.Errorf("proposal %d twice", p.ID)
			}
			seen[p.ID] = true
		}
		next = ""
		if page.Next != nil {
			next = *page.Next
			if !strings.HasPrefix(next, alpha+"/api/v1/proposals?") || !strings.Contains(next, "limit=2") {
				t.Fatalf("next link %s", next)
			}
		}
		if pages > 5 {
			t.Fatal("the pages do not end")
		}
	}
	if len(seen) != 5 || pages != 3 {
		t.Errorf("%d proposals in %d pages", len(seen), pages)
	}
	var research struct{ Data []struct{ Kind string } }
	c.get(alpha+"/api/v1/proposals?kind=research&theme=health&language=it&updated_since=2020-01-01").JSON(t, &research)
	if len(research.Data) != 2 || research.Data[0].Kind != "research" {
		t.Errorf("kind=research: %+v", research.Data)
	}
	var none struct{ Data []any }
	c.get(alpha+"/api/v1/proposals?updated_since="+url.QueryEscape(time.Now().Add(time.Hour).Format(time.RFC3339))).JSON(t, &none)
	if len(none.Data) != 0 {
		t.Errorf("updated_since in the future: %d", len(none.Data))
	}
	r := c.get(alpha + "/api/v1/proposals?format=csv&limit=3")
	rows, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
	if err != nil || len(rows) != 4 || rows[0][0] != "id" || rows[0][1] != "title" {
		t.Errorf("CSV: %v %q", err, r.Body)
	}
	if l := r.Header.Get("Link"); !strings.HasPrefix(l, "<"+alpha+"/api/v1/proposals?") || !strings.Contains(l, "format=csv") {
		t.Errorf("CSV's next link: %q", l)
	}
	c.headers.Set("Accept", "text/csv")
	if r := c.get(alpha + "/api/v1/communities"); !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("Accept: text/csv answered %s", r.Header.Get("Content-Type"))
	}
}

// TestBadInput: every value a list does not take, a forged cursor or one
// of another list, an unknown path or method answer a JSON error naming
// what is wrong, with the right status.
func TestBadInput(t *testing.T) {
	generous(t)
	s := loadSpec(t)
	w := moduletest.New(t)
	c := newClient(t, w, s, "")
	other := keyset.Cursor{Set: true, Text: "a", ID: 1}.Encode("communities")
	mine := keyset.Cursor{Set: true, At: time.Now(), ID: 1}.Encode("proposal")
	forged := mine[:len(mine)-2] + "AA"
	for q, field := range map[string]string{
		"/proposals?limit=0": "limit", "/proposals?limit=101": "limit", "/proposals?limit=abc": "limit", "/news?limit=-1": "limit",
		"/proposals?cursor=" + forged: "cursor", "/proposals?cursor=" + other: "cursor", "/news?cursor=" + mine: "cursor",
		"/communities?cursor=xyz": "cursor", "/organizations?cursor=" + mine: "cursor",
		"/proposals?kind=bogus": "kind", "/proposals?theme=space": "theme", "/proposals?trl=10": "trl", "/proposals?status=maybe": "status",
		"/partnerships?country=it": "country", "/partnerships?deadline=soon": "deadline", "/partnerships?kind=research": "kind",
		"/news?language=ita": "language", "/news?updated_since=yesterday": "updated_since", "/proposals?format=xml": "format",
		"/communities?theme=x": "theme", "/organizations?theme=x": "theme",
	} {
		r := c.get(alpha + "/api/v1" + q)
		if r.Code != 400 {
			t.Errorf("%s: %d %s", q, r.Code, r.Body)
			continue
		}
		if code, f := r.Problem(t); code != "invalid" || f != field {
			t.Errorf("%s: %s %q, want field %q", q, code, f, field)
		}
	}
	if r := c.get(alpha + "/api/v1/proposals?cursor=" + mine); r.Code != 200 {
		t.Errorf("a cursor of the list: %d", r.Code)
	}
	for path, want := range map[string]int{"/nothing": 404, "/proposals/abc": 404, "/proposals/0": 404, "/news/99999999999999999999": 404} {
		r := c.get(alpha + "/api/v1" + path)
		if r.Code != want {
			t.Errorf("%s: %d", path, r.Code)
		}
		r.Problem(t)
	}
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPost, http.MethodPatch} {
		r := c.do(m, alpha+"/api/v1/proposals", nil)
		if code, _ := r.Problem(t); r.Code != 405 || code != "method_not_allowed" || r.Header.Get("Allow") == "" {
			t.Errorf("%s /proposals: %d %s", m, r.Code, r.Header.Get("Allow"))
		}
	}
	if r := c.get(alpha + "/api/v1/proposals/1/interests"); r.Code != 405 || r.Header.Get("Allow") != "POST" {
		t.Errorf("GET interests: %d", r.Code)
	}
}

// TestRateLimit: past its limit an address without a token, and a token,
// are answered 429 with Retry-After and a JSON error; made-up tokens are
// counted against their address; the other token and address are not
// held back.
func TestRateLimit(t *testing.T) {
	t.Setenv(api.EnvPerAddr, "4")
	t.Setenv(api.EnvPerToken, "6")
	s := loadSpec(t)
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	tok := newToken(t, anna, alpha, "Contata", "read")
	guest := newClient(t, w, s, "")
	for i := range 4 {
		if r := guest.get(alpha + "/api/v1/news"); r.Code != 200 {
			t.Fatalf("request %d: %d", i+1, r.Code)
		}
	}
	r := guest.get(alpha + "/api/v1/news")
	if code, _ := r.Problem(t); r.Code != 429 || code != "rate_limited" {
		t.Fatalf("over the limit: %d %s", r.Code, r.Body)
	}
	if n, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || n < 1 || n > 60 {
		t.Errorf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	// The token has its own allowance, from the same address.
	member := newClient(t, w, s, tok)
	for i := range 6 {
		if r := member.get(alpha + "/api/v1/me"); r.Code != 200 {
			t.Fatalf("token request %d: %d", i+1, r.Code)
		}
	}
	if r := member.get(alpha + "/api/v1/me"); r.Code != 429 || r.Header.Get("Retry-After") == "" {
		t.Errorf("token over its limit: %d", r.Code)
	}
	// Guessed tokens count against the address, each a new guess.
	for i := range 4 {
		if r := newClient(t, w, s, fmt.Sprintf("pzt_guess%d", i)).get(alpha + "/api/v1/me"); r.Code != 401 {
			t.Fatalf("guess %d: %d", i, r.Code)
		}
	}
	if r := newClient(t, w, s, "pzt_guess9").get(alpha + "/api/v1/me"); r.Code != 429 {
		t.Errorf("guessing past the limit: %d", r.Code)
	}
	if _, err := api.LimitsFrom(func(string) string { return "many" }); err == nil || !strings.Contains(err.Error(), api.EnvPerAddr) {
		t.Errorf("a bad limit: %v", err)
	}
	_ = context.Background
}

// TestSwitchedOff: a module the tenant switches off answers 404 in the
// API too, at that tenant only.
func TestSwitchedOff(t *testing.T) {
	generous(t)
	s := loadSpec(t)
	w := moduletest.New(t)
	look := w.A.Brand.Published
	look.Off = []string{"proposal", "news", "community", "organization", "partnership"}
	ctx := context.Background()
	if err := w.Reg.SaveDraft(ctx, w.A.ID, look); err != nil {
		t.Fatal(err)
	}
	if err := w.Reg.Publish(ctx, w.A.ID); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, w, s, "")
	paths := []string{"/proposals", "/news", "/communities", "/organizations", "/partnerships", "/proposals/1", "/news/1"}
	deadline := time.Now().Add(5 * time.Second)
	for r := c.get(alpha + "/api/v1/proposals"); r.Code != 404; r = c.get(alpha + "/api/v1/proposals") {
		if time.Now().After(deadline) {
			t.Fatal("proposals still answer after switching them off")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, p := range paths {
		if r := c.get(alpha + "/api/v1" + p); r.Code != 404 {
			t.Errorf("switched off, %s: %d", p, r.Code)
		}
		if r := c.get(beta + "/api/v1" + p); r.Code == 404 && !strings.Contains(p, "/1") {
			t.Errorf("beta lost %s", p)
		}
	}
	if r := c.get(alpha + "/api/v1/openapi.json"); r.Code != 200 {
		t.Errorf("the document: %d", r.Code)
	}
}
