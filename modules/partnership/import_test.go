package partnership_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/partnership"
)

// snapshot is every profile's reference, state, themes and updated_at:
// what an import that changes nothing leaves as it was.
func snapshot(t *testing.T, w *moduletest.World) string {
	return query[string](t, w, `SELECT coalesce(string_agg(reference || state || themes::text || updated_at::text, ',' ORDER BY reference), '')
		FROM partnerships`)
}

// TestImportSample: the sample imports; importing it again changes
// nothing (not even updated_at); an updated file updates what changed; a
// profile missing from a full export expires (readable, taking no new
// interest) and comes back with the next export that holds it.
func TestImportSample(t *testing.T) {
	w := moduletest.New(t)
	if s := mustImport(t, w, sample(), false); s != (partnership.Summary{Created: 8}) {
		t.Fatalf("first import: %+v", s)
	}
	before := snapshot(t, w)
	if s := mustImport(t, w, sample(), true); s != (partnership.Summary{Unchanged: 8}) {
		t.Fatalf("second import: %+v", s)
	}
	if after := snapshot(t, w); after != before {
		t.Fatalf("a re-import changed rows:\n%s\n%s", before, after)
	}
	updated := strings.Replace(sample(), "Lightweight composite brackets", "Lighter composite brackets", 1)
	if s := mustImport(t, w, updated, false); s != (partnership.Summary{Updated: 1, Unchanged: 7}) {
		t.Fatalf("updated file: %+v", s)
	}
	if got := query[string](t, w, "SELECT title FROM partnerships WHERE reference = 'TOIT20261002001'"); got != "Lighter composite brackets for satellite structures" {
		t.Errorf("title after the update: %q", got)
	}
	// A full export without the robot cell: it expires.
	start := strings.Index(updated, "  <profile>\n    <reference>TOAT20260612006")
	end := start + strings.Index(updated[start:], "</profile>\n") + len("</profile>\n")
	dropped := updated[:start] + updated[end:]
	if s := mustImport(t, w, dropped, true); s != (partnership.Summary{Unchanged: 7, Expired: 1}) {
		t.Fatalf("full export without a profile: %+v", s)
	}
	id := profileID(t, w, "TOAT20260612006")
	if st := query[string](t, w, "SELECT state FROM partnerships WHERE id = ?", id); st != "closed" {
		t.Fatalf("the dropped profile is %s", st)
	}
	anna := w.Browser(t, alpha, "anna")
	if code, page := anna.Get(alpha + "/partnerships/" + id); code != 200 || !strings.Contains(page, `id="expired-help"`) || strings.Contains(page, `id="express"`) {
		t.Errorf("the expired profile's page: %d, expired shown %v, interest offered %v", code, strings.Contains(page, "expired-help"), strings.Contains(page, `id="express"`))
	}
	if code, _ := anna.Get(alpha + "/partnerships/" + id + "/interest"); code != 409 {
		t.Errorf("the form of an interest in an expired profile: %d", code)
	}
	// A not-full import without it does not expire anything more; the
	// next export holding it publishes it again.
	if s := mustImport(t, w, dropped, false); s.Expired != 0 {
		t.Errorf("a partial import expired %d", s.Expired)
	}
	if s := mustImport(t, w, updated, true); s != (partnership.Summary{Updated: 1, Unchanged: 7}) {
		t.Fatalf("the profile back in a full export: %+v", s)
	}
	if n := query[int](t, w, "SELECT count(*) FROM workflow_history WHERE content_type = 'partnership' AND action IN ('expire', 'reopen')"); n != 2 {
		t.Errorf("%d steps of expiry in the history, want 2", n)
	}
}

// TestImportRefused: a malformed file, a missing reference, a bad date, an
// unknown kind (and more) are each reported with their line and profile,
// and nothing of the file is written, even its good profiles.
func TestImportRefused(t *testing.T) {
	w := moduletest.New(t)
	good := sample()
	cases := []struct {
		name, file  string
		line, index int
		ref, code   string
	}{
		{"malformed XML", strings.Replace(good, "</summary>", "</summry>", 1), 12, 0, "", "syntax"},
		{"missing reference", strings.Replace(good, "<reference>BRES20260701004</reference>", "", 1), 79, 4, "", "missing"},
		{"bad date", strings.Replace(good, "<published>2026-08-20</published>", "<published>2026-02-30</published>", 1), 70, 3, "BOFR20260820003", "date"},
		{"unknown kind", strings.Replace(good, "<type>RDR</type>", "<type>XX</type>", 1), 103, 5, "RDDE20261105005", "kind"},
		{"long title", strings.Replace(good, "<title>Collaborative robot cell", "<title>"+strings.Repeat("x", 201), 1), 128, 6, "TOAT20260612006", "long"},
		{"duplicate reference", strings.Replace(good, "TOAT20260612006", "TOIT20261002001", 1), 126, 6, "TOIT20261002001", "duplicate"},
		{"bad country", strings.Replace(good, "<country>SI</country><country>IT</country><country>HR</country>", "<country>XQ</country>", 1), 183, 8, "BOSI20260505008", "country"},
		{"no profile", "<profiles>\n</profiles>\n", 2, 0, "", "empty"},
		{"wrong root", "<?xml version=\"1.0\"?>\n<opportunities/>\n", 2, 0, "", "root"},
		{"not XML", "slug,name\n", 2, 0, "", "syntax"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := importInto(t, w, w.A, tc.file, true)
			var ps partnership.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("accepted: %+v, %v", s, err)
			}
			p := ps[0]
			if p.Line != tc.line || p.Index != tc.index || p.Reference != tc.ref || p.Code != tc.code {
				t.Errorf("reported %+v (%v), want line %d, profile %d %q, %s", p, p, tc.line, tc.index, tc.ref, tc.code)
			}
			if n := query[int](t, w, "SELECT count(*) FROM partnerships"); n != 0 {
				t.Errorf("%d profiles written", n)
			}
		})
	}
}
