package match

import (
	"embed"
	"strings"

	"github.com/piazza-pa/piazza/platform/i18n"
)

// Messages are the explanations' and the partial's message files
// (locale/*.toml), for the site's bundle.
//
//go:embed locale/*.toml
var Messages embed.FS

// Partials hold the list of suggestions ("match", drawn with a List), for
// web.Shell.AddPartials or screen.Partial with Pattern.
//
//go:embed templates/match.html
var Partials embed.FS

// Pattern is the file of Partials holding the list.
const Pattern = "templates/match.html"

// List is what the partial "match" draws: the suggestions, each with a
// link to its page, its explanation and, when Invite is set, a button
// posting kind and id (and the CSRF token) to Invite.
type List struct {
	L           *i18n.Localizer
	CSRF        string
	Invite      string
	Suggestions []Suggestion
}

// Phrase is one sentence of an explanation: a message key, with Count
// and Names as its arguments.
type Phrase struct {
	Key   string
	Count int
	// Names are listed in the sentence: theme keys (translated, as
	// theme.<key>) when Themes is set, else names as written (quoted).
	Names  []string
	Themes bool
}

// Translator translates a message key with its arguments (name/value
// pairs).
type Translator interface {
	T(key string, args ...any) string
}

// Explain turns reasons into phrases: the themes in common, the tags, the
// competencies that match, the words found; a reason with nothing to say
// has none.
func Explain(r Reasons) []Phrase {
	var out []Phrase
	add := func(key string, names []string, themes bool) {
		if len(names) == 0 {
			return
		}
		if len(names) == 1 {
			key += "_one"
		}
		out = append(out, Phrase{Key: key, Count: len(names), Names: names, Themes: themes})
	}
	add("match.reason.themes", r.Themes, true)
	add("match.reason.tags", r.Tags, false)
	add("match.reason.competencies", r.Competencies, false)
	add("match.reason.words", r.Words, false)
	return out
}

// Text is the phrase in l's language.
func (p Phrase) Text(l Translator) string {
	names := make([]string, len(p.Names))
	for i, n := range p.Names {
		if p.Themes {
			names[i] = l.T("theme." + n)
		} else {
			names[i] = l.T("match.quoted", "Name", n)
		}
	}
	return l.T(p.Key, "Count", p.Count, "Names", strings.Join(names, ", "))
}
