package proposal

import (
	"strings"
	"testing"
)

// TestListColumns: the list's pages read every column but the body.
func TestListColumns(t *testing.T) {
	if strings.Contains(listColumns, "p.body") || !strings.Contains(columns, "p.body") ||
		len(strings.Split(listColumns, ",")) != len(strings.Split(columns, ","))-1 {
		t.Errorf("list columns %q, from %q", listColumns, columns)
	}
}
