package dashboard

import (
	"bytes"
	"html/template"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/feed"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

type feedView struct {
	web.Page
	// List is the page's entries and the link to the next page, rendered
	// by the "entries" template of feed.html.
	List template.HTML
	// Waiting is how many things wait for the member ("99+" past 99).
	Waiting string
}

// entriesView is what the "entries" template shows.
type entriesView struct {
	L       *i18n.Localizer
	Entries []entryView
	Next    string
}

// entryView is an entry as the template shows it: its words translated
// and its date written here rather than by the template's calls (each an
// action through reflection, for twenty entries a page), and its fields
// its own rather than an embedded feed.Entry's (the template finds a
// promoted field by a search of the embedded structs on every use:
// a hundred searches a page).
type entryView struct {
	Title, Summary, URL, Where, Image string
	KindName                          string // the entry's kind, translated
	Evidence                          string // the "in evidence" badge's words ("" when it is not)
	Date                              string
}

func entryViews(l *i18n.Localizer, es []feed.Entry) []entryView {
	out := make([]entryView, len(es))
	evidence := ""
	for i, e := range es {
		out[i] = entryView{Title: e.Title, Summary: e.Summary, URL: e.URL, Where: e.Where, Image: e.Image,
			KindName: l.T(e.Label), Date: l.Date(e.At)}
		if e.InEvidence {
			if evidence == "" {
				evidence = l.T("dashboard.in_evidence")
			}
			out[i].Evidence = evidence
		}
	}
	return out
}

func (m *Module) showFeed(c *fiber.Ctx) error {
	ctx := c.UserContext()
	uid := auth.UserFromContext(ctx).ID
	cur, err := feed.DecodeCursor(c.Query("after"))
	if err != nil {
		return keyset.ErrCursor // as every list answers a page that is not one of it: 404
	}
	v := feedView{Page: m.PageFor(c, tenant.FromContext(ctx).Name)}
	render := func(p feedPage) (template.HTML, time.Time, error) {
		var buf bytes.Buffer
		err := m.pages["feed.html"].ExecuteTemplate(&buf, "entries", entriesView{L: v.L, Entries: entryViews(v.L, p.Entries), Next: p.Next})
		return template.HTML(buf.String()), p.Until, err // escaped by html/template
	}
	if cur.Set {
		p, err := m.readFeed(ctx, uid, cur)
		if err != nil {
			return err
		}
		v.List, _, err = render(p)
	} else {
		// The first page is kept rendered too, per member and language.
		v.List, err = tenant.Cached(ctx, m.Cache, "dashboard:"+strconv.FormatInt(uid, 10)+":"+v.L.Lang, func() (template.HTML, time.Time, error) {
			p, err := m.firstPage(ctx, uid)
			if err != nil {
				return "", time.Time{}, err
			}
			return render(p)
		})
	}
	if err != nil {
		return err
	}
	pending, err := m.pendingOf(c, uid)
	if err != nil {
		return err
	}
	v.Waiting = countLabel(len(pending))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, fiber.StatusOK, m.pages["feed.html"], v)
}
