package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/platform/federation"
	"github.com/piazza-pa/piazza/platform/idp/fedtest"
)

// `tenant idp add|update|enable --entity-id` resolve the provider's trust
// chain first and refuse, saying why, when it does not verify.
func TestTenantIdPByEntityID(t *testing.T) {
	useDatabase(t)
	op, ta := fedtest.New(t, "op"), fedtest.New(t, "ta")
	op.SetProvider(map[string]any{"issuer": op.ID(), "authorization_endpoint": op.ID() + "/authorize",
		"token_endpoint": op.ID() + "/token", "jwks_uri": op.ID() + "/jwks"})
	ta.Superior(op, nil)
	if _, _, err := run(t, "", "tenant", "create", "--slug", "lazio", "--name", "Regione Lazio", "--admin-email", "admin@regione.lazio.it"); err != nil {
		t.Fatal(err)
	}
	add := []string{"tenant", "idp", "add", "lazio", "--key", "spid", "--kind", "spid", "--entity-id", op.ID(), "--client-id", "https://lazio.piazza.test"}
	if _, _, err := run(t, "", add...); err == nil || !strings.Contains(err.Error(), "no trust anchor is configured (PIAZZA_FEDERATION_TRUST_ANCHORS)") {
		t.Fatalf("without anchors: %v", err)
	}
	anchors, err := json.Marshal([]federation.Anchor{ta.Anchor()})
	if err != nil {
		t.Fatal(err)
	}
	file := t.TempDir() + "/anchors.json"
	if err := os.WriteFile(file, anchors, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PIAZZA_FEDERATION_TRUST_ANCHORS", file)
	t.Setenv("PIAZZA_EGRESS_ALLOW", "127.0.0.1") // the in-process federation listens there
	if out, _, err := run(t, "", add...); err != nil || !strings.Contains(out, "identity provider spid of lazio saved") {
		t.Fatalf("add: %v %s", err, out)
	}
	row := regexp.MustCompile(`(?m)^spid +spid +` + regexp.QuoteMeta(op.ID()) + ` +` + regexp.QuoteMeta(op.ID()) + ` .* (true|false) +https://www.spid.gov.it/SpidL2`)
	if out, _, _ := run(t, "", "tenant", "idp", "list", "lazio"); !strings.Contains(row.FindString(out), "true") {
		t.Fatalf("list (issuer from the chain, enabled):\n%s", out)
	}
	if out, _, err := run(t, "", "tenant", "idp", "check", "lazio", "spid"); err != nil || !strings.Contains(out, "entity id "+op.ID()+": trust chain verified until ") {
		t.Fatalf("check: %v %s", err, out)
	}
	if _, _, err := run(t, "", "tenant", "idp", "disable", "lazio", "spid"); err != nil {
		t.Fatal(err)
	}
	ta.Forge()
	_, _, err = run(t, "", "tenant", "idp", "enable", "lazio", "spid")
	if err == nil || !strings.Contains(err.Error(), "trust chain not verified: ") || !strings.Contains(err.Error(), "signature does not verify with the keys of "+ta.ID()) {
		t.Fatalf("enable with a broken chain: %v", err)
	}
	if _, _, err := run(t, "", "tenant", "idp", "check", "lazio", "spid"); err == nil || !strings.Contains(err.Error(), "signature does not verify") {
		t.Fatalf("check with a broken chain: %v", err)
	}
	if out, _, _ := run(t, "", "tenant", "idp", "list", "lazio"); !strings.Contains(row.FindString(out), "false") {
		t.Fatalf("enabled anyway:\n%s", out)
	}
	update := append([]string{"tenant", "idp", "update"}, add[3:]...)
	if _, _, err := run(t, "", update...); err == nil || !strings.Contains(err.Error(), "signature does not verify") {
		t.Fatalf("update with a broken chain: %v", err)
	}
	// An unknown anchor: the chain ends nowhere the installation trusts.
	other := fedtest.New(t, "other")
	op2 := fedtest.New(t, "op2")
	op2.SetProvider(map[string]any{"issuer": op2.ID(), "authorization_endpoint": op2.ID() + "/a", "token_endpoint": op2.ID() + "/t", "jwks_uri": op2.ID() + "/j"})
	other.Superior(op2, nil)
	_, _, err = run(t, "", "tenant", "idp", "add", "lazio", "--key", "cie", "--kind", "cie", "--entity-id", op2.ID(), "--client-id", "x")
	if err == nil || !strings.Contains(err.Error(), "entity configuration of "+other.ID()+": names no authority hint and is not a configured trust anchor") {
		t.Fatalf("add under an unknown anchor: %v", err)
	}
}
