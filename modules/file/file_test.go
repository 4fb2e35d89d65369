package file_test

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

const alpha, beta = moduletest.Alpha, moduletest.Beta

var pdf = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// upload posts a file to an item as b and returns the status and body.
func upload(t *testing.T, b *moduletest.Browser, page, item, name, declared string, data []byte) (int, string) {
	t.Helper()
	return b.Upload(page, alpha+"/files/"+item, name, declared, data)
}

func TestAttachments(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	if code, _ := anna.Send(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {"Tavolo tecnico"}, "kind": {"closed"}}); code != 303 {
		t.Fatal(code)
	}
	_, page := anna.Get(alpha + "/communities")
	cid := regexp.MustCompile(`/communities/(\d+)`).FindStringSubmatch(page[strings.Index(page, `id="communities"`):])[1]
	res, _ := anna.Post(alpha+"/news/new", alpha+"/news", url.Values{"title": {"Verbale con allegato"}, "language": {"it"}, "scope_kind": {"communities"},
		"scope_communities": {cid}, "action": {"publish"}})
	if res.StatusCode != 303 {
		t.Fatal(res.StatusCode)
	}
	news := strings.TrimSuffix(res.Header.Get("Location"), "?done=1")
	item := "news/" + strings.TrimPrefix(news, "/news/")
	page = alpha + news

	refusals := []struct {
		name, declared string
		data           []byte
		says           string
	}{
		{"pagina.png", "image/png", []byte("<html><script>alert(1)</script></html>"), "non è accettato"},
		{"finto.png", "image/png", pdf, "non è ciò che il suo tipo dichiara"},
		{"documento.html", "application/pdf", pdf, "nome del file non corrisponde"},
		{"vuoto.pdf", "application/pdf", nil, "vuoto"},
		{"enorme.pdf", "application/pdf", append(append([]byte{}, pdf...), bytes.Repeat([]byte{' '}, 10<<20)...), "supera 10 MB"},
	}
	for _, r := range refusals {
		code, body := upload(t, anna, page, item, r.name, r.declared, r.data)
		if code != 422 || !strings.Contains(body, r.says) {
			t.Errorf("%s: %d, want 422 saying %q", r.name, code, r.says)
		}
		// Told on the item's page, in its upload form.
		if i := strings.Index(body, `id="file-refused"`); i < 0 || !strings.Contains(body[i:], r.says) || !strings.Contains(body, "Verbale con allegato") {
			t.Errorf("%s: the refusal is not told in the item's upload form", r.name)
		}
	}
	evil := `<img src=x onerror=alert(1)>.pdf`
	if code, body := upload(t, anna, page, item, evil, "application/pdf", pdf); code != 303 {
		t.Fatalf("upload a PDF: %d %s", code, body)
	}
	if code, _ := upload(t, anna, page, item, "../../etc/passwd.txt", "text/plain", []byte("ciao\n")); code != 303 {
		t.Fatalf("upload a text with a path: %d", code)
	}
	_, shown := anna.Get(page)
	if bad := webtest.Inert(shown); bad != "" {
		t.Errorf("the page with the file names: %s", bad)
	}
	links := regexp.MustCompile(`href="(/files/\d+/[^"]+)"`).FindAllStringSubmatch(shown, -1)
	if len(links) != 2 || !strings.Contains(shown, "passwd.txt") || strings.Contains(shown, "../") {
		t.Fatalf("the attachments listed: %v", links)
	}
	dl := func(b *moduletest.Browser, site, path string) (int, string, string) {
		res, err := b.Client.Get(site + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Content-Type") + "|" + res.Header.Get("Content-Disposition") + "|" + res.Header.Get("X-Content-Type-Options"), string(body)
	}
	code, headers, body := dl(anna, alpha, links[0][1])
	if code != 200 || body != string(pdf) || !strings.HasPrefix(headers, "application/pdf|attachment;") || !strings.HasSuffix(headers, "|nosniff") {
		t.Errorf("the member's download: %d %s", code, headers)
	}
	// Those who may not see the item may not download: a non-member, a
	// guest, another tenant's member.
	for who, b := range map[string]*moduletest.Browser{"non-member": bruno, "guest": w.Browser(t, alpha, "")} {
		if code, _, _ := dl(b, alpha, links[0][1]); code != 404 {
			t.Errorf("%s downloads: %d", who, code)
		}
	}
	if code, _, _ := dl(w.Browser(t, beta, "anna"), beta, links[0][1]); code != 404 {
		t.Errorf("beta's member downloads: %d", code)
	}
	// Only who may edit the item attaches files.
	if code, _ := upload(t, bruno, alpha+"/news", item, "x.pdf", "application/pdf", pdf); code != 404 {
		t.Errorf("a non-member attaches: %d", code)
	}
	if code, _ := anna.Send(alpha+"/communities", alpha+"/communities/"+cid+"/invite", url.Values{"user": {fmt.Sprint(w.ID("alpha", "bruno"))}}); code != 303 {
		t.Fatal(code)
	}
	if code, _ := bruno.Send(alpha+"/communities", alpha+"/communities/"+cid+"/accept", nil); code != 303 {
		t.Fatal(code)
	}
	if code, _, _ := dl(bruno, alpha, links[0][1]); code != 200 {
		t.Errorf("the new member cannot download: %d", code)
	}
	if code, _ := upload(t, bruno, page, item, "x.pdf", "application/pdf", pdf); code != 403 {
		t.Errorf("a participant attaches to someone else's item: %d", code)
	}
}

// TestCommentAttachments: a comment's author attaches a file to it; those
// who see the item download it, nobody else attaches to that comment.
func TestCommentAttachments(t *testing.T) {
	w := moduletest.New(t)
	validator := w.Browser(t, alpha, "validator")
	anna := w.Browser(t, alpha, "anna")
	res, _ := validator.Post(alpha+"/discussions/new", alpha+"/discussions", url.Values{"title": {"Documenti per la gara"}, "language": {"it"},
		"scope_kind": {"tenant"}, "action": {"publish"}})
	if res.StatusCode != 303 {
		t.Fatal(res.StatusCode)
	}
	topic := strings.TrimSuffix(res.Header.Get("Location"), "?done=1")
	id := strings.TrimPrefix(topic, "/discussions/")
	if code, _ := anna.Send(alpha+topic, alpha+"/comments/discussion/"+id, url.Values{"body": {"Ecco il capitolato."}}); code != 303 {
		t.Fatal(code)
	}
	_, page := anna.Get(alpha + topic)
	m := regexp.MustCompile(`action="/files/comment/(\d+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the author is not offered to attach a file to their comment")
	}
	item := "comment/" + m[1]
	if code, _ := upload(t, validator, alpha+topic, item, "capitolato.pdf", "application/pdf", pdf); code != 403 {
		t.Errorf("someone else attaches to anna's comment: %d", code)
	}
	if code, _ := upload(t, anna, alpha+topic, item, "capitolato.pdf", "application/pdf", pdf); code != 303 {
		t.Fatalf("anna attaches: %d", code)
	}
	_, page = w.Browser(t, alpha, "bruno").Get(alpha + topic)
	link := regexp.MustCompile(`href="(/files/\d+/capitolato.pdf)"`).FindStringSubmatch(page)
	if link == nil {
		t.Fatal("the comment's file is not listed")
	}
	if code, _ := w.Browser(t, alpha, "bruno").Get(alpha + link[1]); code != 200 {
		t.Errorf("a member who sees the topic cannot download: %d", code)
	}
	if code, _ := w.Browser(t, beta, "bruno").Get(beta + link[1]); code != 404 {
		t.Errorf("beta's member downloads: %d", code)
	}
}
