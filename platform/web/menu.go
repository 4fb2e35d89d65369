package web

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// MenuLink is an entry of the signed-in member's menu (the header's user
// dropdown). Label is a message key; Count, when above zero, is shown in a
// badge, followed by "+" when More says there are more than Count; Rank
// orders the entries (lowest first) whatever the order of the modules.
type MenuLink struct {
	Label, URL string
	Count      int
	More       bool
	Rank       int
}

// MenuEntry is a module that offers entries to the user menu of the
// request's member (none for a guest or where they do not apply). It runs
// on every page a member sees: it must be cheap (cached, or no query).
type MenuEntry interface {
	MenuEntries(c *fiber.Ctx) []MenuLink
}

// menu gathers the entries the shell's modules offer for the request, with
// their labels translated by t.
func (s *Shell) menu(c *fiber.Ctx, t func(key string, args ...any) string) []MenuLink {
	var out []MenuLink
	for _, m := range s.Menu {
		for _, l := range m.MenuEntries(c) {
			l.Label = t(l.Label)
			out = append(out, l)
		}
	}
	slices.SortStableFunc(out, func(a, b MenuLink) int { return a.Rank - b.Rank })
	return out
}

// Current says whether url is the page's section: the page itself or a
// page under it (the navigation marks it).
func (p Page) Current(url string) bool {
	return url != "/" && (p.Path == url || strings.HasPrefix(p.Path, url+"/"))
}
