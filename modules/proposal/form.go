package proposal

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/organization"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/taxonomy"
)

// fromForm reads a proposal from the form and checks it.
func fromForm(c *fiber.Ctx) (*Proposal, form.Errors) {
	base, errs := content.FromForm(c, "proposal")
	p := &Proposal{Base: base, Summary: strings.TrimSpace(c.FormValue("summary")), Offer: strings.TrimSpace(c.FormValue("offer")),
		Expected: strings.TrimSpace(c.FormValue("expected")), Kind: c.FormValue("kind"), IPStatus: c.FormValue("ip_status"),
		Countries: known(Countries, form.Values(c, "countries")), Languages: known(Languages, form.Values(c, "languages")),
		Topics: taxonomy.KnownThemes(form.Values(c, "themes")), Tags: form.IDs(form.Values(c, "tags"))}
	for _, f := range []struct {
		field, text string
		max         int
	}{{"summary", p.Summary, 600}, {"offer", p.Offer, 4000}, {"expected", p.Expected, 4000}} {
		if len([]rune(f.text)) > f.max {
			errs.Add(f.field, "proposal.error."+f.field)
		}
	}
	if !slices.Contains(Kinds, p.Kind) {
		errs.Add("kind", "proposal.error.kind")
	}
	if !slices.Contains(IPStatus, p.IPStatus) {
		errs.Add("ip_status", "proposal.error.ip_status")
	}
	if p.TRL, _ = strconv.Atoi(c.FormValue("trl")); p.TRL < 1 || p.TRL > 9 {
		errs.Add("trl", "proposal.error.trl")
	}
	if id, err := strconv.ParseInt(c.FormValue("organization_id"), 10, 64); err == nil && id > 0 {
		p.OrganizationID = &id
	}
	var bad bool
	if p.ClosesAt, bad = closingDate(c.FormValue("closes_at")); bad {
		errs.Add("closes_at", "proposal.error.closes_at")
	}
	if p.Topics == nil {
		p.Topics = []string{}
	}
	return p, errs
}

// known keeps of vs those in choices, in the choices' order (never nil).
func known(choices, vs []string) []string {
	out := []string{}
	for _, c := range choices {
		if slices.Contains(vs, c) {
			out = append(out, c)
		}
	}
	return out
}

// closingDate reads the date field of the closing date: the proposal
// closes at the end of that day (nil when empty); bad when it is not a
// date or is already past.
func closingDate(s string) (*time.Time, bool) {
	if s = strings.TrimSpace(s); s == "" {
		return nil, false
	}
	d, err := time.ParseInLocation("2006-01-02", s, i18n.Zone)
	if err != nil || d.Year() > 9999 {
		return nil, true
	}
	end := d.AddDate(0, 0, 1)
	return &end, !end.After(time.Now())
}

// dateValue is a closing date for the date field ("" for none): the day
// that ends at it.
func dateValue(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(i18n.Zone).Add(-time.Second).Format("2006-01-02")
}

// check keeps the tenant's own tags and refuses an organisation the
// proposer is not an active member of.
func check(ctx context.Context, tx bun.IDB, p *Proposal, _ int64, errs form.Errors) error {
	tags, err := taxonomy.KnownTags(ctx, tx, p.Tags)
	if err != nil {
		return err
	}
	if p.Tags = tags; p.Tags == nil {
		p.Tags = []int64{}
	}
	if p.OrganizationID == nil {
		return nil
	}
	ok, err := organization.WorksForAll(ctx, tx, p.Author(), []int64{*p.OrganizationID})
	if err == nil && !ok {
		errs.Add("organization_id", "proposal.error.organization")
	}
	return err
}

// formChoices are what the form offers: for its scope field the member's
// communities, the tags and showing it to guests; the proposal's own
// choices, and the proposer's organisations.
type formChoices struct {
	content.ScopeChoices
	Kinds, IPStatus, Countries, Languages, Themes []string
	Organizations                                 []organization.Organization
}

func choices(ctx context.Context, tx bun.IDB, p *Proposal, uid int64) (any, error) {
	v := formChoices{ScopeChoices: content.ScopeChoices{Public: true}, Kinds: Kinds, IPStatus: IPStatus,
		Countries: Countries, Languages: Languages, Themes: taxonomy.Themes}
	var err error
	if v.Tags, err = taxonomy.Tags(ctx, tx); err != nil {
		return nil, err
	}
	if v.Communities, err = community.Joined(ctx, tx, uid); err != nil {
		return nil, err
	}
	author := p.Author()
	if author == 0 {
		author = uid
	}
	v.Organizations, err = organization.Linked(ctx, tx, author)
	return v, err
}
