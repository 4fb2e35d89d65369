package api

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/organization"
	"github.com/piazza-pa/piazza/platform/site"
	"github.com/piazza-pa/piazza/platform/taxonomy"
)

// Community is a community as the API shows it: one a guest may see by the
// communities' own rules (active, not closed).
type Community struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Kind        string    `json:"kind"`
	Themes      []string  `json:"themes"`
	ParentID    *int64    `json:"parent_id"`
	Members     int       `json:"members"`
	CreatedAt   time.Time `json:"created_at"`
	URL         string    `json:"url"`
}

var communityHeader = []string{"id", "name", "description", "kind", "themes", "parent_id", "members", "created_at", "url"}

func (g Community) row() []string {
	parent := ""
	if g.ParentID != nil {
		parent = strconv.FormatInt(*g.ParentID, 10)
	}
	return []string{strconv.FormatInt(g.ID, 10), g.Name, g.Description, g.Kind, joined(g.Themes), parent, strconv.Itoa(g.Members),
		stamp(&g.CreatedAt), g.URL}
}

// communityList answers a page of the communities a guest sees, by name,
// through the communities' own list and rules (community.List as a
// guest), filtered by theme.
func (m *Module) communityList(c *fiber.Ctx) error {
	ctx := m.guest(c.UserContext())
	if !offers(ctx, "community") {
		return m.fail(c, errNotFound)
	}
	q, p := m.readList(c, "communities", []filter{oneOf("theme", taxonomy.Themes)})
	if p != nil {
		return m.fail(c, p)
	}
	var cs []community.Community
	var next string
	err := m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		cs, next, err = community.List(ctx, tx, community.Viewer{}, community.Filter{Theme: c.Query("theme")}, q.cursor, q.limit)
		return err
	})
	if err != nil {
		return m.answer(c, err)
	}
	rows := make([]record, 0, len(cs))
	for _, g := range cs {
		rows = append(rows, Community{ID: g.ID, Name: g.Name, Description: g.Description, Kind: g.Kind, Themes: list(g.Themes),
			ParentID: g.ParentID, Members: g.Members, CreatedAt: g.CreatedAt, URL: m.link(c, "/communities/"+strconv.FormatInt(g.ID, 10))})
	}
	return m.list(c, q, communityHeader, rows, next)
}

// Organization is an organisation as the API shows it: its public
// registry data, never its contacts or legal representative.
type Organization struct {
	ID               int64    `json:"id"`
	Name             string   `json:"name"`
	LegalForm        string   `json:"legal_form"`
	VATNumber        *string  `json:"vat_number"`
	RegisteredOffice string   `json:"registered_office"`
	Website          string   `json:"website"`
	Description      string   `json:"description"`
	Competencies     []string `json:"competencies"`
	Themes           []string `json:"themes"`
	URL              string   `json:"url"`
}

var organizationHeader = []string{"id", "name", "legal_form", "vat_number", "registered_office", "website", "description",
	"competencies", "themes", "url"}

func (o Organization) row() []string {
	vat := ""
	if o.VATNumber != nil {
		vat = *o.VATNumber
	}
	return []string{strconv.FormatInt(o.ID, 10), o.Name, o.LegalForm, vat, o.RegisteredOffice, o.Website, o.Description,
		joined(o.Competencies), joined(o.Themes), o.URL}
}

// organizationList answers a page of the organisations a guest sees, by
// name, through the organisations' own list and rules (validated ones),
// filtered by theme.
func (m *Module) organizationList(c *fiber.Ctx) error {
	ctx := m.guest(c.UserContext())
	if !offers(ctx, "organization") {
		return m.fail(c, errNotFound)
	}
	q, p := m.readList(c, "organizations", []filter{oneOf("theme", taxonomy.Themes)})
	if p != nil {
		return m.fail(c, p)
	}
	var os []organization.Organization
	var next string
	err := m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		os, next, err = organization.List(ctx, tx, organization.Viewer{}, organization.Filter{Theme: c.Query("theme")}, q.cursor, q.limit)
		return err
	})
	if err != nil {
		return m.answer(c, err)
	}
	rows := make([]record, 0, len(os))
	for _, o := range os {
		rows = append(rows, Organization{ID: o.ID, Name: o.Name, LegalForm: o.LegalForm, VATNumber: o.VATNumber,
			RegisteredOffice: o.RegisteredOffice, Website: o.Website, Description: o.Description, Competencies: list(o.Competencies),
			Themes: list(o.Themes), URL: m.link(c, "/organizations/"+strconv.FormatInt(o.ID, 10))})
	}
	return m.list(c, q, organizationHeader, rows, next)
}

// link is the absolute address of path on the request's site (one of its
// registered hosts, with the site's scheme).
func (m *Module) link(c *fiber.Ctx, path string) string { return site.RequestURL(c, m.scheme, path) }
