package news

import (
	"strings"
	"testing"
)

// TestListColumns: the list's pages read every column but the body.
func TestListColumns(t *testing.T) {
	if strings.Contains(listColumns, "n.body") || !strings.Contains(columns, "n.body") ||
		len(strings.Split(listColumns, ",")) != len(strings.Split(columns, ","))-1 {
		t.Errorf("list columns %q, from %q", listColumns, columns)
	}
}
