package main

import (
	"strings"
	"testing"
)

// TestTenantBillingCommand: the legal name, VAT number and invoice e-mail
// are set with billing off (kept for later), a flag not given stays, every
// bad field refused in one line naming it.
func TestTenantBillingCommand(t *testing.T) {
	useDatabase(t)
	steps := []struct {
		args    []string
		out     string
		errText string
	}{
		{[]string{"tenant", "create", "--slug", "roccasecca", "--name", "Roccasecca", "--admin-email", "sindaco@roccasecca.example"}, "created tenant roccasecca", ""},
		{[]string{"tenant", "billing", "roccasecca", "--vat", "IT00743110158"}, "", "vat_number: the VAT number's check digit is wrong"},
		{[]string{"tenant", "billing", "roccasecca", "--legal-name", " ", "--email", "no"}, "", "invoice_email: not an e-mail address; legal_name:"},
		{[]string{"tenant", "billing", "nessuno", "--vat", "00743110157"}, "", "no such tenant"},
		{[]string{"tenant", "billing", "roccasecca", "--legal-name", "Comune di Roccasecca", "--vat", "IT 00743110157"},
			`tenant roccasecca is invoiced to "Comune di Roccasecca", VAT number "00743110157", at sindaco@roccasecca.example`, ""},
		{[]string{"tenant", "billing", "roccasecca", "--email", "ragioneria@roccasecca.example"},
			`"Comune di Roccasecca", VAT number "00743110157", at ragioneria@roccasecca.example`, ""},
		{[]string{"tenant", "billing", "roccasecca", "--vat", ""}, `VAT number "", at ragioneria@roccasecca.example`, ""},
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
	}
}
