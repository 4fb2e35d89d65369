package partnership_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// TestStoredXSS: every known payload, in every text field of an imported
// file (title, summary, description, innovation, stage, IPR, partner
// type and role, keyword codes, labels and words), in a member's message
// and an advisor's note, and in the values of a refused file, renders
// inert on the list, the profile's and the interest's pages, the inbox,
// search results, the notifications and the admin page; the e-mails are
// plain text. (Payloads with characters XML forbids cannot be in an
// export: the file is refused.)
func TestStoredXSS(t *testing.T) {
	w := moduletest.New(t)
	w.StartJobs(t, time.Now)
	advisor(t, w, w.A, "carla")
	exec(t, w, "INSERT INTO profiles (user_id, notify_frequency) VALUES (?0, 'immediate') ON CONFLICT (user_id) DO UPDATE SET notify_frequency = 'immediate'",
		w.ID("alpha", "anna"))
	admin, anna, carla, bruno := w.Browser(t, alpha, "admin"), w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "carla"), w.Browser(t, alpha, "bruno")
	var payloads []string
	for _, p := range webtest.Payloads {
		if !strings.ContainsAny(p, "\x02\x03") {
			payloads = append(payloads, p)
		}
	}
	for _, p := range payloads {
		exec(t, w, "INSERT INTO partnership_keywords (keyword, theme) VALUES (lower(?), 'health') ON CONFLICT DO NOTHING", cut(p, 100))
	}
	mustImport(t, w, payloadFile(payloads), false)
	pages := append(followed(t, w, anna, carla, payloads), "/partnerships", "/partnerships?theme=health", "/dashboard/inbox",
		"/search?q=alert", "/search?q=script", "/notifications")
	badDate := strings.Replace(sample(), "<published>2026-08-20</published>", "<published>"+escape(payloads[0])+"</published>", 1)
	if code, page := upload(t, admin, alpha, "<script>alert(1)</script>.xml", []byte(badDate), false); code != 422 || webtest.Inert(page) != "" {
		t.Errorf("refused file with a payload: %d %s", code, webtest.Inert(page))
	}
	pages = append(pages, "/admin/partnerships")
	anna.Eventually(alpha+"/notifications", "the advisors' steps told", func(_ int, page string) bool {
		return strings.Count(page, "chiede informazioni") == 8
	})
	for _, p := range pages {
		for who, b := range map[string]*moduletest.Browser{"admin": admin, "member": anna, "advisor": carla, "other": bruno, "guest": w.Browser(t, alpha, "")} {
			code, page := b.Get(alpha + p)
			if code != 200 && code != 303 && code != 403 && code != 404 && code != 409 {
				t.Errorf("%s as %s: %d", p, who, code)
			}
			if bad := webtest.Inert(page); bad != "" {
				i := strings.Index(page, "alert(1)")
				t.Errorf("%s as %s: %s (near %q)", p, who, bad, page[max(0, i-120):min(len(page), i+40)])
			}
		}
	}
	if _, page := carla.Get(alpha + "/dashboard/inbox"); !strings.Contains(page, "/partnerships/interests/") {
		t.Error("the advisor's inbox lists no interest (the payloads went unchecked there)")
	}
	if text := waitMail(t, w, "anna@alpha.example", "alert"); text == "" {
		t.Error("the member's e-mail carries no payload")
	}
	for _, m := range w.SMTP.Messages() {
		if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("e-mail to %s is %q, not plain text alone", m.To, ct)
		}
	}
}

// followed are the pages of the payloads' profiles and, for the first
// eight, of an interest of anna's carrying it, on which carla took two
// steps with it as note.
func followed(t *testing.T, w *moduletest.World, anna, carla *moduletest.Browser, payloads []string) []string {
	var pages []string
	for i, p := range payloads {
		id := profileID(t, w, fmt.Sprintf("XSS%03d", i))
		pages = append(pages, "/partnerships/"+id)
		if i >= 8 {
			continue
		}
		iid := express(t, w, anna, id, "alert "+p)
		page := alpha + "/partnerships/interests/" + iid
		for _, a := range []string{"take_over", "request_info"} {
			if code, _ := carla.Send(page, page+"/do/"+a, url.Values{"note": {p}}); code != 303 {
				t.Fatalf("%s with payload %d: %d", a, i, code)
			}
		}
		pages = append(pages, "/partnerships/interests/"+iid, "/partnerships/"+id+"/interest")
	}
	return pages
}

// payloadFile is an export of one profile per payload, the payload in
// every text field (cut to the field's length).
func payloadFile(payloads []string) string {
	var b strings.Builder
	b.WriteString("<profiles>\n")
	for i, p := range payloads {
		f := func(name string, n int) string { return "<" + name + ">" + escape(cut(p, n)) + "</" + name + ">" }
		fmt.Fprintf(&b, `<profile><reference>XSS%03d</reference><type>TO</type>%s%s%s%s%s%s
<partner>%s%s</partner><published>2026-11-01</published>
<keywords><technology code="%s">%s</technology><market code="%s">%s</market>%s</keywords></profile>
`, i, f("title", 200), f("summary", 2000), f("description", 20000), f("innovation", 8000), f("stage", 200), f("ipr", 200),
			f("type", 500), f("role", 4000), escape(cut(p, 40)), escape(cut(p, 200)), escape(cut("m"+p, 40)), escape(cut(p, 200)), f("word", 100))
	}
	return b.String() + "</profiles>\n"
}

// escape is s as XML text (and attribute value).
func escape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// cut is s cut to at most n characters.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
