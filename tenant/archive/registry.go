package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/tenant"
)

// registry is what the archive keeps of the tenant's rows in the control
// plane (registry/*.json). Secrets stay behind: the identity providers'
// client secrets and the tenant's relying-party signing keys.
type registry struct {
	Tenant tenantRow
	Assets []asset
	IdPs   []idpRow
	Rules  []rule
}

// tenantRow is registry/tenant.json.
type tenantRow struct {
	id         int64
	schema     string
	role       string
	login      string          // the tenant's login group, "" for none
	Slug       string          `json:"slug"`
	Name       string          `json:"name"`
	Status     string          `json:"status"`
	AdminEmail string          `json:"admin_email,omitempty"`
	Brand      json.RawMessage `json:"brand"`
	Plan       string          `json:"plan"`
	Hosts      []string        `json:"hosts"`
	CreatedAt  time.Time       `json:"created_at"`
}

// asset is a branding picture (registry/assets.json; data in base64).
type asset struct {
	bun.BaseModel `bun:"table:piazza.tenant_assets"`
	TenantID      int64     `bun:"tenant_id" json:"-"`
	SHA256        string    `bun:"sha256" json:"sha256"`
	ContentType   string    `bun:"content_type" json:"content_type"`
	Data          []byte    `bun:"data" json:"data"`
	CreatedAt     time.Time `bun:"created_at" json:"created_at"`
}

// idpRow is an identity provider without its client secret
// (registry/idps.json).
type idpRow struct {
	bun.BaseModel     `bun:"table:piazza.tenant_idps"`
	TenantID          int64    `bun:"tenant_id" json:"-"`
	Key               string   `bun:"key" json:"key"`
	Label             string   `bun:"label" json:"label"`
	Kind              string   `bun:"kind" json:"kind"`
	Issuer            string   `bun:"issuer" json:"issuer"`
	ClientID          string   `bun:"client_id" json:"client_id"`
	ClientAuth        string   `bun:"client_auth" json:"client_auth"`
	Secret            []byte   `bun:"client_secret" json:"-"`
	Scopes            []string `bun:"scopes,array" json:"scopes"`
	ACRValues         []string `bun:"acr_values,array" json:"acr_values"`
	Claims            []string `bun:"claims,array" json:"claims,omitempty"`
	Prompt            string   `bun:"prompt" json:"prompt,omitempty"`
	EntityID          string   `bun:"entity_id" json:"entity_id,omitempty"`
	ClaimSubject      string   `bun:"claim_subject" json:"claim_subject"`
	ClaimEmail        string   `bun:"claim_email" json:"claim_email"`
	ClaimGivenName    string   `bun:"claim_given_name" json:"claim_given_name"`
	ClaimFamilyName   string   `bun:"claim_family_name" json:"claim_family_name"`
	ClaimFiscalNumber string   `bun:"claim_fiscal_number" json:"claim_fiscal_number"`
	LinkBy            string   `bun:"link_by" json:"link_by"`
	RequestObject     bool     `bun:"request_object" json:"request_object"`
	Enabled           bool     `bun:"enabled" json:"enabled"`
}

// rule is one of the tenant's authorisation rules (registry/rules.json), its
// domain position holding the source tenant's domain.
type rule struct {
	bun.BaseModel `bun:"table:piazza.casbin_rules"`
	PType         string `bun:"ptype" json:"ptype"`
	V0            string `bun:"v0" json:"v0"`
	V1            string `bun:"v1" json:"v1"`
	V2            string `bun:"v2" json:"v2"`
	V3            string `bun:"v3" json:"v3"`
	V4            string `bun:"v4" json:"v4"`
	V5            string `bun:"v5" json:"v5"`
}

// readRegistry reads the tenant's control-plane rows in tx, as the login role.
func readRegistry(ctx context.Context, tx bun.Tx, slug string) (*registry, error) {
	g := &registry{}
	t := &g.Tenant
	err := tx.QueryRowContext(ctx, `SELECT t.id, t.schema_name, t.role_name, coalesce(t.login_role, ''), t.slug, t.name, t.status,
		coalesce(t.admin_email, ''), t.brand, p.slug, t.created_at
		FROM piazza.tenants t JOIN piazza.plans p ON p.id = t.plan_id WHERE t.slug = ?`, slug).
		Scan(&t.id, &t.schema, &t.role, &t.login, &t.Slug, &t.Name, &t.Status, &t.AdminEmail, &t.Brand, &t.Plan, &t.CreatedAt)
	if err != nil {
		if isNoRows(err) {
			return nil, fmt.Errorf("%w: %q", tenant.ErrNotFound, slug)
		}
		return nil, fmt.Errorf("read tenant: %w", err)
	}
	err = tx.NewSelect().Table("piazza.tenant_hosts").Column("host").Where("tenant_id = ?", t.id).
		Order("is_default DESC", "host").Scan(ctx, &t.Hosts)
	if err != nil {
		return nil, fmt.Errorf("read hosts: %w", err)
	}
	if err := tx.NewSelect().Model(&g.Assets).Where("tenant_id = ?", t.id).Order("sha256").Scan(ctx); err != nil {
		return nil, fmt.Errorf("read branding pictures: %w", err)
	}
	if err := tx.NewSelect().Model(&g.IdPs).ExcludeColumn("client_secret").Where("tenant_id = ?", t.id).Order("key").Scan(ctx); err != nil {
		return nil, fmt.Errorf("read identity providers: %w", err)
	}
	domain := fmt.Sprint(t.id)
	if err := tx.NewSelect().Model(&g.Rules).Where("domain = ?", domain).OrderExpr("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("read role rules: %w", err)
	}
	return g, nil
}

// apply writes the archive's control-plane rows for the new tenant t inside
// its provisioning transaction (after the hooks seeded its default rules).
// Identity providers come back disabled, with no secret: an operator gives
// each its secret again (piazza tenant idp update) and enables it.
func (g *registry) apply(ctx context.Context, tx bun.Tx, t *tenant.Tenant) error {
	status := tenant.StatusActive
	if g.Tenant.Status != string(tenant.StatusActive) {
		status = tenant.StatusSuspended
	}
	brand := g.Tenant.Brand
	if len(brand) == 0 {
		brand = json.RawMessage("{}")
	}
	_, err := tx.ExecContext(ctx, "UPDATE piazza.tenants SET brand = ?, admin_email = nullif(?, ''), status = ? WHERE id = ?",
		string(brand), g.Tenant.AdminEmail, status, t.ID)
	if err != nil {
		return fmt.Errorf("registry row: %w", err)
	}
	t.Status, t.AdminEmail = status, g.Tenant.AdminEmail
	for i := range g.Assets {
		g.Assets[i].TenantID = t.ID
	}
	if len(g.Assets) > 0 {
		if _, err := tx.NewInsert().Model(&g.Assets).Exec(ctx); err != nil {
			return fmt.Errorf("branding pictures: %w", err)
		}
	}
	for i := range g.IdPs {
		p := &g.IdPs[i]
		p.TenantID, p.Enabled, p.Secret = t.ID, false, nil
		if p.Claims == nil {
			p.Claims = []string{} // an archive of a provider that asks for none
		}
		if p.ClientAuth != "private_key_jwt" {
			p.Secret = []byte{} // none yet: the row says a secret is expected
		}
	}
	if len(g.IdPs) > 0 {
		if _, err := tx.NewInsert().Model(&g.IdPs).Exec(ctx); err != nil {
			return fmt.Errorf("identity providers: %w", err)
		}
	}
	for i := range g.Rules {
		r := &g.Rules[i]
		if r.PType == "p" {
			r.V1 = t.Domain()
		} else {
			r.V2 = t.Domain()
		}
	}
	if len(g.Rules) > 0 {
		if _, err := tx.NewInsert().Model(&g.Rules).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
			return fmt.Errorf("role rules: %w", err)
		}
	}
	return nil
}

// ownLinks are the branding's header and footer links that point at one of
// the archived tenant's hosts: the copy answers elsewhere, so they would
// lead its visitors back to the original.
func (g *registry) ownLinks() []string {
	var b tenant.Brand
	if err := json.Unmarshal(g.Tenant.Brand, &b); err != nil {
		return nil
	}
	looks := []tenant.Look{b.Published}
	if b.Draft != nil {
		looks = append(looks, *b.Draft)
	}
	var out []string
	for _, l := range looks {
		for _, link := range append(l.HeaderLinks, l.FooterLinks...) {
			u, err := url.Parse(link.URL)
			if err != nil {
				continue
			}
			for _, h := range g.Tenant.Hosts {
				if strings.EqualFold(u.Host, h) {
					out = append(out, link.URL)
				}
			}
		}
	}
	return out
}
