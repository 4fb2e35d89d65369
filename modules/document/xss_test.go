package document_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// TestStoredXSS: every known payload, stored in documents' names,
// descriptions and links, in file names, folder names, tags and the
// community's name, renders inert on every page that shows it — the
// library and its folders, a document's page and its versions, its form,
// the search's snippets, the community's page and the notifications —
// and the members' e-mails telling of new documents are plain text.
// Members following the community are told of documents added and
// versioned there.
func TestStoredXSS(t *testing.T) {
	w := moduletest.New(t)
	anna, bruno := w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "bruno")
	w.StartJobs(t, time.Now)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO profiles (user_id, notify_frequency) VALUES (?, 'immediate')
			ON CONFLICT (user_id) DO UPDATE SET notify_frequency = 'immediate'`, w.ID("alpha", "bruno"))
		return err
	})
	cid := newCommunity(t, anna, "Tavolo alert", "closed")
	join(t, w, anna, bruno, cid, "bruno")
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE communities SET name = ? WHERE id = ?", cut(webtest.Payloads[0], 100), cid)
		if err != nil {
			return err
		}
		for i, p := range webtest.Payloads[:6] {
			if _, err := tx.ExecContext(ctx, "INSERT INTO tags (name) VALUES (?)", fmt.Sprintf("%d %s", i, cut(p, 70))); err != nil {
				return err
			}
		}
		return nil
	})
	pages := []string{"/documents/communities/" + cid, "/communities/" + cid, "/notifications", "/search?q=alert", "/search?q=script"}
	parent := ""
	for i, p := range webtest.Payloads {
		folder := addFolder(t, anna, cid, parent, fmt.Sprintf("%02d %s", i, cut(p, 190)))
		if i < 4 {
			parent = last(folder) // nested: the breadcrumb shows them
		}
		name := p + ".pdf"
		if strings.ContainsAny(p, "\x02\x03") {
			name = "controllo.pdf" // control characters cannot travel in a multipart header
		}
		doc := addFile(t, anna, cid, last(folder), fmt.Sprintf("%02d alert %s", i, cut(p, 180)), url.Values{"body": {"alert " + cut(p, 1900)},
			"tags": {"1", "2", "3", "4", "5", "6"}}, file{name, "application/pdf", pdf})
		if i < 6 {
			if code, _, body := send(t, anna, alpha+doc+"/versions", nil, &file{"v2 " + name, "application/pdf", pdfV2}); code != 303 {
				t.Fatalf("version named with payload %d: %d %s", i, code, excerpt(body))
			}
			link := addLink(t, anna, cid, fmt.Sprintf("link %02d %s", i, cut(p, 180)), "https://example.org/?q="+url.QueryEscape(p))
			pages = append(pages, link, link+"/edit")
		}
		pages = append(pages, folder, doc, doc+"/edit")
	}
	bruno.Eventually(alpha+"/notifications", "the documents' notifications", func(_ int, page string) bool {
		return strings.Count(page, "Nuova versione del documento") == 6
	})
	for _, p := range pages {
		for who, b := range map[string]*moduletest.Browser{"manager": anna, "member": bruno} {
			code, page := b.Get(alpha + p)
			if code != 200 && !(code == 403 && who == "member" && strings.HasSuffix(p, "/edit")) {
				t.Errorf("%s as %s: %d", p, who, code)
			}
			if bad := webtest.Inert(page); bad != "" {
				i := strings.Index(page, "alert(1)")
				t.Errorf("%s as %s: %s (near %q)", p, who, bad, page[max(0, i-120):min(len(page), i+40)])
			}
		}
	}
	if _, page := bruno.Get(alpha + "/search?q=alert"); !strings.Contains(page, "<mark>alert</mark>") {
		t.Error("the search shows no snippet of the documents (the payloads went unchecked there)")
	}
	m := w.SMTP.Wait(t, "bruno@alpha.example")
	if !strings.Contains(m.Text, "alert") {
		t.Errorf("the member's e-mail carries no payload (unchecked): %q", m.Text)
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
