package idp_test

import (
	"slices"
	"testing"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/idp"
)

// SPID and CIE providers get the rules' defaults, and settings the rules
// forbid are refused with a message naming the field.
func TestNormalizeEID(t *testing.T) {
	base := func(kind string) idp.IdP {
		return idp.IdP{Key: "k", Kind: kind, Issuer: "https://op.example", ClientID: "https://rp.example"}
	}
	spid := base("spid")
	if err := spid.Normalize(); err != nil {
		t.Fatal(err)
	}
	if spid.ClientAuth != idp.AuthPrivateJWT || !spid.RequestObject || !slices.Equal(spid.Scopes, []string{"openid"}) ||
		!slices.Equal(spid.ACRValues, []string{"https://www.spid.gov.it/SpidL2"}) || spid.Prompt != "consent login" ||
		!slices.Equal(spid.Claims, []string{"given_name", "family_name", "email", "fiscal_number"}) ||
		spid.ClaimFiscalNumber != "https://attributes.eid.gov.it/fiscal_number" || spid.LinkBy != "fiscal_number" {
		t.Fatalf("SPID defaults: %+v", spid)
	}
	generic := base("generic")
	generic.ClientSecret = "s"
	if err := generic.Normalize(); err != nil || generic.Prompt != "" || len(generic.Claims) != 0 || generic.ClaimFiscalNumber != "fiscal_number" {
		t.Fatalf("generic defaults: %+v %v", generic, err)
	}
	cie := base("cie")
	cie.Scopes, cie.Claims, cie.Prompt = []string{"openid", "profile", "email"}, []string{"https://attributes.eid.gov.it/fiscal_number", "birthdate", "birthdate"}, "consent"
	if err := cie.Normalize(); err != nil || !slices.Equal(cie.Claims, []string{"fiscal_number", "birthdate"}) {
		t.Fatalf("CIE with profile and email scopes, full claim names: %+v %v", cie, err)
	}
	for name, tc := range map[string]struct {
		change func(*idp.IdP)
		key    string
	}{
		"SPID with a shared secret":  {func(i *idp.IdP) { i.ClientAuth, i.ClientSecret = idp.AuthBasic, "s" }, "idp.error.client_authentication_eid"},
		"SPID asking for profile":    {func(i *idp.IdP) { i.Scopes = []string{"openid", "profile"} }, "idp.error.scopes_spid"},
		"SPID at an unknown level":   {func(i *idp.IdP) { i.ACRValues = []string{"https://www.spid.gov.it/SpidL4"} }, "idp.error.acr_values_eid"},
		"SPID, an unknown attribute": {func(i *idp.IdP) { i.Claims = []string{"given_name", "shoe_size"} }, "idp.error.claims"},
		"SPID with prompt login":     {func(i *idp.IdP) { i.Prompt = "login" }, "idp.error.prompt_eid"},
		"SPID with prompt none":      {func(i *idp.IdP) { i.Prompt = "none" }, "idp.error.prompt_eid"},
		"generic with claims":        {func(i *idp.IdP) { i.Kind, i.ClientSecret, i.Claims = "generic", "s", []string{"email"} }, "idp.error.claims"},
		"generic with prompt none":   {func(i *idp.IdP) { i.Kind, i.ClientSecret, i.Prompt = "generic", "s", "none" }, "idp.error.prompt"},
	} {
		i := base("spid")
		tc.change(&i)
		if err := i.Normalize(); platform.MessageKey(err) != tc.key {
			t.Errorf("%s: %v (key %q), want %s", name, err, platform.MessageKey(err), tc.key)
		}
	}
}
