package content_test

import (
	"testing"

	"github.com/piazza-pa/piazza/platform/content"
)

// TestWithoutBody: the list's columns are the type's but its body, and a
// list without a body is refused.
func TestWithoutBody(t *testing.T) {
	if got := content.WithoutBody("n.id, n.title, n.body, n.language,\n\tn.state", "n"); got != "n.id, n.title, n.language,\n\tn.state" {
		t.Errorf("without the body: %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("a list without the body was accepted")
		}
	}()
	content.WithoutBody("d.id, d.title, d.bodyless, d.state", "d")
}
