// Package richtext makes user-written HTML safe to store and show
// (bluemonday): formatting, lists, quotes, tables, links (http, https,
// mailto; marked nofollow and opening no window on their opener) and images
// only from the tenant's own files. Plain text is turned into paragraphs.
package richtext

import (
	"html"
	"html/template"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// ownFile is the path of a file stored by the tenant (attachments).
var ownFile = regexp.MustCompile(`^/files/[0-9]+(/[A-Za-z0-9._%-]+)?$`)

var policy = newPolicy()

func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "blockquote", "code", "pre",
		"ul", "ol", "li", "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td", "caption")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	p.AllowAttrs("src").Matching(ownFile).OnElements("img")
	p.AllowAttrs("alt", "width", "height").OnElements("img")
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("td", "th")
	return p
}

// Sanitize keeps what is safe of s. Text without any tag is taken as plain
// text: escaped, its blank-line separated paragraphs in <p>.
func Sanitize(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if !strings.ContainsAny(s, "<>") {
		var b strings.Builder
		for _, p := range strings.Split(s, "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(p), "\n", "<br>") + "</p>")
			}
		}
		return b.String()
	}
	return policy.Sanitize(s)
}

// HTML is stored rich text, sanitised again on the way out (the policy may
// have tightened since it was stored), ready for a template.
func HTML(stored string) template.HTML {
	return template.HTML(policy.Sanitize(stored)) // #nosec: sanitised by the policy above
}

// Text is the text of rich text, without tags (for summaries and e-mails).
func Text(stored string) string {
	return strings.Join(strings.Fields(html.UnescapeString(bluemonday.StrictPolicy().Sanitize(strings.ReplaceAll(stored, "<", " <")))), " ")
}
