package exchange

import (
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// Kind is a kind of opportunity the list's filter offers, with the key
// of its name (the sharing module's).
type Kind struct{ Value, Label string }

// kinds are the kinds of proposals and of partnership profiles.
var kinds = func() []Kind {
	var out []Kind
	for _, k := range []string{"research", "technology", "challenge", "commercial", "public_need"} {
		out = append(out, Kind{k, "proposal.kind." + k})
	}
	for _, k := range []string{"technology_offer", "technology_request", "business_offer", "business_request", "rd_request"} {
		out = append(out, Kind{k, "partnership.kind." + k})
	}
	return out
}()

// countries are those the filter offers (ISO 3166 codes).
var countries = []string{"AT", "BE", "CH", "DE", "ES", "FR", "GB", "HR", "IE", "IT", "NL", "PL", "PT", "SE", "SI"}

// types are the kinds of items the exchange holds.
var types = []string{"proposal", "partnership"}

type listView struct {
	web.Page
	Items  []Snapshot
	Filter url.Values
	Pager  keyset.Pager
}

// listPage is "Opportunities from other administrations": the snapshots of
// the other tenants that take part, searched and filtered, newest first.
func (m *Module) listPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f, keep := readFilter(c)
	cur, err := keyset.Decode("exchange", c.Query("after"))
	if err != nil {
		return err
	}
	rows, err := list(ctx, m.DB, tenant.FromContext(ctx).ID, f, cur, keyset.Size)
	if err != nil {
		return err
	}
	rows, next := keyset.Cut(rows, keyset.Size, "exchange", func(s *Snapshot) keyset.Cursor {
		return keyset.Cursor{At: s.UpdatedAt, ID: s.ID}
	})
	p := m.Page(c)
	return m.Render(c, fiber.StatusOK, "list.html", listView{Page: p, Items: rows, Filter: keep,
		Pager: keyset.Links(p.L, "exchange", "/exchange", keep, c.Query("after"), next)})
}

// readFilter keeps, of the list's query, the known values: the words
// searched (at most 200 characters), a theme, a kind, a country, a type.
func readFilter(c *fiber.Ctx) (Filter, url.Values) {
	var f Filter
	keep := url.Values{}
	if q := strings.TrimSpace(c.Query("q")); q != "" && len([]rune(q)) <= 200 {
		f.Query = q
		keep.Set("q", q)
	}
	if t := c.Query("theme"); slices.Contains(taxonomy.Themes, t) {
		f.Theme = t
		keep.Set("theme", t)
	}
	if k := c.Query("kind"); slices.ContainsFunc(kinds, func(x Kind) bool { return x.Value == k }) {
		f.Kind = k
		keep.Set("kind", k)
	}
	if n := c.Query("country"); slices.Contains(countries, n) {
		f.Country = n
		keep.Set("country", n)
	}
	if t := c.Query("type"); slices.Contains(types, t) {
		f.Type = t
		keep.Set("type", t)
	}
	return f, keep
}
