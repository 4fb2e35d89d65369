package news

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/organization"
	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/taxonomy"
)

// fromForm reads a news item from the form and checks it.
func fromForm(c *fiber.Ctx) (*News, form.Errors) {
	base, errs := content.FromForm(c, "news")
	n := &News{Base: base, Summary: strings.TrimSpace(c.FormValue("summary")),
		Subtitle: oneLine(c.FormValue("subtitle")), Category: oneLine(c.FormValue("category")),
		InEvidence: c.FormValue("in_evidence") != "", Related: form.IDs(form.Values(c, "related")),
		ImageAlt: oneLine(c.FormValue("image_alt"))}
	if id, err := strconv.ParseInt(c.FormValue("image_id"), 10, 64); err == nil {
		n.ImageID = &id
	}
	for _, f := range []struct {
		field, text string
		max         int
	}{{"summary", n.Summary, 600}, {"subtitle", n.Subtitle, 300}, {"category", n.Category, 80}, {"image_alt", n.ImageAlt, 300}} {
		if len([]rune(f.text)) > f.max {
			errs.Add(f.field, "news.error."+f.field)
		}
	}
	var bad bool
	if n.PublishFrom, bad = localTime(c.FormValue("publish_from")); bad {
		errs.Add("publish_from", "news.error.date")
	}
	if n.PublishUntil, bad = localTime(c.FormValue("publish_until")); bad {
		errs.Add("publish_until", "news.error.date")
	}
	if n.PublishFrom != nil && n.PublishUntil != nil && !n.PublishUntil.After(*n.PublishFrom) {
		errs.Add("publish_until", "news.error.window")
	}
	return n, errs
}

// oneLine is s with its runs of white space folded to single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// localTime reads a datetime-local field (nil when empty; bad when wrong).
func localTime(s string) (*time.Time, bool) {
	if s = strings.TrimSpace(s); s == "" {
		return nil, false
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", s, i18n.Zone)
	if y := t.UTC().Year(); err != nil || y < 1 || y > 9999 { // PostgreSQL has no year 0
		return nil, true
	}
	return &t, false
}

// check refuses a picture that is not one of n's images and, once the form
// is right, keeps "in evidence" and related items to what the member may
// (see mayFeature).
func (m *Module) check(ctx context.Context, tx bun.IDB, n *News, uid int64, errs form.Errors) error {
	if err := checkImage(ctx, tx, n, errs); err != nil { // none can be chosen before the item exists
		return err
	}
	if len(errs) > 0 {
		return nil
	}
	return m.mayFeature(ctx, tx, n, uid)
}

// mayFeature keeps "in evidence" and related items to what the member may:
// only those who may publish put an item in evidence; related items must be
// news the member sees.
func (m *Module) mayFeature(ctx context.Context, tx bun.IDB, n *News, uid int64) error {
	if n.InEvidence {
		may, err := m.GuardOf(ctx, tx, n, uid)
		if err != nil {
			return err
		}
		n.InEvidence = may("publish")
	}
	keep := []int64{}
	for _, id := range n.Related {
		if id == n.ID {
			continue
		}
		if _, err := m.Get(ctx, tx, m.ViewerOf(ctx), id); err == nil {
			keep = append(keep, id)
		}
	}
	n.Related = keep
	return nil
}

// formChoices are what the form offers: for its scope field the tags, the
// member's communities and organisations, and showing an item to guests;
// recent items to relate, and n's images for its picture.
type formChoices struct {
	content.ScopeChoices
	Recent []News
	Images []attachment.Attachment
}

func (m *Module) choices(ctx context.Context, tx bun.IDB, n *News, uid int64) (any, error) {
	v := formChoices{ScopeChoices: content.ScopeChoices{Public: true}}
	var err error
	if v.Tags, err = taxonomy.Tags(ctx, tx); err != nil {
		return nil, err
	}
	if v.Communities, err = community.Joined(ctx, tx, uid); err != nil {
		return nil, err
	}
	if v.Organizations, err = organization.Linked(ctx, tx, uid); err != nil {
		return nil, err
	}
	if v.Recent, err = m.List(ctx, tx, m.ViewerOf(ctx), 30); err != nil {
		return nil, err
	}
	if n.ID == 0 {
		return v, nil
	}
	files, err := attachment.List(ctx, tx, ContentType, n.ID)
	for _, f := range files {
		if f.Image() {
			v.Images = append(v.Images, f)
		}
	}
	return v, err
}
