package webtest

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
)

//go:embed axe/axe.min.js
var axeSource string

// Violation is one accessibility problem axe-core found.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  int    `json:"nodes"`
	// Target is the selector of the first element concerned.
	Target string `json:"target"`
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s, %d elements, e.g. %s): %s", v.ID, v.Impact, v.Nodes, v.Target, v.Help)
}

// Axe injects axe-core (vendored from npm) into the page of ctx and returns
// its serious and critical violations against WCAG 2.1 AA.
func Axe(ctx context.Context) ([]Violation, error) {
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](axeSource+";0")); err != nil {
		return nil, fmt.Errorf("inject axe-core: %w", err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
		.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, target: String(v.nodes[0] && v.nodes[0].target)}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("run axe-core: %w", err)
	}
	var all []Violation
	if err := json.Unmarshal([]byte(out), &all); err != nil {
		return nil, err
	}
	var bad []Violation
	for _, v := range all {
		if strings.EqualFold(v.Impact, "serious") || strings.EqualFold(v.Impact, "critical") {
			bad = append(bad, v)
		}
	}
	return bad, nil
}
