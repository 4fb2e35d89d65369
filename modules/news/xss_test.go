package news_test

import (
	"context"
	"fmt"
	"image/color"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// TestStoredXSS: every known payload, stored in titles, subtitles,
// summaries, bodies and categories of news, in file and picture names and
// picture descriptions, in comments, in discussions, in names and descriptions of
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
	// Pictures named with payloads and described with one (item 2's picture
	// is the first of them; the others are its choices in the form).
	picture := pngOf(t, color.White)
	for i, p := range webtest.Payloads[:8] {
		if strings.ContainsAny(p, "\x02\x03") {
			continue
		}
		if code, body := validator.Upload(alpha+"/news/2", alpha+"/files/news/2", p+".png", "image/png", picture); code != 303 {
			t.Fatalf("picture named with payload %d: %d %s", i, code, body)
		}
	}
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE news SET image_alt = ? WHERE id = 2", webtest.Payloads[1])
		return err
	})
	if _, page := validator.Get(alpha + "/news/2"); !strings.Contains(page, `id="image"`) {
		t.Fatal("item 2 shows no picture: its payload name and description would go unchecked")
	}
	if code, _ := validator.Send(alpha+"/profile", alpha+"/profile", url.Values{"name": {webtest.Payloads[2]}, "bio": {webtest.Payloads[0]}, "competencies": {webtest.Payloads[4]}, "notify_frequency": {"daily"}}); code != 303 {
		t.Fatalf("profile: %d", code)
	}
	pages = append(pages, "/news", "/dashboard", "/dashboard/inbox", "/search?q=alert", "/search?q=script", "/communities",
		"/communities/1", "/communities/2", "/organizations", "/organizations/1", "/people", fmt.Sprintf("/people/%d", w.ID("alpha", "validator")), "/profile", "/news/1/edit", "/news/2", "/news/2/edit",
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
