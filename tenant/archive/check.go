package archive

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/theme"
	"github.com/piazza-pa/piazza/tenant"
)

// An archive may come from another installation: what its registry rows
// would give the new tenant is checked as the admin area checks it, since
// they reach the control plane without passing through it.

// checkRules refuses a rule that is not a tenant's own: a role given to
// anyone but one of its users, or the operators' role.
func (g *registry) checkRules() error {
	for i, r := range g.Rules {
		var ok bool
		switch r.PType {
		case "p":
			ok = strings.HasPrefix(r.V0, "role:") && r.V0 != authz.RoleOperator
		case "g":
			ok = strings.HasPrefix(r.V0, "user:") && strings.HasPrefix(r.V1, "role:") && r.V1 != authz.RoleOperator
		}
		if !ok {
			return fmt.Errorf("%w: %s, rule %d (%s %s %s) is not a tenant's own", ErrCorrupt, rulesName, i+1, r.PType, r.V0, r.V1)
		}
	}
	return nil
}

// checkAssets checks each branding picture as an upload is checked: its
// checksum, a PNG or JPEG that is what it says, an SVG sanitised. An SVG
// the sanitiser changes is kept as sanitised, under its new checksum, and
// the branding is made to name that one.
func (g *registry) checkAssets() error {
	moved := map[string]string{}
	for i := range g.Assets {
		a := &g.Assets[i]
		if sum := sha256.Sum256(a.Data); hex.EncodeToString(sum[:]) != a.SHA256 {
			return fmt.Errorf("%w: %s, picture %s does not match its checksum", ErrCorrupt, assetsName, a.SHA256)
		}
		sniffed := http.DetectContentType(a.Data)
		switch a.ContentType {
		case "image/png", "image/jpeg":
			if sniffed != a.ContentType {
				return fmt.Errorf("%w: %s, picture %s is %s, not %s", ErrCorrupt, assetsName, a.SHA256, sniffed, a.ContentType)
			}
		case "image/svg+xml":
			clean, err := theme.SanitizeSVG(a.Data)
			if err != nil {
				return fmt.Errorf("%w: %s, picture %s: %v", ErrCorrupt, assetsName, a.SHA256, err)
			}
			if !bytes.Equal(clean, a.Data) {
				sum := sha256.Sum256(clean)
				moved[a.SHA256], a.SHA256, a.Data = hex.EncodeToString(sum[:]), hex.EncodeToString(sum[:]), clean
			}
		default:
			return fmt.Errorf("%w: %s, picture %s is of type %q", ErrCorrupt, assetsName, a.SHA256, a.ContentType)
		}
	}
	if len(moved) == 0 {
		return nil
	}
	g.dedupAssets()
	var b tenant.Brand
	if err := json.Unmarshal(g.Tenant.Brand, &b); err != nil {
		return fmt.Errorf("%w: %s, brand: %v", ErrCorrupt, tenantName, err)
	}
	for _, l := range []*tenant.Look{&b.Published, b.Draft} {
		if l == nil {
			continue
		}
		for _, sha := range []*string{&l.Logo, &l.Favicon} {
			if to, ok := moved[*sha]; ok {
				*sha = to
			}
		}
	}
	raw, err := json.Marshal(b)
	g.Tenant.Brand = raw
	return err
}

// dedupAssets keeps one picture per checksum (two SVGs may sanitise alike).
func (g *registry) dedupAssets() {
	seen := map[string]bool{}
	kept := g.Assets[:0]
	for _, a := range g.Assets {
		if !seen[a.SHA256] {
			seen[a.SHA256] = true
			kept = append(kept, a)
		}
	}
	g.Assets = kept
}
