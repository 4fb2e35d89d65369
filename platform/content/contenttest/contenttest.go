// Package contenttest reads, in tests, the forms of a content type's pages
// as a person meets them: the fields (each typed and labelled) and the
// buttons (one primary action).
package contenttest

import (
	"strings"

	"golang.org/x/net/html"
)

// Form is the form of page that posts to action (nil when there is none).
func Form(page, action string) *html.Node {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return nil
	}
	var found *html.Node
	walk(doc, func(n *html.Node) {
		if found == nil && n.Data == "form" && attr(n, "action") == action {
			found = n
		}
	})
	return found
}

// Unlabelled lists the fields of form a person could not use: an input
// without a type (Bootstrap Italia draws no border for it), a field shown
// without a <label for> naming its id.
func Unlabelled(form *html.Node) []string {
	labels := map[string]bool{}
	walk(form, func(n *html.Node) {
		if n.Data == "label" {
			labels[attr(n, "for")] = true
		}
	})
	var bad []string
	walk(form, func(n *html.Node) {
		if n.Data != "input" && n.Data != "select" && n.Data != "textarea" {
			return
		}
		kind, id := attr(n, "type"), attr(n, "id")
		switch {
		case n.Data == "input" && kind == "":
			bad = append(bad, "an input without a type: "+attr(n, "name"))
		case kind == "hidden":
		case id == "" || !labels[id]:
			bad = append(bad, "a field without its label: "+attr(n, "name")+" #"+id)
		}
	})
	return bad
}

// Button is a button of a form.
type Button struct{ ID, Class, Value, Text string }

// Buttons are the buttons of form, in order.
func Buttons(form *html.Node) []Button {
	var out []Button
	walk(form, func(n *html.Node) {
		if n.Data == "button" {
			out = append(out, Button{ID: attr(n, "id"), Class: attr(n, "class"), Value: attr(n, "value"), Text: text(n)})
		}
	})
	return out
}

// Primary are the buttons of form drawn as the primary action.
func Primary(form *html.Node) []Button {
	var out []Button
	for _, b := range Buttons(form) {
		if strings.Contains(" "+b.Class+" ", " btn-primary ") {
			out = append(out, b)
		}
	}
	return out
}

func walk(n *html.Node, fn func(*html.Node)) {
	if n == nil {
		return
	}
	if n.Type == html.ElementNode {
		fn(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	var all func(*html.Node)
	all = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			all(c)
		}
	}
	all(n)
	return strings.TrimSpace(b.String())
}
