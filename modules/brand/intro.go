package brand

import (
	"maps"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/tenant"
)

// MaxIntro is the longest introduction, in characters, per language: a
// few short paragraphs, which the guest home shows whole.
const MaxIntro = 1200

// introField is the form field of the introduction in lang.
func introField(lang string) string { return "intro_" + lang }

// introLanguages are the languages the introduction of look is written
// in: the site's.
func introLanguages(look tenant.Look) []string {
	if len(look.Languages) > 0 {
		return look.Languages
	}
	return i18n.Supported
}

// readIntro takes the introduction in each language the form sends: plain
// text, paragraphs separated by blank lines, MaxIntro characters at most,
// without control characters but line breaks and tabs.
func (m *Module) readIntro(c *fiber.Ctx, look *tenant.Look) *refusal {
	texts := typedIntro(c)
	if len(texts) == 0 {
		return nil
	}
	intro := maps.Clone(look.Intro) // the look is shared with other requests
	if intro == nil {
		intro = map[string]string{}
	}
	for _, lang := range i18n.Supported {
		text, sent := texts[lang]
		if !sent {
			continue
		}
		if n := len([]rune(text)); n > MaxIntro {
			return &refusal{msg: m.t(c, "brand.intro_too_long", "Max", MaxIntro, "Count", n), field: introField(lang)}
		}
		if strings.ContainsFunc(text, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' }) {
			return &refusal{msg: m.t(c, "error.invalid.text"), field: introField(lang)}
		}
		if text == "" {
			delete(intro, lang)
		} else {
			intro[lang] = text
		}
	}
	look.Intro = intro
	if len(intro) == 0 {
		look.Intro = nil
	}
	return nil
}

// typedIntro is the introduction as the form sends it, by language (only
// the languages it sends), with Windows line ends made plain and the ends
// trimmed.
func typedIntro(c *fiber.Ctx) map[string]string {
	var out map[string]string
	for _, lang := range i18n.Supported {
		vs := form.Values(c, introField(lang))
		if len(vs) == 0 {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[lang] = strings.TrimSpace(strings.ReplaceAll(vs[0], "\r\n", "\n"))
	}
	return out
}

// MaxIntro is the longest introduction, for the form's help.
func (formView) MaxIntro() int { return MaxIntro }
