package document_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

const alpha, beta = moduletest.Alpha, moduletest.Beta

var (
	pdf   = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	pdfV2 = []byte("%PDF-1.4\n1 0 obj << /Title (seconda) >> endobj\ntrailer <<>>\n%%EOF\n")
)

// newCommunity creates a community of kind as b (its manager) and
// returns its id.
func newCommunity(t *testing.T, b *moduletest.Browser, name, kind string) string {
	t.Helper()
	res, body := b.Post(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {name}, "kind": {kind}})
	if res.StatusCode != 303 {
		t.Fatalf("community %s: %d %s", name, res.StatusCode, body)
	}
	_, page := b.Get(alpha + "/communities?mine=1")
	m := regexp.MustCompile(`href="/communities/(\d+)"[^>]*>` + regexp.QuoteMeta(name) + `<`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("community %s not listed", name)
	}
	return m[1]
}

// join makes who an active participant of community cid, invited by its
// manager.
func join(t *testing.T, w *moduletest.World, manager, who *moduletest.Browser, cid, name string) {
	t.Helper()
	if code, _ := manager.Send(alpha+"/communities/"+cid, alpha+"/communities/"+cid+"/invite", url.Values{"user": {fmt.Sprint(w.ID("alpha", name))}}); code != 303 {
		t.Fatalf("invite %s: %d", name, code)
	}
	if code, _ := who.Send(alpha+"/communities/"+cid, alpha+"/communities/"+cid+"/accept", nil); code != 303 {
		t.Fatalf("%s accepts: %d", name, code)
	}
}

// file is a file to send in a form: its name, declared type and bytes.
type file struct {
	name, declared string
	data           []byte
}

// send posts fields (and f, when not nil, as the field "file") to u as a
// multipart form, with b's CSRF token; it returns the status, the
// address it sends to and the body.
func send(t *testing.T, b *moduletest.Browser, u string, fields url.Values, f *file) (int, string, string) {
	t.Helper()
	site := u[:strings.Index(u[len("http://"):], "/")+len("http://")]
	_, home := b.Get(site + "/documents")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("_csrf", webtest.CSRF(home))
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	if f != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, strings.ReplaceAll(f.name, `"`, `\"`)))
		h.Set("Content-Type", f.declared)
		part, _ := mw.CreatePart(h)
		_, _ = part.Write(f.data)
	}
	_ = mw.Close()
	res, err := b.Client.Post(u, mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(body)
}

// addFile adds a file document named title to the library of community
// cid ("" for the tenant's) in folder ("" for the root) as b, and returns
// its page's path.
func addFile(t *testing.T, b *moduletest.Browser, cid, folder, title string, extra url.Values, f file) string {
	t.Helper()
	fields := url.Values{"kind": {"file"}, "title": {title}, "language": {"it"}, "community": {cid}, "folder": {folder}, "scope_kind": {"tenant"}}
	for k, v := range extra {
		fields[k] = v
	}
	code, loc, body := send(t, b, alpha+"/documents", fields, &f)
	if code != 303 {
		t.Fatalf("add %s: %d %s", title, code, excerpt(body))
	}
	return strings.TrimSuffix(loc, "?done=created")
}

// addFolder creates a folder under parent ("" for the root) of the
// library of community cid as b and returns its page's path.
func addFolder(t *testing.T, b *moduletest.Browser, cid, parent, name string) string {
	t.Helper()
	res, body := b.Post(alpha+"/", alpha+"/documents/folders", url.Values{"community": {cid}, "parent": {parent}, "name": {name}})
	if res.StatusCode != 303 {
		t.Fatalf("folder %s: %d %s", name, res.StatusCode, excerpt(body))
	}
	return strings.TrimSuffix(res.Header.Get("Location"), "?done=folder")
}

// download gets u as b: status, the safety headers and the bytes.
func download(t *testing.T, b *moduletest.Browser, u string) (int, string, []byte) {
	t.Helper()
	res, err := b.Client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type") + "|" + res.Header.Get("Content-Disposition") + "|" + res.Header.Get("X-Content-Type-Options"), body
}

// count is the number q (one number) reads in alpha.
func count(t *testing.T, w *moduletest.World, q string, args ...any) int {
	t.Helper()
	var n int
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error { return tx.QueryRowContext(ctx, q, args...).Scan(&n) })
	return n
}

// last is the path's last segment.
func last(path string) string { return path[strings.LastIndex(path, "/")+1:] }

// excerpt is a page's heading and first paragraph, for failures.
func excerpt(body string) string {
	if m := regexp.MustCompile(`(?s)<h1[^>]*>(.*?)</h1>`).FindStringSubmatch(body); m != nil {
		return strings.TrimSpace(m[1])
	}
	if len(body) > 300 {
		return body[:300]
	}
	return body
}
