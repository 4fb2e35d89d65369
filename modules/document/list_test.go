package document_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/keyset/keysettest"
)

var rowRE = regexp.MustCompile(`<a class="fw-semibold" href="/documents/\d+">([^<]+)</a>`)

// TestListSearchSort: a folder's documents come a page at a time in each
// order (name, date, size), filtered by category and kind; the library's
// search finds names, descriptions and tags in each document's language,
// and so does the site's search, for members only.
func TestListSearchSort(t *testing.T) {
	w := moduletest.New(t)
	admin, anna, bruno := w.Browser(t, alpha, "admin"), w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "bruno")
	cid := newCommunity(t, anna, "Archivio", "closed")
	var tag int64
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "INSERT INTO tags (name) VALUES ('Cartografia') RETURNING id").Scan(&tag)
	})
	var names []string
	for i := range 25 {
		name := fmt.Sprintf("Documento %02d", i)
		names = append(names, name)
		extra := url.Values{}
		if i%5 == 0 {
			extra.Set("themes", "health")
		}
		if i == 7 {
			extra.Set("tags", fmt.Sprint(tag))
			extra.Set("body", "Le biciclette della città.")
		}
		if i == 12 {
			extra.Set("body", strings.Repeat("Rilievo del territorio comunale. ", 20)+"Codacoda.")
		}
		addFile(t, anna, cid, "", name, extra, file{fmt.Sprintf("f%02d.txt", i), "text/plain", bytes.Repeat([]byte("a"), 10+(i*7)%25)})
	}
	addLink(t, anna, cid, "Mappa online", "https://example.org/mappa")
	lib := "/documents/communities/" + cid
	seen := keysettest.Walk(t, anna, alpha, lib, rowRE, nil)
	if want := append(slices.Clone(names), "Mappa online"); !slices.Equal(seen, want) {
		t.Errorf("by name, page after page: %v", seen)
	}
	bySize := keysettest.Walk(t, anna, alpha, lib+"?sort=size&kind=file", rowRE, nil)
	if len(bySize) != 25 {
		t.Errorf("by size: %d documents", len(bySize))
	}
	sizes := map[string]int{}
	for i, n := range names {
		sizes[n] = 10 + (i*7)%25
	}
	for i := 1; i < len(bySize); i++ {
		if sizes[bySize[i-1]] < sizes[bySize[i]] {
			t.Errorf("by size, %s before %s", bySize[i-1], bySize[i])
		}
	}
	if got := keysettest.Walk(t, anna, alpha, lib+"?sort=date&theme=health", rowRE, nil); len(got) != 5 || got[0] != "Documento 20" {
		t.Errorf("health, latest first: %v", got)
	}
	if got := keysettest.Walk(t, anna, alpha, lib+"?kind=link", rowRE, nil); !slices.Equal(got, []string{"Mappa online"}) {
		t.Errorf("links: %v", got)
	}
	for q, want := range map[string]string{"cartografia": "Documento 07", "bicicletta": "Documento 07", "mappa": "Mappa online"} {
		if got := keysettest.Walk(t, anna, alpha, lib+"?q="+q, rowRE, nil); !slices.Equal(got, []string{want}) {
			t.Errorf("search %q: %v", q, got)
		}
	}
	// A row shows the start of a long description; the document's page
	// shows it all.
	_, page := anna.Get(alpha + lib)
	if !strings.Contains(page, "Rilievo del territorio comunale. Rilievo") || !strings.Contains(page, "Rilievo…</div>") || strings.Contains(page, "Codacoda") {
		t.Error("the library's row does not show just the start of a long description")
	}
	if m := regexp.MustCompile(`href="(/documents/\d+)">Documento 12<`).FindStringSubmatch(page); m == nil {
		t.Error("Documento 12 is not on the library's first page")
	} else if _, doc := anna.Get(alpha + m[1]); !strings.Contains(doc, "Codacoda") {
		t.Error("the document's page does not show its whole description")
	}
	// A cursor names a page of its own order only.
	next := regexp.MustCompile(`href="[^"]*after=([^"&]+)"`).FindStringSubmatch(page)
	if next == nil {
		t.Fatal("no next page")
	}
	for _, bad := range []string{lib + "?sort=date&after=" + next[1], lib + "?after=garbage", lib + "?after=" + next[1][:len(next[1])-2]} {
		if code, _ := anna.Get(alpha + bad); code != 404 {
			t.Errorf("GET %s: %d", bad, code)
		}
	}
	// The site's search: the community's members find it, others do not.
	if _, page := anna.Get(alpha + "/search?q=cartografia"); !strings.Contains(page, "Documento 07") {
		t.Error("the member's search does not find the document by its tag")
	}
	for who, b := range map[string]*moduletest.Browser{"non-member": bruno, "admin": admin} {
		if _, page := b.Get(alpha + "/search?q=cartografia"); strings.Contains(page, "Documento 07") {
			t.Errorf("the %s finds a closed community's document", who)
		}
	}
}
