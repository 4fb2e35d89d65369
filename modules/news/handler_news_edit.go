package news

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/organization"
	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/richtext"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/platform/workflow"
)

type formView struct {
	web.Page
	News          *News
	Action        string
	Kinds         []string
	Themes        []string
	Tags          []taxonomy.Tag
	Communities   []community.Community
	Organizations []organization.Organization
	Languages     []string
	Recent        []News
	// Images are the item's image attachments, its picture's choices.
	Images  []attachment.Attachment
	Publish bool
	Errors  map[string]string
	Error   string
	Message string
}

// renderForm shows the form of n with the choices of the member's scopes.
func (m *Module) renderForm(c *fiber.Ctx, status int, n *News, action string, errs form.Errors) error {
	v := formView{Page: m.page(c), News: n, Action: action, Kinds: scope.Kinds, Themes: taxonomy.Themes, Languages: i18n.Supported}
	if errs != nil {
		v.Errors = errs.Translate(v.L.T)
	}
	uid := auth.UserFromContext(c.UserContext()).ID
	err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if v.Tags, err = taxonomy.Tags(ctx, tx); err != nil {
			return err
		}
		if v.Communities, err = community.Joined(ctx, tx, uid); err != nil {
			return err
		}
		if v.Organizations, err = organization.Linked(ctx, tx, uid); err != nil {
			return err
		}
		if v.Recent, err = List(ctx, tx, viewerOf(ctx), 30); err != nil {
			return err
		}
		if n.ID > 0 {
			files, err := attachment.List(ctx, tx, ContentType, n.ID)
			if err != nil {
				return err
			}
			for _, f := range files {
				if f.Image() {
					v.Images = append(v.Images, f)
				}
			}
		}
		may, err := guard(ctx, tx, n, uid)
		v.Publish = err == nil && may("publish")
		return err
	})
	if err != nil {
		return err
	}
	return web.Render(c, status, m.pages["form.html"], v)
}

func (m *Module) newForm(c *fiber.Ctx) error {
	n := &News{Base: content.Base{Language: m.Shell.I18n.FromContext(c.UserContext()).Lang, Scope: scope.ForNew(c)}}
	return m.renderForm(c, fiber.StatusOK, n, "/news", nil)
}

// fromForm reads a news item from the form and checks it.
func fromForm(c *fiber.Ctx) (*News, form.Errors) {
	n := &News{Base: content.Base{Title: strings.Join(strings.Fields(c.FormValue("title")), " "),
		Body: richtext.Sanitize(c.FormValue("body")), Language: c.FormValue("language")}, Summary: strings.TrimSpace(c.FormValue("summary")),
		Subtitle: strings.Join(strings.Fields(c.FormValue("subtitle")), " "), Category: strings.Join(strings.Fields(c.FormValue("category")), " "),
		InEvidence: c.FormValue("in_evidence") != "", Related: form.IDs(form.Values(c, "related")),
		ImageAlt: strings.Join(strings.Fields(c.FormValue("image_alt")), " ")}
	if id, err := strconv.ParseInt(c.FormValue("image_id"), 10, 64); err == nil {
		n.ImageID = &id
	}
	n.Scope = scope.FromForm(c)
	errs := form.Errors{}
	if l := len([]rune(n.Title)); l < 3 || l > 200 {
		errs.Add("title", "news.error.title")
	}
	if len([]rune(n.Summary)) > 600 {
		errs.Add("summary", "news.error.summary")
	}
	if len(n.Body) > 100000 {
		errs.Add("body", "news.error.body")
	}
	if len([]rune(n.Subtitle)) > 300 {
		errs.Add("subtitle", "news.error.subtitle")
	}
	if len([]rune(n.Category)) > 80 {
		errs.Add("category", "news.error.category")
	}
	if len([]rune(n.ImageAlt)) > 300 {
		errs.Add("image_alt", "news.error.image_alt")
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
	if !slices.Contains(i18n.Supported, n.Language) {
		errs.Add("language", "news.error.language")
	}
	n.Scope.Check(errs)
	n.Scope.Lists()
	return n, errs
}

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

// checkScope refuses what uid may not write to (see community.CheckScope).
func checkScope(ctx context.Context, tx bun.IDB, n *News, uid int64, errs form.Errors) error {
	return community.CheckScope(ctx, tx, ContentType, &n.Scope, uid, errs)
}

// create records a draft and, when asked, submits or publishes it at once.
func (m *Module) create(c *fiber.Ctx) error {
	n, errs := fromForm(c)
	uid := auth.UserFromContext(c.UserContext()).ID
	n.AuthorID, n.State = &uid, workflow.Draft
	action := c.FormValue("action")
	sent := withOutbox(c)
	err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		if err := checkScope(ctx, tx, n, uid, errs); err != nil {
			return err
		}
		if err := checkImage(ctx, tx, n, errs); err != nil { // none can be chosen before the item exists
			return err
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if err := m.mayFeature(ctx, tx, n, uid); err != nil {
			return err
		}
		if err := insert(ctx, tx, n); err != nil {
			return err
		}
		if err := workflow.Record(ctx, tx, n.Item(), "create", "", workflow.Draft, uid, ""); err != nil {
			return err
		}
		return m.advance(ctx, tx, n, uid, action)
	})
	if fe, ok := form.FieldsOf(err); ok {
		return m.renderForm(c, fiber.StatusUnprocessableEntity, n, "/news", fe)
	}
	if err != nil {
		return err
	}
	m.dispatch(c, sent())
	return redirect.To(c, "/news/"+strconv.FormatInt(n.ID, 10)+"?done=1")
}

// mayFeature keeps "in evidence" and related items to what the member may:
// only those who may publish put an item in evidence; related items must be
// news the member sees.
func (m *Module) mayFeature(ctx context.Context, tx bun.IDB, n *News, uid int64) error {
	if n.InEvidence {
		may, err := guard(ctx, tx, n, uid)
		if err != nil {
			return err
		}
		n.InEvidence = may("publish")
	}
	var keep []int64
	for _, id := range n.Related {
		if id == n.ID {
			continue
		}
		if _, err := Get(ctx, tx, viewerOf(ctx), id); err == nil {
			keep = append(keep, id)
		}
	}
	n.Related = nonNilIDs(keep)
	return nil
}

// advance takes the form's follow-up action (submit or publish) on a draft.
func (m *Module) advance(ctx context.Context, tx bun.IDB, n *News, uid int64, action string) error {
	if action != "submit" && action != "publish" {
		return nil
	}
	may, err := guard(ctx, tx, n, uid)
	if err != nil {
		return err
	}
	tr, err := workflow.Apply(ctx, tx, n.Item(), action, uid, "", may)
	if errors.Is(err, workflow.ErrNoTransition) {
		return nil // saved; the state offers no such step (an edit of a published item)
	}
	if err != nil {
		return err
	}
	if tr.To == workflow.Published {
		return published(ctx, tx, n.ID)
	}
	return nil
}

// editable loads an item the member may edit.
func editable(ctx context.Context, tx bun.IDB, id, uid int64) (*News, error) {
	n, err := Get(ctx, tx, viewerOf(ctx), id)
	if err != nil {
		return nil, err
	}
	may, err := guard(ctx, tx, n, uid)
	if err != nil {
		return nil, err
	}
	if !mayEdit(n, uid, may) {
		return nil, authz.ErrForbidden
	}
	return n, nil
}

func (m *Module) editForm(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	uid := auth.UserFromContext(c.UserContext()).ID
	var n *News
	if err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		var err error
		n, err = editable(ctx, tx, id, uid)
		return err
	}); err != nil {
		return err
	}
	return m.renderForm(c, fiber.StatusOK, n, "/news/"+c.Params("id")+"/edit", nil)
}

func (m *Module) save(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	uid := auth.UserFromContext(c.UserContext()).ID
	in, errs := fromForm(c)
	sent := withOutbox(c)
	err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		n, err := editable(ctx, tx, id, uid)
		if err != nil {
			return err
		}
		in.ID, in.AuthorID, in.State = n.ID, n.AuthorID, n.State
		if err := checkScope(ctx, tx, in, uid, errs); err != nil {
			return err
		}
		if err := checkImage(ctx, tx, in, errs); err != nil {
			return err
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if err := m.mayFeature(ctx, tx, in, uid); err != nil {
			return err
		}
		if err := update(ctx, tx, in); err != nil {
			return err
		}
		return m.advance(ctx, tx, in, uid, c.FormValue("action"))
	})
	if fe, ok := form.FieldsOf(err); ok {
		return m.renderForm(c, fiber.StatusUnprocessableEntity, in, "/news/"+c.Params("id")+"/edit", fe)
	}
	if err != nil {
		return err
	}
	m.dispatch(c, sent())
	return redirect.To(c, "/news/"+c.Params("id")+"?done=1")
}

func nonNilIDs(s []int64) []int64 {
	if s == nil {
		return []int64{}
	}
	return s
}
