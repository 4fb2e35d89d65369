package home

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/modules/brand"
	"github.com/piazza-pa/piazza/platform/showcase"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web"
)

// How much the guest home shows of each module.
const (
	guestNews        = 6
	guestCommunities = 4
)

// guestView is the home page of a visitor who is not signed in.
type guestView struct {
	web.Page
	// Intro is the site's introduction, by paragraph (none: the product's
	// own sentence), written in IntroLang.
	Intro     []string
	IntroLang string
	// ShowNews and ShowCommunities say whether those modules are on (their
	// sections show, with an empty state when they have nothing yet).
	ShowNews, ShowCommunities bool
	News, Communities         []showcase.Card
	// Themes are the S3 themes' keys.
	Themes []string
	// Register: people may register.
	Register bool
}

// ThemeURL is where a theme's chip leads: the communities of the theme,
// or, with communities off, a search for its name.
func (v guestView) ThemeURL(key string) string {
	if v.ShowCommunities {
		return "/communities?theme=" + url.QueryEscape(key)
	}
	return "/search?q=" + url.QueryEscape(v.L.T("theme."+key))
}

func (m *Module) showGuest(c *fiber.Ctx, p web.Page) error {
	ctx := c.UserContext()
	intro, lang := brand.Shown(c).IntroIn(p.L.Lang)
	v := guestView{Page: p, Intro: paragraphs(intro), IntroLang: lang, Themes: taxonomy.Themes,
		ShowNews: on(c, m.news), ShowCommunities: on(c, m.communities)}
	var err error
	if v.ShowNews {
		if v.News, err = m.news.PublicNews(ctx, guestNews); err != nil {
			return err
		}
	}
	if v.ShowCommunities {
		if v.Communities, err = m.communities.OpenCommunities(ctx, guestCommunities); err != nil {
			return err
		}
	}
	if m.registration != nil {
		if v.Register, err = m.registration.RegistrationOpen(ctx); err != nil {
			return err
		}
	}
	return web.Render(c, fiber.StatusOK, m.pages["home.html"], v)
}

// paragraphs splits plain text into its paragraphs (separated by blank
// lines); a paragraph keeps its line breaks.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
