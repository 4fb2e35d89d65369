package idp

import (
	"fmt"
	"slices"
	"strings"

	"github.com/piazza-pa/piazza/platform"
)

// AttributePrefix is the namespace of the SPID/CIE attributes that are not
// standard OpenID Connect claims.
const AttributePrefix = "https://attributes.eid.gov.it/"

// Attributes are the user attributes SPID and CIE release, by short name:
// true when the claim's name is under AttributePrefix.
var Attributes = map[string]bool{
	"spid_code": true, "given_name": false, "family_name": false, "place_of_birth": false, "birthdate": false,
	"gender": false, "company_name": true, "registered_office": true, "fiscal_number": true,
	"company_fiscal_number": true, "vat_number": true, "document_details": false, "phone_number": false,
	"phone_number_verified": false, "landline_number": true, "email": false, "email_verified": false,
	"e_delivery_service": true, "eid_exp_date": true, "address": false,
}

// DefaultClaims are the attributes asked of SPID and CIE when none are set.
var DefaultClaims = []string{"given_name", "family_name", "email", "fiscal_number"}

// The SPID/CIE authentication levels (acr values), lowest first; CIE uses
// the same values.
var acrLevels = []string{"https://www.spid.gov.it/SpidL1", "https://www.spid.gov.it/SpidL2", "https://www.spid.gov.it/SpidL3"}

// DefaultACR is the level asked of SPID and CIE when none is set.
const DefaultACR = "https://www.spid.gov.it/SpidL2"

// eidScopes are the scopes each kind accepts.
var eidScopes = map[string][]string{"spid": {"openid", "offline_access"}, "cie": {"openid", "offline_access", "profile", "email"}}

// ClaimName is the full claim name of an attribute's short name.
func ClaimName(attr string) string {
	if Attributes[attr] {
		return AttributePrefix + attr
	}
	return attr
}

// ClaimsRequest is the claims parameter asking for attrs at the UserInfo
// endpoint (SPID releases no attribute in the ID token).
func ClaimsRequest(attrs []string) map[string]any {
	ui := map[string]any{}
	for _, a := range attrs {
		ui[ClaimName(a)] = nil
	}
	return map[string]any{"userinfo": ui}
}

// badFieldKey is badField with a message key of its own (a rule of SPID
// and CIE, not the field's general one).
func badFieldKey(field, key, msg string) error {
	return platform.NewKeyedError(platform.ErrInvalid, "idp.error."+key, field+": "+msg)
}

// normalizeEID applies the SPID/CIE rules: private_key_jwt, a signed request
// object, the scopes, levels, attributes and prompt the rules allow, with
// their defaults.
func (i *IdP) normalizeEID() error {
	if i.Kind == "generic" {
		return nil
	}
	if i.ClientAuth == "" {
		i.ClientAuth = AuthPrivateJWT
	}
	if i.ClientAuth != AuthPrivateJWT {
		return badFieldKey("client authentication", "client_authentication_eid", "SPID and CIE need private_key_jwt")
	}
	i.RequestObject = true
	if len(i.Scopes) == 0 {
		i.Scopes = []string{"openid"}
	}
	for _, s := range i.Scopes {
		if !slices.Contains(eidScopes[i.Kind], s) {
			return badFieldKey("scopes", "scopes_"+i.Kind, fmt.Sprintf("%q is not allowed (%s)", s, strings.Join(eidScopes[i.Kind], ", ")))
		}
	}
	if len(i.ACRValues) == 0 {
		i.ACRValues = []string{DefaultACR}
	}
	for _, a := range i.ACRValues {
		if !slices.Contains(acrLevels, a) {
			return badFieldKey("acr values", "acr_values_eid", fmt.Sprintf("%q is not a level (%s)", a, strings.Join(acrLevels, ", ")))
		}
	}
	if err := i.normalizeAttributes(); err != nil {
		return err
	}
	if i.Prompt == "" {
		i.Prompt = "consent login"
	}
	if i.Prompt != "consent" && i.Prompt != "consent login" {
		return badFieldKey("prompt", "prompt_eid", `consent or "consent login"`)
	}
	return nil
}

// normalizeAttributes checks the attributes asked for (short names, or full
// claim names turned into short ones), dropping repeats.
func (i *IdP) normalizeAttributes() error {
	if len(i.Claims) == 0 {
		i.Claims = slices.Clone(DefaultClaims)
	}
	var out []string
	for _, c := range i.Claims {
		c = strings.TrimPrefix(strings.TrimSpace(c), AttributePrefix)
		if _, ok := Attributes[c]; !ok {
			return badField("claims", fmt.Sprintf("%q is not a SPID/CIE attribute", c))
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	i.Claims = out
	return nil
}

// acrLevel is the rank of an SPID/CIE level (1 to 3), 0 when unknown.
func acrLevel(acr string) int { return slices.Index(acrLevels, acr) + 1 }

// checkACR refuses an ID token of a SPID/CIE provider whose acr, when
// given, is unknown or lower than the lowest level asked for.
func checkACR(i *IdP, acr string) error {
	if i.Kind == "generic" || acr == "" {
		return nil
	}
	least := len(acrLevels)
	for _, a := range i.ACRValues {
		least = min(least, acrLevel(a))
	}
	if got := acrLevel(acr); got == 0 || got < least {
		return refuse("acr", fmt.Sprintf("the identity provider authenticated at level %q, lower than asked", acr))
	}
	return nil
}
