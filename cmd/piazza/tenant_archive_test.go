package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// TestTenantArchive: the demo tenant exported and imported under a new slug
// shows the same pages to its admin (every page reachable from the home
// page, crawled on both hosts, compared without host names and CSRF
// tokens), serves the same files, and none of its pages names the source.
func TestTenantArchive(t *testing.T) {
	s := startSite(t)
	file := filepath.Join(t.TempDir(), "demo.tar.gz")
	out, _, err := run(t, "", "tenant", "export", "demo", file)
	if err != nil || !strings.Contains(out, "exported tenant demo to "+file) {
		t.Fatalf("export: %q, %v", out, err)
	}
	if st, err := os.Stat(file); err == nil {
		t.Logf("%s (the demo tenant): %d bytes", out, st.Size())
	}
	if _, _, err := run(t, "", "tenant", "export", "nowhere", file+".2"); err == nil || !strings.Contains(err.Error(), `no such tenant: "nowhere"`) {
		t.Errorf("export of an unknown tenant: %v", err)
	}
	if _, err := os.Stat(file + ".2"); !os.IsNotExist(err) {
		t.Errorf("a failed export left %s.2 behind: %v", file, err)
	}
	out, _, err = run(t, "", "tenant", "import-archive", file, "--slug", "copia")
	if err != nil || !strings.Contains(out, "imported tenant copia (") || !strings.Contains(out, "serving on https://copia.piazza.test\n") ||
		!strings.Contains(out, "answered on demo.piazza.test") {
		t.Fatalf("import: %q, %v", out, err)
	}
	if _, _, err := run(t, "", "tenant", "import-archive", file, "--slug", "copia"); err == nil || !strings.Contains(err.Error(), `slug already taken: "copia"`) {
		t.Errorf("a second import under the same slug: %v", err)
	}
	out, _, err = run(t, "", "tenant", "import-archive", file, "--slug", "copia-due", "--host", "partecipa.example.org")
	if err != nil || !strings.Contains(out, "serving on https://copia-due.piazza.test, https://partecipa.example.org\n") {
		t.Errorf("import with a host: %q, %v", out, err)
	}

	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"truncated.tar.gz": {good[:len(good)-300], "the tenant archive is damaged"},
		"tenants.csv":      {[]byte("slug,name\nrotta,Rotta\n"), "not a Piazza tenant archive"},
	} {
		bad := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(bad, c.data, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := run(t, "", "tenant", "import-archive", bad, "--slug", "rotta"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("import of %s: %v, want %q", name, err, c.want)
		}
	}
	if out, _, _ := run(t, "", "tenant", "list"); strings.Contains(out, "rotta") {
		t.Errorf("a refused import left a tenant behind:\n%s", out)
	}

	const copySite = "http://copia.piazza.test"
	visitor := newVisitor(t, s.addr, copySite)
	visitor.signIn("/auth/login", demoAdmin, s.password)
	pages, files := crawl(t, s.admin, visitor, 150)
	t.Logf("compared %d pages, %d of them files", pages, files)
	if pages < 40 || files == 0 {
		t.Errorf("compared %d pages only, %d of them files", pages, files)
	}

	// The copy is its own: what changes there does not change the original.
	if _, err := s.pg.Exec(context.Background(), `UPDATE t_copia.news SET title = 'Solo nella copia'
		WHERE id = (SELECT min(id) FROM t_copia.news WHERE state = 'published')`); err != nil {
		t.Fatal(err)
	}
	if _, page := visitor.get("/news"); !strings.Contains(page, "Solo nella copia") {
		t.Error("the copy's news list does not show the copy's change")
	}
	if _, page := s.admin.get("/news"); strings.Contains(page, "Solo nella copia") {
		t.Error("a change in the copy shows in the original")
	}

	// Every file of the source is in the copy, byte for byte.
	rows, err := s.pg.Query(context.Background(), "SELECT storage_key FROM t_demo.attachments")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(keys) == 0 {
		t.Fatalf("%d attachments in the demo: %v", len(keys), err)
	}
	for _, k := range keys {
		if a, b := readFile(t, s, "demo", k), readFile(t, s, "copia", k); !bytes.Equal(a, b) {
			t.Errorf("file %s: %d bytes in the source, %d in the copy", k, len(a), len(b))
		}
	}
}

func readFile(t *testing.T, s *site, slug, key string) []byte {
	t.Helper()
	r, err := s.e.files().Open(context.Background(), slug, key)
	if err != nil {
		t.Fatalf("file %s of %s: %v", key, slug, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var hrefRE = regexp.MustCompile(`(?:href|src)="(/[^"#]*)"`)

// crawl follows the links of src's pages from its home page, breadth first,
// up to max pages, and compares each with the same page of dst.
func crawl(t *testing.T, src, dst *visitor, max int) (pages, files int) {
	t.Helper()
	seen := map[string]bool{"/": true}
	queue := []string{"/"}
	n := 0
	for len(queue) > 0 && n < max {
		p := queue[0]
		queue = queue[1:]
		sc, sb := src.get(p)
		dc, db := dst.get(p)
		n++
		if strings.Contains(db, "demo.piazza.test") {
			t.Errorf("%s of the copy names the source's host", p)
		}
		if sc != dc || normalise(sb, src) != normalise(db, dst) {
			t.Errorf("%s: %d and %d, pages differ:\n%s", p, sc, dc, firstDifference(normalise(sb, src), normalise(db, dst)))
			continue
		}
		if sc != http.StatusOK {
			continue
		}
		if strings.HasPrefix(p, "/files/") {
			files++
		}
		var next []string
		for _, m := range hrefRE.FindAllStringSubmatch(sb, -1) {
			u := strings.ReplaceAll(m[1], "&amp;", "&")
			if !seen[u] && follow(u) {
				seen[u] = true
				next = append(next, u)
			}
		}
		sort.Strings(next)
		queue = append(queue, next...)
	}
	return n, files
}

// follow says whether the crawl visits u: not the sign-out or sign-in
// pages, not the static assets (the same for every tenant): the
// branding pictures and attachments are compared too.
func follow(u string) bool {
	for _, skip := range []string{"/auth/", "/static/", "logout"} {
		if strings.Contains(u, skip) {
			return false
		}
	}
	return true
}

// normalise takes out what differs between two tenants' rendering of the
// same data: host names and the session's CSRF token.
func normalise(page string, v *visitor) string {
	if tok := webtest.CSRF(page); tok != "" {
		page = strings.ReplaceAll(page, tok, "CSRF")
	}
	for _, h := range []string{"demo.piazza.test", "copia.piazza.test"} {
		page = strings.ReplaceAll(page, h, "HOST")
	}
	return page
}

func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-200)
	return "…" + a[from:min(len(a), i+200)] + "\n---\n…" + b[from:min(len(b), i+200)]
}
