package api

import (
	"regexp"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/modules/news"
	"github.com/piazza-pa/piazza/modules/partnership"
	"github.com/piazza-pa/piazza/modules/proposal"
	"github.com/piazza-pa/piazza/platform/taxonomy"
)

// The public resources of the content types: what a guest reads of each
// item on its page, never its scope, its author's account or what is
// private to members.

// Proposal is a proposal as the API shows it.
type Proposal struct {
	ID           int64      `json:"id"`
	Title        string     `json:"title"`
	Summary      string     `json:"summary"`
	Body         string     `json:"body_html"`
	Offer        string     `json:"offer"`
	Expected     string     `json:"expected"`
	Kind         string     `json:"kind"`
	TRL          int        `json:"trl"`
	IPStatus     string     `json:"ip_status"`
	Countries    []string   `json:"countries"`
	Languages    []string   `json:"working_languages"`
	Themes       []string   `json:"themes"`
	Organization string     `json:"organization"`
	Language     string     `json:"language"`
	Status       string     `json:"status"`
	ClosesAt     *time.Time `json:"closes_at"`
	PublishedAt  *time.Time `json:"published_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	URL          string     `json:"url"`
}

var proposalHeader = []string{"id", "title", "summary", "kind", "trl", "ip_status", "countries", "working_languages", "themes",
	"organization", "language", "status", "closes_at", "published_at", "updated_at", "url"}

func (p Proposal) row() []string {
	return []string{strconv.FormatInt(p.ID, 10), p.Title, p.Summary, p.Kind, strconv.Itoa(p.TRL), p.IPStatus, joined(p.Countries),
		joined(p.Languages), joined(p.Themes), p.Organization, p.Language, p.Status, stamp(p.ClosesAt), stamp(p.PublishedAt),
		stamp(&p.UpdatedAt), p.URL}
}

func proposalOf(p *proposal.Proposal, url string) record {
	status := "open"
	if !p.Open() {
		status = proposal.Closed
	}
	return Proposal{ID: p.ID, Title: p.Title, Summary: p.Summary, Body: p.Body, Offer: p.Offer, Expected: p.Expected, Kind: p.Kind,
		TRL: p.TRL, IPStatus: p.IPStatus, Countries: list(p.Countries), Languages: list(p.Languages), Themes: list(p.Topics),
		Organization: p.OrganizationName, Language: p.Language, Status: status, ClosesAt: p.ClosesAt, PublishedAt: p.PublishedAt,
		UpdatedAt: p.UpdatedAt, URL: url}
}

func (m *Module) proposalKind() kind[proposal.Proposal, *proposal.Proposal] {
	k := kind[proposal.Proposal, *proposal.Proposal]{header: proposalHeader, show: proposalOf,
		filters: []filter{oneOf("kind", proposal.Kinds), oneOf("theme", taxonomy.Themes),
			oneOf("trl", []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}), oneOf("status", []string{"open", proposal.Closed})}}
	if m.proposals != nil {
		k.kit = m.proposals.Kit
	}
	return k
}

func (m *Module) proposalList(c *fiber.Ctx) error { return contentList(m, c, m.proposalKind()) }
func (m *Module) proposalShow(c *fiber.Ctx) error { return contentShow(m, c, m.proposalKind()) }

// Partnership is a partnership profile as the API shows it.
type Partnership struct {
	ID           int64                 `json:"id"`
	Reference    string                `json:"reference"`
	Kind         string                `json:"kind"`
	Title        string                `json:"title"`
	Summary      string                `json:"summary"`
	Body         string                `json:"description"`
	Innovation   string                `json:"innovation"`
	Stage        string                `json:"stage"`
	IPR          string                `json:"ipr"`
	PartnerType  string                `json:"partner_type"`
	PartnerRole  string                `json:"partner_role"`
	Countries    []string              `json:"countries"`
	Deadline     *string               `json:"deadline"`
	Technologies []partnership.Keyword `json:"technologies"`
	Markets      []partnership.Keyword `json:"markets"`
	Keywords     []string              `json:"keywords"`
	Themes       []string              `json:"themes"`
	Language     string                `json:"language"`
	Status       string                `json:"status"`
	PublishedAt  *time.Time            `json:"published_at"`
	UpdatedAt    time.Time             `json:"updated_at"`
	URL          string                `json:"url"`
}

var partnershipHeader = []string{"id", "reference", "kind", "title", "summary", "stage", "countries", "deadline", "keywords",
	"themes", "language", "status", "published_at", "updated_at", "url"}

func (p Partnership) row() []string {
	d := ""
	if p.Deadline != nil {
		d = *p.Deadline
	}
	return []string{strconv.FormatInt(p.ID, 10), p.Reference, p.Kind, p.Title, p.Summary, p.Stage, joined(p.Countries), d,
		joined(p.Keywords), joined(p.Themes), p.Language, p.Status, stamp(p.PublishedAt), stamp(&p.UpdatedAt), p.URL}
}

func partnershipOf(p *partnership.Profile, url string) record {
	status := "open"
	if !p.Open() {
		status = "closed"
	}
	var deadline *string
	if p.Deadline != nil {
		d := p.Deadline.Format(time.DateOnly)
		deadline = &d
	}
	keywords := func(l []partnership.Keyword) []partnership.Keyword {
		if l == nil {
			return []partnership.Keyword{}
		}
		return l
	}
	return Partnership{ID: p.ID, Reference: p.Reference, Kind: p.Kind, Title: p.Title, Summary: p.Summary, Body: p.Body,
		Innovation: p.Innovation, Stage: p.Stage, IPR: p.IPR, PartnerType: p.PartnerType, PartnerRole: p.PartnerRole,
		Countries: list(p.Countries), Deadline: deadline, Technologies: keywords(p.Technologies), Markets: keywords(p.Markets),
		Keywords: list(p.Keywords), Themes: list(p.Topics), Language: p.Language, Status: status, PublishedAt: p.PublishedAt,
		UpdatedAt: p.UpdatedAt, URL: url}
}

// countryRE is a country code as the profiles' filter takes it.
var countryRE = regexp.MustCompile(`^[A-Z]{2}$`)

func (m *Module) partnershipKind() kind[partnership.Profile, *partnership.Profile] {
	k := kind[partnership.Profile, *partnership.Profile]{header: partnershipHeader, show: partnershipOf,
		filters: []filter{oneOf("kind", partnership.Kinds), oneOf("theme", taxonomy.Themes),
			{"country", countryRE.MatchString}, oneOf("deadline", []string{"open", "past"})}}
	if m.partnerships != nil {
		k.kit = m.partnerships.Kit
	}
	return k
}

func (m *Module) partnershipList(c *fiber.Ctx) error { return contentList(m, c, m.partnershipKind()) }
func (m *Module) partnershipShow(c *fiber.Ctx) error { return contentShow(m, c, m.partnershipKind()) }

// News is a news item as the API shows it.
type News struct {
	ID          int64      `json:"id"`
	Title       string     `json:"title"`
	Subtitle    string     `json:"subtitle"`
	Summary     string     `json:"summary"`
	Body        string     `json:"body_html"`
	Category    string     `json:"category"`
	InEvidence  bool       `json:"in_evidence"`
	Language    string     `json:"language"`
	Image       *string    `json:"image"`
	PublishedAt *time.Time `json:"published_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	URL         string     `json:"url"`
}

var newsHeader = []string{"id", "title", "subtitle", "summary", "category", "in_evidence", "language", "image", "published_at",
	"updated_at", "url"}

func (n News) row() []string {
	img := ""
	if n.Image != nil {
		img = *n.Image
	}
	return []string{strconv.FormatInt(n.ID, 10), n.Title, n.Subtitle, n.Summary, n.Category, strconv.FormatBool(n.InEvidence),
		n.Language, img, stamp(n.PublishedAt), stamp(&n.UpdatedAt), n.URL}
}

func (m *Module) newsKind(c *fiber.Ctx) kind[news.News, *news.News] {
	k := kind[news.News, *news.News]{header: newsHeader, show: func(n *news.News, url string) record {
		var img *string
		if p := n.ImageURL(); p != "" {
			u := m.link(c, p)
			img = &u
		}
		at := n.PublishedAt
		if n.PublishFrom != nil {
			at = n.PublishFrom
		}
		return News{ID: n.ID, Title: n.Title, Subtitle: n.Subtitle, Summary: n.Summary, Body: n.Body, Category: n.Category,
			InEvidence: n.InEvidence, Language: n.Language, Image: img, PublishedAt: at, UpdatedAt: n.UpdatedAt, URL: url}
	}}
	if m.news != nil {
		k.kit = m.news.Kit
	}
	return k
}

func (m *Module) newsList(c *fiber.Ctx) error { return contentList(m, c, m.newsKind(c)) }
func (m *Module) newsShow(c *fiber.Ctx) error { return contentShow(m, c, m.newsKind(c)) }

// list is l, never null in JSON.
func list(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
