package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestPlanCommands: plans are created, listed and changed from the command
// line; a tenant is created on a plan, moved to another, and its usage
// printed; an unknown plan is one clear line and creates nothing.
func TestPlanCommands(t *testing.T) {
	useDatabase(t)
	steps := []struct {
		args    []string
		out     string
		errText string
	}{
		{[]string{"plan", "create", "comuni", "--name", "Comuni in convenzione", "--members", "500", "--storage", "20GiB", "--hosts", "1", "--idps", "2"}, "created plan comuni", ""},
		{[]string{"plan", "create", "caro", "--name", "Caro", "--members", "0", "--storage", "1GiB", "--hosts", "1", "--idps", "1"}, "", "not a whole number of at least 1"},
		{[]string{"plan", "create", "caro", "--name", "Caro", "--members", "5", "--storage", "tanto", "--hosts", "1", "--idps", "1"}, "", `storage "tanto" is not a size`},
		{[]string{"plan", "create", "comuni", "--name", "Ancora", "--members", "5", "--storage", "1GiB", "--hosts", "1", "--idps", "1"}, "", "exists already"},
		{[]string{"plan", "update", "comuni", "--price", "120.50", "--modules", "news,community"}, "updated plan comuni", ""},
		{[]string{"plan", "list"}, "comuni    Comuni in convenzione  120.50 EUR", ""},
		{[]string{"tenant", "create", "--slug", "lazio", "--name", "Regione Lazio", "--plan", "nessuno"}, "", `no such plan: "nessuno"`},
		{[]string{"tenant", "list"}, "SLUG", ""},
		{[]string{"tenant", "create", "--slug", "lazio", "--name", "Regione Lazio", "--plan", "comuni"}, "created tenant lazio", ""},
		{[]string{"tenant", "usage", "lazio"}, "lazio  comuni  0/500", ""},
		{[]string{"tenant", "plan", "lazio", "standard"}, "tenant lazio is now on plan standard", ""},
		{[]string{"tenant", "plan", "lazio", "nessuno"}, "", "no such plan"},
	}
	for _, s := range steps {
		out, _, err := run(t, "", s.args...)
		if s.errText != "" {
			if err == nil || !strings.Contains(err.Error(), s.errText) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("%v: got %v, want one line with %q", s.args, err, s.errText)
			}
			continue
		}
		if err != nil || !strings.Contains(out, s.out) {
			t.Fatalf("%v: got %q, %v; want %q", s.args, out, err, s.out)
		}
		if s.args[1] == "list" && s.args[0] == "tenant" && strings.Contains(out, "lazio") {
			t.Fatal("a tenant was created on an unknown plan")
		}
	}
	out, _, err := run(t, "", "tenant", "usage", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var us []struct {
		Slug, Plan string
		Members    int64
		Limits     struct {
			MaxMembers int64 `json:"max_members"`
		}
	}
	if err := json.Unmarshal([]byte(out), &us); err != nil || len(us) != 1 || us[0].Slug != "lazio" || us[0].Plan != "standard" || us[0].Limits.MaxMembers != 100000 {
		t.Fatalf("usage --json: %v\n%s", err, out)
	}
}
