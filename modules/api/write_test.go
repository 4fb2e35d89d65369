package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestInterestWrite: a token that writes submits an expression of
// interest through the proposals' rules — the proposer is told, a second
// one and one in a closed proposal or one's own are refused (409), bad
// bodies are refused naming their field (400) — while a read-only token
// (403), no token, or a signed-in browser's cookie with or without its
// CSRF token (401) write nothing; /me/interests lists the member's own
// expressions only.
func TestInterestWrite(t *testing.T) {
	generous(t)
	s := loadSpec(t)
	w := moduletest.New(t)
	validator, anna, bruno := w.Browser(t, alpha, "validator"), w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "bruno")
	open := post(t, validator, "proposals", proposalForm("Aperta", url.Values{"public": {"1"}}))
	closed := post(t, validator, "proposals", proposalForm("Chiusa", url.Values{"public": {"1"}}))
	own := post(t, anna, "proposals", proposalForm("Di Anna", url.Values{"action": {"save"}}))
	exec(t, w, "UPDATE proposals SET state = 'closed' WHERE id = ?", closed)
	exec(t, w, "UPDATE proposals SET state = 'published', published_at = now() WHERE id = ?", own)
	writer := newClient(t, w, s, newToken(t, anna, alpha, "Scrittura", "read write"))
	reader := newClient(t, w, s, newToken(t, anna, alpha, "Lettura", "read"))
	count := func() int { return query[int](t, w, "alpha", "SELECT count(*) FROM proposal_interests") }
	body := []byte(`{"offer": "Un banco di prova", "role": "Partner tecnico"}`)
	u := func(id string) string { return alpha + "/api/v1/proposals/" + id + "/interests" }

	// What may not write writes nothing.
	if r := reader.do(http.MethodPost, u(open), body); r.Code != 403 {
		t.Errorf("read-only token: %d", r.Code)
	} else if code, _ := r.Problem(t); code != "read_only_token" {
		t.Errorf("read-only token: %s", code)
	}
	if r := newClient(t, w, s, "").do(http.MethodPost, u(open), body); r.Code != 401 {
		t.Errorf("no token: %d", r.Code)
	}
	// A signed-in browser, with its session cookie and CSRF token.
	_, page := anna.Get(alpha + "/proposals/" + open)
	res, page2 := anna.Post(alpha+"/proposals/"+open, u(open), url.Values{"offer": {"Dal browser"}})
	if res.StatusCode != 401 || !strings.Contains(page2, "token_required") {
		t.Errorf("the session cookie writes: %d %.200s", res.StatusCode, page2)
	}
	_ = page
	if n := count(); n != 0 {
		t.Fatalf("%d expressions written without a token that writes", n)
	}

	// Bad bodies, each naming its field.
	for b, field := range map[string]string{`{}`: "offer", `{"offer": ""}`: "offer", `not json`: "body",
		`{"offer": "x", "extra": 1}`: "body", `{"offer": "a\u0000b"}`: "offer", `{"offer": "x", "role": "` + strings.Repeat("r", 201) + `"}`: "role",
		`{"offer": "` + strings.Repeat("o", 4001) + `"}`: "offer", `{"offer": "x", "organization_id": 99}`: "organization_id",
		`{"offer": "x", "organization_id": -1}`: "organization_id", `[1]`: "body"} {
		r := writer.do(http.MethodPost, u(open), []byte(b))
		if r.Code != 400 {
			t.Errorf("body %.60s: %d %s", b, r.Code, r.Body)
			continue
		}
		if _, f := r.Problem(t); f != field {
			t.Errorf("body %.60s: field %q, want %q", b, f, field)
		}
	}
	if n := count(); n != 0 {
		t.Fatalf("bad bodies wrote %d expressions", n)
	}

	// The write, through the proposals' service: submitted, proposer told.
	r := writer.do(http.MethodPost, u(open), body)
	var got struct {
		ID        int64
		State     string
		ItemID    int64  `json:"item_id"`
		ItemTitle string `json:"item_title"`
	}
	r.JSON(t, &got)
	if r.Code != 201 || got.State != "submitted" || got.ItemID == 0 || got.ItemTitle != "Aperta" {
		t.Fatalf("express: %d %s", r.Code, r.Body)
	}
	if st := query[string](t, w, "alpha", "SELECT state FROM proposal_interests WHERE id = ?", got.ID); st != "submitted" {
		t.Errorf("stored as %s", st)
	}
	if n := query[int](t, w, "alpha", `SELECT count(*) FROM events WHERE recipient_id = ? AND content_type = 'proposal_interest'`,
		w.ID("alpha", "validator")); n != 1 {
		t.Errorf("the proposer was told %d times", n)
	}
	for id, what := range map[string]string{open: "a second one", closed: "a closed proposal", own: "her own proposal"} {
		if r := writer.do(http.MethodPost, u(id), body); r.Code != 409 {
			t.Errorf("%s: %d %s", what, r.Code, r.Body)
		}
	}
	if r := writer.do(http.MethodPost, u("999999"), body); r.Code != 404 {
		t.Errorf("no such proposal: %d", r.Code)
	}
	if n := count(); n != 1 {
		t.Errorf("%d expressions, want 1", n)
	}

	// Bruno's expression is his: anna's list has hers only.
	if res, b := bruno.Post(alpha+"/proposals/"+open+"/interest", alpha+"/proposals/"+open+"/interest",
		url.Values{"offer": {"Offerta di Bruno"}, "action": {"submit"}}); res.StatusCode != 303 {
		t.Fatalf("bruno: %d %.200s", res.StatusCode, b)
	}
	var mine struct {
		Data []struct {
			ID   int64
			Text string
			Type string
		}
	}
	reader.get(alpha+"/api/v1/me/interests").JSON(t, &mine)
	if len(mine.Data) != 1 || mine.Data[0].ID != got.ID || mine.Data[0].Type != "proposal" || mine.Data[0].Text != "Un banco di prova" {
		t.Errorf("anna's interests: %+v", mine.Data)
	}
	if r := newClient(t, w, s, "").get(alpha + "/api/v1/me/interests"); r.Code != 401 {
		t.Errorf("interests without a token: %d", r.Code)
	}
}
