package proposal_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// TestStoredXSS: every known payload, stored in each free-text field of a
// proposal (title, summary, description, offer, expectation), of an
// expression of interest (offer, role, the proposer's note) and in file
// names, renders inert on the list, the proposal's and the expression's
// pages, the inbox, search results and the notifications.
func TestStoredXSS(t *testing.T) {
	w := moduletest.New(t)
	validator, anna, bruno := w.Browser(t, alpha, "validator"), w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "bruno")
	w.StartJobs(t, time.Now)
	exec(t, w, "INSERT INTO profiles (user_id, notify_frequency) VALUES (?0, 'immediate') ON CONFLICT (user_id) DO UPDATE SET notify_frequency = 'immediate'",
		w.ID("alpha", "anna")) // her e-mails go out at once, payloads and all
	var pages []string
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	for i, p := range webtest.Payloads {
		id := write(t, validator, alpha, fmt.Sprintf("%02d alert %s", i, p), url.Values{"summary": {p}, "body": {p + "\n\n" + p},
			"offer": {p}, "expected": {p}, "public": {"1"}, "action": {"publish"}})
		pages = append(pages, "/proposals/"+id)
		if i >= 8 {
			continue
		}
		iid := express(t, anna, id, "alert "+p, "submit")
		exec(t, w, "UPDATE proposal_interests SET role = ? WHERE id = ?", cut(p, 200), iid)
		if !strings.ContainsAny(p, "\x02\x03") {
			if code, body := anna.Upload(alpha+"/proposals/interests/"+iid, alpha+"/files/proposal_interest/"+iid, p+".pdf", "application/pdf", pdf); code != 303 {
				t.Fatalf("file named with payload %d: %d %s", i, code, body)
			}
			if code, body := validator.Upload(alpha+"/proposals/"+id, alpha+"/files/proposal/"+id, p+".pdf", "application/pdf", pdf); code != 303 {
				t.Fatalf("proposal's file named with payload %d: %d %s", i, code, body)
			}
		}
		if i%2 == 0 {
			if code, _ := validator.Send(alpha+"/proposals/"+id, alpha+"/proposals/interests/"+iid+"/do/not_relevant", url.Values{"note": {p}}); code != 303 {
				t.Fatalf("decision with payload %d: %d", i, code)
			}
		}
		pages = append(pages, "/proposals/interests/"+iid, "/proposals/"+id+"/edit", "/proposals/interests/"+iid+"/edit")
	}
	pages = append(pages, "/proposals", "/proposals?theme=health", "/dashboard", "/dashboard/inbox", "/search?q=alert", "/search?q=script", "/notifications")
	anna.Eventually(alpha+"/notifications", "the decisions' notifications", func(_ int, page string) bool {
		return strings.Count(page, "giudicata non pertinente") == 4
	})
	guest := w.Browser(t, alpha, "")
	for _, p := range pages {
		for who, b := range map[string]*moduletest.Browser{"validator": validator, "respondent": anna, "member": bruno, "guest": guest} {
			code, page := b.Get(alpha + p)
			if code != 200 && code != 303 && code != 403 && code != 404 {
				t.Errorf("%s as %s: %d", p, who, code)
			}
			if bad := webtest.Inert(page); bad != "" {
				i := strings.Index(page, "alert(1)")
				t.Errorf("%s as %s: %s (near %q)", p, who, bad, page[max(0, i-120):min(len(page), i+40)])
			}
		}
	}
	if _, page := validator.Get(alpha + "/dashboard/inbox"); !strings.Contains(page, "/proposals/interests/") {
		t.Error("the proposer's inbox lists no expression (the payloads went unchecked there)")
	}
	// The e-mails that carry the payloads are plain text only: no part a
	// mail reader would render as HTML.
	m := w.SMTP.Wait(t, "anna@alpha.example")
	if !strings.Contains(m.Text, "alert") {
		t.Errorf("the respondent's e-mail carries no payload (unchecked): %q", m.Text)
	}
	for _, m := range w.SMTP.Messages() {
		if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("e-mail to %s is %q, not plain text alone", m.To, ct)
		}
	}
}

// cut is s cut to at most n characters.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
