package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/password"
	"github.com/piazza-pa/piazza/platform/secret"
	"github.com/piazza-pa/piazza/platform/theme"
	"github.com/piazza-pa/piazza/tenant"
)

const demoAdmin = "admin@demo.example.org"

// demoTenants are provisioned by `piazza dev`, each with its own look, so
// that multi-tenancy shows at once.
var demoTenants = []struct{ slug, name, admin, primary, initial string }{
	{"demo", "Piazza Demo", demoAdmin, "#1a5e63", "P"},
	{"esempio", "Comune di Esempio", "admin@esempio.example.org", "#8a1538", "E"},
}

// ensureDemo provisions the demo tenants unless they exist, gives them their
// look, turns the demo tenant's local accounts on and makes sure its admin
// can sign in, with a password kept in the data directory; it returns that
// password.
func (e *env) ensureDemo(ctx context.Context) (string, error) {
	var t *tenant.Tenant
	for i, d := range demoTenants {
		dt, err := e.ensureDemoTenant(ctx, d.slug, d.name, d.admin, d.primary, d.initial)
		if err != nil {
			return "", fmt.Errorf("demo tenant %s: %w", d.slug, err)
		}
		if i == 0 {
			t = dt
		}
	}
	pw, err := demoPassword(filepath.Join(e.cfg.DataDir, "demo-admin.password"))
	if err != nil {
		return "", err
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return "", err
	}
	err = db.InTenant(ctx, e.db, t.Scope(), func(ctx context.Context, tx bun.Tx) error {
		if err := auth.SetLocalAccounts(ctx, tx, true); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO users (email, display_name, status, is_admin, password_hash, email_verified_at)
			VALUES (?, 'Amministratrice Demo', 'active', true, ?, now())
			ON CONFLICT (lower(email)) DO UPDATE SET status = 'active', password_hash = EXCLUDED.password_hash,
				display_name = CASE users.display_name WHEN '' THEN EXCLUDED.display_name ELSE users.display_name END,
				email_verified_at = coalesce(users.email_verified_at, now())`, demoAdmin, hash)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("demo admin: %w", err)
	}
	var id int64
	err = db.InTenant(ctx, e.db, t.Scope(), func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT id FROM users WHERE lower(email) = ?", demoAdmin).Scan(&id)
	})
	if err != nil {
		return "", err
	}
	if err := authz.Assign(ctx, e.db, fmt.Sprintf("user:%d", id), authz.RoleAdmin, t.Domain()); err != nil {
		return "", err
	}
	err = db.InTenant(ctx, e.db, t.Scope(), func(ctx context.Context, tx bun.Tx) error {
		return seedDemoContent(ctx, tx, e.files(), t.Slug, id)
	})
	if err != nil {
		return "", fmt.Errorf("demo content: %w", err)
	}
	return pw, nil
}

// demoPassword reads the demo admin's password from path, or makes one.
func demoPassword(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	pw := secret.Token(12)
	if err := os.WriteFile(path, []byte(pw+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("keep the demo password: %w", err)
	}
	return pw, nil
}

func (e *env) ensureDemoTenant(ctx context.Context, slug, name, admin, primary, initial string) (*tenant.Tenant, error) {
	t, err := e.registry.Get(ctx, slug)
	if errors.Is(err, tenant.ErrNotFound) {
		t, err = e.registry.Create(ctx, tenant.CreateParams{Slug: slug, Name: name, AdminEmail: admin})
		if err == nil {
			e.log.Info("demo tenant provisioned", "host", e.cfg.TenantHost(slug))
		}
	}
	if err != nil || t.Brand.Published.Primary != "" {
		return t, err
	}
	logo := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle cx="32" cy="32" r="30" fill="#ffffff"/>`+
		`<text x="32" y="43" font-size="32" font-family="sans-serif" font-weight="bold" text-anchor="middle" fill="%s">%s</text></svg>`, primary, initial)
	clean, err := theme.SanitizeSVG([]byte(logo)) // stored as an upload would be
	if err != nil {
		return nil, err
	}
	sha, err := e.registry.PutAsset(ctx, t.ID, "image/svg+xml", clean)
	if err != nil {
		return nil, err
	}
	if err := e.registry.SaveDraft(ctx, t.ID, tenant.Look{Primary: primary, Logo: sha}); err != nil {
		return nil, err
	}
	return t, e.registry.Publish(ctx, t.ID)
}
