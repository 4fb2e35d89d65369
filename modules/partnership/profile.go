package partnership

import (
	"net/url"
	"regexp"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/workflow"
)

// ContentType is the profiles' content type in the workflow and the
// authorisation objects ("content/partnership").
const ContentType = "partnership"

// Expired is the state of a profile a full export no longer holds: it
// stays readable as a published one (scope.FilterRead) and takes no new
// interest.
const Expired = "closed"

// ErrNotFound is a profile that does not exist or the viewer may not see.
var ErrNotFound = platform.NewError(platform.ErrNotFound, "no such partnership profile")

// Kinds are the EEN kinds of profile, in the order lists offer them.
var Kinds = []string{"technology_offer", "technology_request", "business_offer", "business_request", "rd_request"}

// Countries are those the list's filter offers: the EEN network's
// members and partner countries most profiles come from (a profile may
// name any ISO 3166 country).
var Countries = []string{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
	"LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "CH", "GB", "IL", "IS", "JP", "KR", "NO", "RS", "TR", "UA", "US"}

// Keyword is a technology or market keyword: its code in the EEN
// classification and its label.
type Keyword struct {
	Code  string `json:"code"`
	Label string `json:"label,omitempty"`
}

// Profile is an EEN partnership profile.
type Profile struct {
	bun.BaseModel `bun:"table:partnerships,alias:pa"`

	content.Base
	Reference    string     `bun:"reference"`
	Kind         string     `bun:"kind"`
	Summary      string     `bun:"summary"`
	Innovation   string     `bun:"innovation"`
	Stage        string     `bun:"stage"`
	IPR          string     `bun:"ipr"`
	PartnerType  string     `bun:"partner_type"`
	PartnerRole  string     `bun:"partner_role"`
	Countries    []string   `bun:"countries,array"`
	Deadline     *time.Time `bun:"deadline,type:date"`
	Technologies []Keyword  `bun:"technologies,type:jsonb"`
	Markets      []Keyword  `bun:"markets,type:jsonb"`
	Keywords     []string   `bun:"keywords,array"`
	Topics       []string   `bun:"themes,array"`
	ExpiredAt    *time.Time `bun:"expired_at"`
}

// Open says whether p takes new interest: published (not expired), its
// deadline (a day, Italian time) not past.
func (p *Profile) Open() bool {
	return p.State == workflow.Published && !p.Past()
}

// Past says whether p's deadline has passed.
func (p *Profile) Past() bool {
	if p.Deadline == nil {
		return false
	}
	today := time.Now().In(i18n.Zone).Format(time.DateOnly)
	return p.Deadline.Format(time.DateOnly) < today
}

// columns are the profiles' columns a page reads (not the search vector,
// the digest or the words the mapping matches).
const columns = `pa.id, pa.reference, pa.kind, pa.title, pa.summary, pa.body, pa.innovation, pa.stage, pa.ipr,
	pa.partner_type, pa.partner_role, pa.countries, pa.deadline, pa.technologies, pa.markets, pa.keywords, pa.themes,
	pa.expired_at, pa.language, pa.state, pa.author_id, pa.published_at, pa.created_at, pa.updated_at,
	pa.scope_kind, pa.scope_themes, pa.scope_tags, pa.scope_communities, pa.scope_organizations, pa.public`

// listColumns are those a row of the list shows or its links need: no
// description, innovation, keywords or partner sought (a profile's texts
// run to pages; a list reads twenty).
const listColumns = `pa.id, pa.reference, pa.kind, pa.title, pa.summary, pa.countries, pa.deadline,
	pa.expired_at, pa.language, pa.state, pa.author_id, pa.published_at, pa.created_at, pa.updated_at,
	pa.scope_kind, pa.scope_themes, pa.scope_tags, pa.scope_communities, pa.scope_organizations, pa.public`

// selectFor is the query of the profiles v may see; the scope rules are
// part of the query. selectList is the same with the list's columns.
func selectFor(tx bun.IDB, v scope.Viewer, dst any) *bun.SelectQuery {
	return visible(tx.NewSelect().Model(dst).ColumnExpr(columns), v)
}

func selectList(tx bun.IDB, v scope.Viewer, dst any) *bun.SelectQuery {
	return visible(tx.NewSelect().Model(dst).ColumnExpr(listColumns), v)
}

// visible keeps, of the query q on partnerships AS pa, what v may see: as
// the scope rules say, an expired profile read as a published one.
func visible(q *bun.SelectQuery, v scope.Viewer) *bun.SelectQuery {
	return scope.FilterRead(q, "pa", v)
}

// today is the SQL of the date today in Italy (deadlines are days there).
const today = "(now() AT TIME ZONE 'Europe/Rome')::date"

// countryRE is a country code as the filter takes it.
var countryRE = regexp.MustCompile(`^[A-Z]{2}$`)

// listFilter reads the list's filters (kind, theme, country, deadline open
// or past), keeping only well-formed values.
func listFilter(c *fiber.Ctx) (url.Values, content.Where) {
	keep := url.Values{}
	var conds []func(*bun.SelectQuery) *bun.SelectQuery
	add := func(k, v string, f func(*bun.SelectQuery) *bun.SelectQuery) {
		keep.Set(k, v)
		conds = append(conds, f)
	}
	if k := c.Query("kind"); slices.Contains(Kinds, k) {
		add("kind", k, func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("pa.kind = ?", k) })
	}
	if t := c.Query("theme"); slices.Contains(taxonomy.Themes, t) {
		add("theme", t, func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("pa.themes @> ARRAY[?]::text[]", t) })
	}
	if cc := c.Query("country"); countryRE.MatchString(cc) {
		add("country", cc, func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("pa.countries @> ARRAY[?]::text[]", cc) })
	}
	switch c.Query("deadline") {
	case "open":
		add("deadline", "open", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("pa.state = 'published' AND (pa.deadline IS NULL OR pa.deadline >= " + today + ")")
		})
	case "past":
		add("deadline", "past", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("(pa.state = 'closed' OR pa.deadline < " + today + ")")
		})
	}
	return keep, func(q *bun.SelectQuery) *bun.SelectQuery {
		for _, f := range conds {
			q = f(q)
		}
		return q
	}
}
