package directory_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/directory"
	"github.com/piazza-pa/piazza/platform/search"
	"github.com/piazza-pa/piazza/tenant/tenanttest"
)

// searching is a directory's search, as the organisations' module has it.
var searching = directory.Search{From: "organizations AS o", Columns: "o.id, o.name AS title, o.created_at AS at", ID: "o.id",
	Doc: "o.search", Text: "o.description || ' ' || piazza_join(o.competencies)",
	Kind: "organization.kind_name", Prefix: "/organizations/", What: "organisations"}

// viewer is who reads: facilitators see drafts too.
type viewer struct{ facilitator bool }

func as(facilitator bool) func(context.Context, bun.IDB) (viewer, error) {
	return func(context.Context, bun.IDB) (viewer, error) { return viewer{facilitator}, nil }
}

func visible(sq *bun.SelectQuery, v viewer, _ *db.Params) *bun.SelectQuery {
	if v.facilitator {
		return sq
	}
	return sq.Where("o.state = 'validated'")
}

var errWho = errors.New("who reads?")

func titles(hits []search.Hit) string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Title)
	}
	return strings.Join(out, ",")
}

// TestFind: a text search finds what the viewer may see, best first (a
// match in the name before one in the competencies and description), at
// most limit, in web search syntax, as hits of the directory's kind at its
// URLs, whose snippets mark the matched words; guests find nothing.
func TestFind(t *testing.T) {
	s := directoryTenant(t)
	cases := []struct {
		name, q string
		uid     int64
		who     func(context.Context, bun.IDB) (viewer, error)
		limit   int
		want    string
		wantErr error
	}{
		{"a member, best first", "telemedicina", 7, as(false), 10, "Telemedicina Lab,Ospedale Digitale", nil},
		{"a facilitator sees drafts", "telemedicina", 7, as(true), 10, "Telemedicina Lab,Ospedale Digitale,Bozza Sanitaria", nil},
		{"at most limit", "telemedicina", 7, as(false), 1, "Telemedicina Lab", nil},
		{"web search syntax", "telemedicina -comuni", 7, as(false), 10, "Telemedicina Lab", nil},
		{"every word", "telemedicina satelliti", 7, as(false), 10, "", nil},
		{"nothing matches", "agrivoltaico", 7, as(false), 10, "", nil},
		{"a guest, never asked who reads", "telemedicina", 0, func(context.Context, bun.IDB) (viewer, error) { return viewer{}, errWho }, 10, "", nil},
		{"who reads fails", "telemedicina", 7, func(context.Context, bun.IDB) (viewer, error) { return viewer{}, errWho }, 10, "", errWho},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.do(t, func(ctx context.Context, tx bun.Tx) error {
				hits, err := find(ctx, tx, searching, search.Query{Words: c.q, Limit: c.limit}, c.uid, c.who)
				if !errors.Is(err, c.wantErr) || titles(hits) != c.want {
					t.Errorf("Find(%q): %s, %v; want %s, %v", c.q, titles(hits), err, c.want, c.wantErr)
				}
				return nil
			})
		})
	}
	s.do(t, func(ctx context.Context, tx bun.Tx) error {
		hits, parts, err := search.Run(ctx, tx, search.Query{Words: "telemedicina", Limit: 10}, build(ctx, tx, searching, 7, as(false)))
		if err != nil || len(hits) != 2 {
			t.Fatalf("Find: %v, %v", hits, err)
		}
		if err := search.Snippets(ctx, tx, "telemedicina", hits[1:], parts...); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, "SELECT id FROM organizations WHERE name = 'Ospedale Digitale'").Scan(&id); err != nil {
			return err
		}
		h := hits[1]
		if h.Kind != "organization.kind_name" || h.URL != "/organizations/"+strconv.FormatInt(id, 10) || !(hits[0].Rank > h.Rank) ||
			!strings.Contains(string(h.Snippet), "<mark>Telemedicina</mark> e cartella clinica") {
			t.Errorf("the hit: %+v", h)
		}
		return nil
	})
	broken := searching
	broken.Doc = "o.no_such_column"
	s.failing(t, func(ctx context.Context, tx bun.Tx) error {
		_, err := find(ctx, tx, broken, search.Query{Words: "telemedicina", Limit: 10}, 7, as(false))
		return err
	}, "search organisations: ")
}

// find runs the query directory.Find builds, as it is written with its
// values as literals and as a search's plan writes it (prepared, with
// parameters): both find the same.
func find(ctx context.Context, tx bun.IDB, s directory.Search, q search.Query, uid int64, who func(context.Context, bun.IDB) (viewer, error)) ([]search.Hit, error) {
	hits, _, err := search.Run(ctx, tx, q, build(ctx, tx, s, uid, who))
	if err != nil {
		return nil, err
	}
	if q.Plan, err = search.Prepare(ctx, tx, q.Words); err != nil {
		return nil, err
	}
	planned, _, err := search.Run(ctx, tx, q, build(ctx, tx, s, uid, who))
	if err == nil && titles(planned) != titles(hits) {
		err = fmt.Errorf("with a plan %s, without %s", titles(planned), titles(hits))
	}
	return hits, err
}

// build is the part directory.Find builds of s for a query, as search.Run
// asks for it.
func build(ctx context.Context, tx bun.IDB, s directory.Search, uid int64,
	who func(context.Context, bun.IDB) (viewer, error)) func(search.Query) ([]*search.Part, error) {
	return func(q search.Query) ([]*search.Part, error) {
		part, err := directory.Find(ctx, tx, s, q, uid, who, visible)
		return []*search.Part{part}, err
	}
}

// TestFindStaysInItsTenant: the search's statement goes prepared with a
// plan made once per connection; on a pool of one connection, searching
// one tenant then the other, and again, each search finds its own
// tenant's entries only, walking its newest rows (a word in every
// entry, ANALYZE having seen it) or through the index of the text.
func TestFindStaysInItsTenant(t *testing.T) {
	sites := tenanttest.New(t, "alpha", "beta")
	alpha, beta := sites[0], sites[1]
	alpha.DB.DB.SetMaxOpenConns(1)
	alpha.Exec(t, `INSERT INTO organizations (name, description, state) SELECT 'Alfa ' || i, 'Telemedicina e ricerca', 'validated' FROM generate_series(1, 300) AS i;
		ANALYZE organizations`)
	beta.Exec(t, `INSERT INTO organizations (name, description, state) VALUES ('Beta uno', 'Telemedicina', 'validated'), ('Beta due', 'Ricerca', 'validated')`)
	search1 := func(s tenanttest.Site, words string) (string, int) {
		var found string
		walks := -1
		s.In(t, func(ctx context.Context, tx bun.Tx) error {
			plan, err := search.Prepare(ctx, tx, words)
			if err != nil {
				return err
			}
			walks = plan.Walks("organizations", false)
			hits, _, err := search.Run(ctx, tx, search.Query{Words: words, Limit: 3, Plan: plan}, build(ctx, tx, searching, 7, as(false)))
			found = titles(hits)
			return err
		})
		return found, walks
	}
	for i := range 8 {
		if got, walks := search1(alpha, "telemedicina"); got != "Alfa 300,Alfa 299,Alfa 298" || walks == 0 {
			t.Fatalf("alpha, search %d: %s (walking %d rows)", i, got, walks)
		}
		if got, walks := search1(beta, "telemedicina"); got != "Beta uno" || walks != 0 {
			t.Fatalf("beta, search %d: %s (walking %d rows)", i, got, walks)
		}
		if got, _ := search1(alpha, "ricerca"); !strings.HasPrefix(got, "Alfa 300,") {
			t.Fatalf("alpha after beta, search %d: %s", i, got)
		}
	}
}
