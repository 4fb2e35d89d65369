package content

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/form"
)

// TestFromForm checks the common fields of a posted item: what is kept and
// which message each wrong field gets, under the type's key.
func TestFromForm(t *testing.T) {
	good := url.Values{"title": {"  Bando   aperto "}, "body": {"<p>Testo</p><script>x()</script>"}, "language": {"it"}, "scope_kind": {"tenant"}}
	with := func(k, v string) url.Values {
		out := url.Values{}
		for f, vs := range good {
			out[f] = vs
		}
		out.Set(k, v)
		return out
	}
	cases := []struct {
		name string
		form url.Values
		errs map[string]string
	}{
		{"good", good, map[string]string{}},
		{"short title", with("title", " ab "), map[string]string{"title": "event.error.title"}},
		{"long title", with("title", strings.Repeat("à", 201)), map[string]string{"title": "event.error.title"}},
		{"long body", with("body", strings.Repeat("x", 100001)), map[string]string{"body": "event.error.body"}},
		{"unknown language", with("language", "xx"), map[string]string{"language": "event.error.language"}},
		{"no scope", with("scope_kind", ""), map[string]string{"scope": "scope.error.kind"}},
	}
	app := fiber.New()
	app.Post("/", func(c *fiber.Ctx) error {
		b, errs := FromForm(c, "event")
		return c.JSON(map[string]any{"title": b.Title, "body": b.Body, "errs": errs})
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/", strings.NewReader(tc.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Title, Body string
				Errs        map[string]string
			}
			if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Errs, tc.errs) {
				t.Errorf("errors %v, want %v", got.Errs, tc.errs)
			}
			if tc.name == "good" && (got.Title != "Bando aperto" || strings.Contains(got.Body, "script")) {
				t.Errorf("kept title %q body %q", got.Title, got.Body)
			}
		})
	}
}

// The collectors' own item types, as their modules define them.
type (
	communityItem struct {
		Type, Title, URL, Summary, State string
		At                               time.Time
	}
	commentItem struct {
		Title, URL     string
		Open, Moderate bool
	}
	fileItem struct {
		URL    string
		Upload bool
	}
)

type fakeSource struct {
	cards  []Card
	target Target
}

func (f fakeSource) Cards(context.Context, bun.IDB, int64, int64, int) ([]Card, error) {
	return f.cards, nil
}

func (f fakeSource) Target(context.Context, bun.IDB, int64, int64) (Target, error) {
	return f.target, nil
}

func (f fakeSource) Moderated(context.Context, bun.IDB, int64, []int64) (map[int64]Target, error) {
	return map[int64]Target{3: f.target}, nil
}

// TestSources checks that a kit's items reach the collectors whole, in
// their own types.
func TestSources(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	src := fakeSource{cards: []Card{{Type: "event", Title: "Fiera", URL: "/events/3", Summary: "In piazza", State: "published", At: at}},
		target: Target{Title: "Fiera", URL: "/events/3", Open: true, Moderate: false, Upload: true}}
	s := SourcesOf[communityItem, commentItem, fileItem](src)
	items, err := s.CommunityItems(context.Background(), nil, 1, 2, 10)
	if want := []communityItem{{Type: "event", Title: "Fiera", URL: "/events/3", Summary: "In piazza", State: "published", At: at}}; err != nil || !reflect.DeepEqual(items, want) {
		t.Errorf("community items %v, %v; want %v", items, err, want)
	}
	if c, err := s.CommentTarget(context.Background(), nil, 3, 2); err != nil || c != (commentItem{Title: "Fiera", URL: "/events/3", Open: true}) {
		t.Errorf("comment target %+v, %v", c, err)
	}
	if f, err := s.FileTarget(context.Background(), nil, 3, 2); err != nil || f != (fileItem{URL: "/events/3", Upload: true}) {
		t.Errorf("file target %+v, %v", f, err)
	}
	if m, err := s.CommentModerated(context.Background(), nil, 2, []int64{3}); err != nil || m[3] != (commentItem{Title: "Fiera", URL: "/events/3", Open: true}) {
		t.Errorf("comments moderated %+v, %v", m, err)
	}
}

// TestMountImported: a type without Parse (its items are imported) has no
// page of a new item and takes none by POST; one with Parse has both.
func TestMountImported(t *testing.T) {
	type item struct{ Base }
	routes := func(parse func(c *fiber.Ctx) (*item, form.Errors)) []string {
		app := fiber.New()
		k := &Kit[item, *item]{Type: Type[item, *item]{Path: "/things", Parse: parse}}
		k.Mount(app)
		var out []string
		for _, r := range app.GetRoutes() {
			if r.Method != "HEAD" {
				out = append(out, r.Method+" "+r.Path)
			}
		}
		return out
	}
	imported := routes(nil)
	for _, r := range []string{"GET /things/new", "POST /things/"} {
		if slices.Contains(imported, r) {
			t.Errorf("an imported type serves %s: %v", r, imported)
		}
	}
	if !slices.Contains(imported, "GET /things/:id<int>") {
		t.Errorf("an imported type has no item page: %v", imported)
	}
	written := routes(func(*fiber.Ctx) (*item, form.Errors) { return nil, nil })
	if !slices.Contains(written, "GET /things/new") || !slices.Contains(written, "POST /things/") {
		t.Errorf("a written type lacks its form: %v", written)
	}
}
