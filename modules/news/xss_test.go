package news_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// TestStoredXSS: every known payload, stored in titles, subtitles,
// summaries, bodies and categories of news, in file names, in comments, in discussions, in names and descriptions of
// communities and organisations and in profiles, renders inert on every page
// that shows it.
func TestStoredXSS(t *testing.T) {
	if len(webtest.Payloads) < 30 {
		t.Fatalf("only %d payloads", len(webtest.Payloads))
	}
	w := moduletest.New(t)
	validator := w.Browser(t, alpha, "validator")
	var pages []string
	for i, p := range webtest.Payloads {
		title := fmt.Sprintf("%02d %s", i, p)
		res, body := validator.Post(alpha+"/news/new", alpha+"/news", url.Values{"title": {title}, "subtitle": {p}, "summary": {p}, "body": {p + "\n\n" + p},
			"category": {fmt.Sprintf("%.80s", p)}, "language": {"it"}, "scope_kind": {"tenant"}, "public": {"1"}, "in_evidence": {"1"}, "action": {"publish"}})
		if res.StatusCode != 303 {
			t.Fatalf("payload %d refused: %d %s", i, res.StatusCode, body)
		}
		pages = append(pages, res.Header.Get("Location"))
		if i < 6 {
			if code, _ := validator.Send(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {fmt.Sprintf("%.110s", p) + " c"}, "kind": {"open"}, "description": {p}}); code != 303 {
				t.Fatalf("community with payload %d: %d", i, code)
			}
			if code, _ := validator.Send(alpha+"/organizations/new", alpha+"/organizations", url.Values{"name": {fmt.Sprintf("%.190s", p) + " o"}, "description": {p}, "competencies": {p}}); code != 303 {
				t.Fatalf("organisation with payload %d: %d", i, code)
			}
		}
	}
	for i, p := range webtest.Payloads {
		if code, _ := validator.Send(alpha+"/news", alpha+"/comments/news/1", url.Values{"body": {p}}); code != 303 {
			t.Fatalf("comment with payload %d: %d", i, code)
		}
		if i < 6 {
			res, _ := validator.Post(alpha+"/discussions/new", alpha+"/discussions", url.Values{"title": {fmt.Sprintf("%02d %s", i, p)}, "body": {p},
				"language": {"it"}, "scope_kind": {"tenant"}, "public": {"1"}, "action": {"publish"}})
			if res.StatusCode != 303 {
				t.Fatalf("discussion with payload %d: %d", i, res.StatusCode)
			}
		}
	}
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	for i, p := range webtest.Payloads {
		if strings.ContainsAny(p, "\x02\x03") {
			continue // control characters cannot travel in a multipart header
		}
		if code, body := validator.Upload(alpha+"/news/1", alpha+"/files/news/1", p+".pdf", "application/pdf", pdf); code != 303 {
			t.Fatalf("file named with payload %d: %d %s", i, code, body)
		}
	}
	if code, _ := validator.Send(alpha+"/profile", alpha+"/profile", url.Values{"name": {webtest.Payloads[2]}, "bio": {webtest.Payloads[0]}, "competencies": {webtest.Payloads[4]}, "notify_frequency": {"daily"}}); code != 303 {
		t.Fatalf("profile: %d", code)
	}
	pages = append(pages, "/news", "/dashboard", "/dashboard/inbox", "/search?q=alert", "/search?q=script", "/communities",
		"/communities/1", "/communities/2", "/organizations", "/organizations/1", "/people", fmt.Sprintf("/people/%d", w.ID("alpha", "validator")), "/profile", "/news/1/edit",
		"/discussions", "/discussions/1", "/discussions/3")
	member := w.Browser(t, alpha, "anna")
	guest := w.Browser(t, alpha, "")
	for _, p := range pages {
		for who, b := range map[string]*moduletest.Browser{"validator": validator, "member": member, "guest": guest} {
			code, page := b.Get(alpha + p)
			if code != 200 && code != 303 && code != 403 {
				t.Errorf("%s as %s: %d", p, who, code)
			}
			if bad := webtest.Inert(page); bad != "" {
				i := strings.Index(page, "alert(1)")
				t.Errorf("%s as %s: %s (near %q)", p, who, bad, page[max(0, i-120):min(len(page), i+40)])
			}
		}
	}
}
