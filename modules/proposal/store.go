package proposal

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/workflow"
)

// ContentType is the proposals' content type in the workflow and the
// authorisation objects ("content/proposal").
const ContentType = "proposal"

// Closed is the state of a proposal that takes no more expressions of
// interest; it stays readable as a published one (scope.FilterRead).
const Closed = "closed"

// ErrNotFound is a proposal that does not exist or the viewer may not see.
var ErrNotFound = platform.NewError(platform.ErrNotFound, "no such proposal")

// The choices of a proposal's fields, in the order forms offer them.
var (
	Kinds     = []string{"research", "technology", "challenge", "commercial", "public_need"}
	IPStatus  = []string{"patent", "pending", "know_how", "copyright", "none"}
	Countries = []string{"IT", "AT", "BE", "CH", "DE", "ES", "FR", "GB", "HR", "IE", "NL", "PL", "PT", "SE", "SI"}
	Languages = []string{"it", "en", "fr", "de", "es"}
)

// Proposal is a collaboration proposal.
type Proposal struct {
	bun.BaseModel `bun:"table:proposals,alias:p"`

	content.Base
	Summary  string `bun:"summary"`
	Offer    string `bun:"offer"`
	Expected string `bun:"expected"`
	Kind     string `bun:"kind"`
	TRL      int    `bun:"trl"`
	IPStatus string `bun:"ip_status"`
	// Countries are ISO 3166 codes; Languages the working languages.
	Countries []string `bun:"countries,array"`
	Languages []string `bun:"languages,array"`
	// Topics are its S3 themes, Tags the tenant's tags (its own, beside
	// the publication scope's).
	Topics         []string   `bun:"themes,array"`
	Tags           []int64    `bun:"tags,array"`
	OrganizationID *int64     `bun:"organization_id"`
	ClosesAt       *time.Time `bun:"closes_at"`
	WorkGroupID    *int64     `bun:"work_group_id"`

	OrganizationName string `bun:"organization_name,scanonly"`
}

// Open says whether p takes expressions of interest: published, before its
// closing date.
func (p *Proposal) Open() bool {
	return p.State == workflow.Published && (p.ClosesAt == nil || p.ClosesAt.After(time.Now()))
}

// columns are the proposals' columns a page reads (not the search vector).
const columns = `p.id, p.title, p.summary, p.body, p.offer, p.expected, p.kind, p.trl, p.ip_status, p.countries, p.languages,
	p.themes, p.tags, p.organization_id, p.closes_at, p.work_group_id, p.language, p.state, p.author_id,
	p.published_at, p.created_at, p.updated_at,
	p.scope_kind, p.scope_themes, p.scope_tags, p.scope_communities, p.scope_organizations, p.public`

// selectFor is the query of the proposals v may see, with their author's
// and organisation's names; the scope rules are part of the query.
// selectList is the same without the body, for the list's pages.
var selectFor, selectList = content.Selects(columns, "p", func(tx bun.IDB, v scope.Viewer, dst any, cols string) *bun.SelectQuery {
	q := tx.NewSelect().Model(dst).ColumnExpr(cols).
		ColumnExpr(auth.NameSQL("u") + " AS author_name").
		Join("LEFT JOIN users AS u ON u.id = p.author_id").
		ColumnExpr("coalesce(o.name, '') AS organization_name").
		Join("LEFT JOIN organizations AS o ON o.id = p.organization_id")
	return visible(q, v)
})

// visible keeps, of the query q on proposals AS p, what v may see: as the
// scope rules say, a closed proposal read as a published one.
func visible(q *bun.SelectQuery, v scope.Viewer) *bun.SelectQuery { return scope.FilterRead(q, "p", v) }

// update saves an edited proposal and, when it is published, schedules its
// closing at its (new) date.
func (m *Module) update(ctx context.Context, tx bun.IDB, p *Proposal) error {
	_, err := tx.NewUpdate().Model(p).
		Column("title", "summary", "body", "offer", "expected", "kind", "trl", "ip_status", "countries", "languages", "themes", "tags",
			"organization_id", "closes_at", "language", "scope_kind", "scope_themes", "scope_tags", "scope_communities", "scope_organizations", "public").
		Set("updated_at = now()").WherePK().Exec(ctx)
	if err != nil {
		return fmt.Errorf("save proposal: %w", err)
	}
	m.exchanged(ctx)
	if p.State == workflow.Published {
		return m.scheduleClosing(ctx, tx, p.ID)
	}
	return nil
}

// listFilter reads the list's filters (kind, theme, TRL, open or closed),
// keeping only known values.
func listFilter(c *fiber.Ctx) (url.Values, content.Where) {
	keep := url.Values{}
	var conds []func(*bun.SelectQuery) *bun.SelectQuery
	if k := c.Query("kind"); slices.Contains(Kinds, k) {
		keep.Set("kind", k)
		conds = append(conds, func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("p.kind = ?", k) })
	}
	if t := c.Query("theme"); slices.Contains(taxonomy.Themes, t) {
		keep.Set("theme", t)
		conds = append(conds, func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("p.themes @> ARRAY[?]::text[]", t) })
	}
	if n, err := strconv.Atoi(c.Query("trl")); err == nil && n >= 1 && n <= 9 {
		keep.Set("trl", strconv.Itoa(n))
		conds = append(conds, func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("p.trl = ?", n) })
	}
	switch c.Query("status") {
	case "open":
		keep.Set("status", "open")
		conds = append(conds, func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("p.state = 'published' AND (p.closes_at IS NULL OR p.closes_at > now())")
		})
	case Closed:
		keep.Set("status", Closed)
		conds = append(conds, func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("(p.state = 'closed' OR p.state = 'published' AND p.closes_at <= now())")
		})
	}
	return keep, func(q *bun.SelectQuery) *bun.SelectQuery {
		for _, f := range conds {
			q = f(q)
		}
		return q
	}
}
