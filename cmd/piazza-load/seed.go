package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/tenant"
)

var themes = []string{"aerospace", "agrifood", "eco_industries", "creative_cultural", "health", "advanced_manufacturing", "sustainable_mobility", "smart_communities"}

func seedCommand(ctx context.Context, args []string) error {
	var tenants, users, items, communities int
	var dbURL, base string
	err := flags("seed", args, func(fs *flag.FlagSet) {
		fs.IntVar(&tenants, "tenants", 100, "tenants to provision (load-0001 …)")
		fs.IntVar(&users, "users", 20, "members per tenant, each signed in")
		fs.IntVar(&items, "items", 50, "news items per tenant")
		fs.IntVar(&communities, "communities", 4, "communities per tenant")
		fs.StringVar(&dbURL, "db", "", "the application's database URL (default: piazza dev's cluster)")
		fs.StringVar(&base, "base-domain", "localhost:8080", "the tenants' base domain (as the server's PIAZZA_BASE_DOMAIN)")
	})
	if err != nil {
		return err
	}
	url, _, stop, err := database(ctx, dbURL, "")
	if err != nil {
		return err
	}
	defer stop()
	bdb, err := db.Open(ctx, url, 8)
	if err != nil {
		return err
	}
	defer bdb.Close()
	reg, err := tenant.NewRegistry(ctx, bdb, tenant.Options{BaseDomain: base, OperatorHost: "admin." + base,
		OnProvision: []tenant.Hook{func(ctx context.Context, tx bun.Tx, t *tenant.Tenant) error {
			return authz.SeedTenant(ctx, tx, t.Domain())
		}}})
	if err != nil {
		return err
	}
	sessions := session.Tenant(12*time.Hour, 12*time.Hour)
	var targets []Target
	start := time.Now()
	for i := 1; i <= tenants; i++ {
		slug := fmt.Sprintf("load-%04d", i)
		t, err := reg.Get(ctx, slug)
		if errors.Is(err, tenant.ErrNotFound) {
			t, err = reg.Create(ctx, tenant.CreateParams{Slug: slug, Name: fmt.Sprintf("Ente di prova %d", i)})
		}
		if err != nil {
			return fmt.Errorf("%s: %w", slug, err)
		}
		err = db.InTenant(ctx, bdb, t.Scope(), func(ctx context.Context, tx bun.Tx) error {
			ts, err := seedTenant(ctx, tx, sessions, users, items, communities)
			for j := range ts {
				ts[j].Host = reg.DefaultHost(slug)
			}
			targets = append(targets, ts...)
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w", slug, err)
		}
		if i%10 == 0 || i == tenants {
			fmt.Printf("\rseeded %d/%d tenants", i, tenants)
		}
	}
	fmt.Printf("\nseeded %d tenants × %d members × %d items in %s; %d sessions in %s\n",
		tenants, users, items, time.Since(start).Round(time.Millisecond), len(targets), sessionsFile())
	return writeTargets(targets)
}

// seedTenant fills one tenant (once: a tenant with members is left as it
// is, its members signed in again) and signs its members in.
func seedTenant(ctx context.Context, tx bun.Tx, sessions *session.Store, users, items, communities int) ([]Target, error) {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO users (email, display_name, status, email_verified_at)
				SELECT 'membro' || i || '@load.example', 'Membro ' || i, 'active', now() FROM generate_series(1, ?) AS i;
			INSERT INTO profiles (user_id, themes, state)
				SELECT id, ARRAY[(?::text[])[1 + id % 8]], 'validated' FROM users;
			INSERT INTO communities (name, description, kind, themes, created_by)
				SELECT 'Comunità ' || i, 'Una comunità di prova.', 'open', ARRAY[(?::text[])[1 + i % 8]], 1 FROM generate_series(1, ?) AS i;
			INSERT INTO community_members (community_id, user_id, role, state)
				SELECT c.id, u.id, CASE WHEN u.id = 1 THEN 'manager' ELSE 'participant' END, 'active'
				FROM communities AS c JOIN users AS u ON u.id % ? = c.id % ? OR u.id = 1;
			INSERT INTO news (title, summary, body, language, state, author_id, scope_kind, scope_communities, in_evidence, published_at)
				SELECT 'Notizia ' || i, 'Sommario della notizia ' || i, '<p>Testo della notizia ' || i || '.</p>', 'it', 'published', 1,
					CASE WHEN i % 2 = 0 THEN 'tenant' ELSE 'communities' END,
					CASE WHEN i % 2 = 0 THEN '{}'::bigint[] ELSE ARRAY[1 + i % ?]::bigint[] END,
					i % 25 = 0, now() - make_interval(mins => i)
				FROM generate_series(1, ?) AS i`,
			users, pgdialect.Array(themes), pgdialect.Array(themes), communities, communities, communities, communities, items)
		if err != nil {
			return nil, err
		}
	}
	var ids []int64
	if err := tx.NewSelect().Table("users").Column("id").Order("id").Scan(ctx, &ids); err != nil {
		return nil, err
	}
	var out []Target
	for _, id := range ids {
		token, err := sessions.Create(ctx, tx, &session.Session{UserID: id, Method: "load"})
		if err != nil {
			return nil, err
		}
		var cs []int64
		if err := tx.NewSelect().Table("community_members").Column("community_id").Where("user_id = ?", id).Scan(ctx, &cs); err != nil {
			return nil, err
		}
		out = append(out, Target{Cookie: token, Community: cs})
	}
	return out, nil
}
