package screen_test

import (
	"testing"

	"github.com/piazza-pa/piazza/platform/screen"
)

// TestDict: pairs become entries; a name that is not a string and a last
// name without a value are left out.
func TestDict(t *testing.T) {
	d := screen.Dict("Name", "title", "Value", 3, 7, "x", "Last")
	if len(d) != 2 || d["Name"] != "title" || d["Value"] != 3 {
		t.Errorf("Dict: %v", d)
	}
}
