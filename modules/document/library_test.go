package document_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestCommunityLibrary: a closed community's library, its folders and a
// document's versions, as its manager, a participant, a member of the
// site outside the community, a guest and another tenant's member see
// and may change them.
func TestCommunityLibrary(t *testing.T) {
	w := moduletest.New(t)
	anna, bruno, carla := w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "bruno"), w.Browser(t, alpha, "carla")
	guest, other := w.Browser(t, alpha, ""), w.Browser(t, beta, "anna")
	cid := newCommunity(t, anna, "Tavolo tecnico", "closed")
	join(t, w, anna, bruno, cid, "bruno")
	lib := "/documents/communities/" + cid

	if _, page := anna.Get(alpha + "/communities/" + cid); !strings.Contains(page, `href="`+lib+`" id="tab-document"`) {
		t.Error("the community's page has no link to its library")
	}
	verbali := addFolder(t, anna, cid, "", "Verbali")
	anno := addFolder(t, anna, cid, last(verbali), "2024")
	if _, page := anna.Get(alpha + anno); !strings.Contains(page, `href="`+verbali+`">Verbali</a>`) || !strings.Contains(page, `aria-current="page">2024</li>`) {
		t.Error("the folder's breadcrumb does not lead back through Verbali")
	}
	doc := addFile(t, anna, cid, last(anno), "Verbale di marzo", url.Values{"body": {"Riunione del tavolo."}}, file{"verbale.pdf", "application/pdf", pdf})
	if _, page := bruno.Get(alpha + anno); !strings.Contains(page, `href="`+doc+`">Verbale di marzo</a>`) {
		t.Error("the participant does not see the document in its folder")
	}
	code, headers, body := download(t, bruno, alpha+doc+"/versions/1")
	if code != 200 || !bytes.Equal(body, pdf) || headers != `application/pdf|attachment; filename=verbale.pdf|nosniff` {
		t.Errorf("the participant's download: %d %s", code, headers)
	}

	// A participant adds their own and changes only their own.
	if code, _, _ := send(t, bruno, alpha+doc+"/versions", nil, &file{"verbale.pdf", "application/pdf", pdfV2}); code != 403 {
		t.Errorf("a participant versions someone else's document: %d", code)
	}
	link := addLink(t, bruno, cid, "Sito del progetto", "https://example.org/progetto")
	if res, _ := bruno.Post(alpha+link, alpha+link+"/edit", url.Values{"kind": {"link"}, "title": {"Sito ufficiale"}, "link": {"https://example.org/"},
		"language": {"it"}, "community": {cid}}); res.StatusCode != 303 {
		t.Errorf("the participant edits their own link: %d", res.StatusCode)
	}
	if res, _ := bruno.Post(alpha+doc, alpha+doc+"/delete", url.Values{}); res.StatusCode != 403 {
		t.Errorf("a participant deletes someone else's document: %d", res.StatusCode)
	}

	// Versions: kept, each downloadable; a restored one is the old bytes.
	if code, _, body := send(t, anna, alpha+doc+"/versions", nil, &file{"verbale-v2.pdf", "application/pdf", pdfV2}); code != 303 {
		t.Fatalf("the manager uploads version 2: %d %s", code, excerpt(body))
	}
	if res, _ := anna.Post(alpha+doc, alpha+doc+"/versions/1/restore", url.Values{}); res.StatusCode != 303 {
		t.Fatalf("restore version 1: %d", res.StatusCode)
	}
	_, page := bruno.Get(alpha + doc)
	sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	if got := regexp.MustCompile(`<code[^>]*>([0-9a-f]{64})</code>`).FindAllStringSubmatch(page, -1); len(got) != 3 ||
		got[0][1] != sum(pdf) || got[1][1] != sum(pdfV2) || got[2][1] != sum(pdf) {
		t.Errorf("the versions' checksums, newest first: %v", got)
	}
	if !strings.Contains(page, "ripristina la versione 1") || strings.Count(page, "Anna") < 3 {
		t.Error("the version list does not say who uploaded what, nor what the restored version repeats")
	}
	for n, want := range map[string][]byte{"1": pdf, "2": pdfV2, "3": pdf} {
		if code, _, body := download(t, bruno, alpha+doc+"/versions/"+n); code != 200 || !bytes.Equal(body, want) {
			t.Errorf("version %s: %d, %d bytes", n, code, len(body))
		}
	}

	// Who is not a member sees nothing of it and changes nothing.
	for who, b := range map[string]*moduletest.Browser{"non-member": carla, "other tenant": other, "guest": guest} {
		site := alpha
		if who == "other tenant" {
			site = beta
		}
		for _, p := range []string{lib, verbali, anno, doc, doc + "/versions/1", doc + "/edit", "/documents/new?community=" + cid} {
			if code, _ := b.Get(site + p); code != 404 && !(who == "guest" && code == 303) {
				t.Errorf("%s GET %s: %d", who, p, code)
			}
		}
		for p, form := range map[string]url.Values{
			"/documents/folders":        {"community": {cid}, "name": {"Intrusa"}},
			verbali + "/edit":           {"name": {"Rinominata"}},
			verbali + "/delete":         {},
			doc + "/edit":               {"kind": {"file"}, "title": {"Preso"}, "language": {"it"}, "community": {cid}},
			doc + "/delete":             {},
			doc + "/versions/1/restore": {},
			"/documents":                {"kind": {"link"}, "title": {"Intruso"}, "link": {"https://example.org"}, "language": {"it"}, "community": {cid}},
		} {
			if res, _ := b.Post(site+"/documents", site+p, clone(form)); res.StatusCode != 404 && !(who == "guest" && res.StatusCode == 403) {
				t.Errorf("%s POST %s: %d", who, p, res.StatusCode)
			}
		}
		if code, _, _ := send(t, b, site+doc+"/versions", nil, &file{"x.pdf", "application/pdf", pdf}); code != 404 && !(who == "guest" && code == 403) {
			t.Errorf("%s uploads a version: %d", who, code)
		}
	}
	if n := count(t, w, "SELECT count(*) FROM document_folders WHERE name IN ('Intrusa', 'Rinominata')") +
		count(t, w, "SELECT count(*) FROM documents WHERE title IN ('Preso', 'Intruso')"); n != 0 {
		t.Errorf("refused requests wrote %d rows", n)
	}
	if n := count(t, w, "SELECT versions FROM documents WHERE id = ?", last(doc)); n != 3 {
		t.Errorf("the document has %d versions, want 3", n)
	}

	// Folders: no cycle, no non-empty removal; the manager deletes.
	if res, body := anna.Post(alpha+verbali, alpha+verbali+"/edit", url.Values{"name": {"Verbali"}, "parent": {last(anno)}}); res.StatusCode != 422 ||
		!strings.Contains(body, "non può andare dentro sé stessa") {
		t.Errorf("a folder moved under its own folder: %d", res.StatusCode)
	}
	if res, _ := anna.Post(alpha+verbali, alpha+verbali+"/edit", url.Values{"name": {"Verbali"}, "parent": {last(verbali)}}); res.StatusCode != 422 {
		t.Errorf("a folder moved under itself: %d", res.StatusCode)
	}
	if p := count(t, w, "SELECT count(*) FROM document_folders WHERE id = ? AND parent_id IS NULL", last(verbali)); p != 1 {
		t.Error("the refused move moved the folder")
	}
	if res, _ := anna.Post(alpha+anno, alpha+anno+"/delete", url.Values{}); res.StatusCode != 409 {
		t.Errorf("a folder with a document deleted: %d", res.StatusCode)
	}
	if res, _ := anna.Post(alpha+doc, alpha+doc+"/delete", url.Values{}); res.StatusCode != 303 {
		t.Fatalf("the manager deletes the document: %d", res.StatusCode)
	}
	if n := count(t, w, "SELECT count(*) FROM attachments WHERE content_type = 'document' AND item_id = ?", last(doc)); n != 0 {
		t.Errorf("the deleted document's versions keep %d files", n)
	}
	if res, _ := anna.Post(alpha+anno, alpha+anno+"/delete", url.Values{}); res.StatusCode != 303 {
		t.Errorf("the empty folder is not deleted: %d", res.StatusCode)
	}
}

// addLink adds an external link to community cid's library as b.
func addLink(t *testing.T, b *moduletest.Browser, cid, title, link string) string {
	t.Helper()
	res, body := b.Post(alpha+"/", alpha+"/documents", url.Values{"kind": {"link"}, "title": {title}, "link": {link}, "language": {"it"}, "community": {cid}})
	if res.StatusCode != 303 {
		t.Fatalf("link %s: %d %s", title, res.StatusCode, excerpt(body))
	}
	return strings.TrimSuffix(res.Header.Get("Location"), "?done=created")
}
