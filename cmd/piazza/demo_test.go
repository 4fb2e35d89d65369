package main

import (
	"context"
	"io"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/taxid"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/tenant"
)

// TestDemoContent: `piazza dev` seeds people, organisations with valid
// legal data and communities over the eight themes, once.
func TestDemoContent(t *testing.T) {
	ctx := context.Background()
	e := devEnv(t)
	for range 2 { // the second run must add nothing
		if _, err := e.ensureDemo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	demo, err := e.registry.Get(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	var themes, vats []string
	var communities, profiles, news, pictures int
	var key string
	err = db.InTenant(ctx, e.db, demo.Scope(), func(ctx context.Context, tx bun.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM communities").Scan(&communities); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM profiles").Scan(&profiles); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM news WHERE state = 'published'").Scan(&news); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*), min(a.storage_key) FROM news n JOIN attachments a ON a.id = n.image_id
			WHERE a.mime = 'image/png'`).Scan(&pictures, &key); err != nil {
			return err
		}
		if err := tx.NewSelect().TableExpr("communities").ColumnExpr("DISTINCT unnest(themes)").Scan(ctx, &themes); err != nil {
			return err
		}
		return tx.NewSelect().TableExpr("organizations").Column("vat_number").Scan(ctx, &vats)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(taxonomy.KnownThemes(themes)) != len(taxonomy.Themes) {
		t.Errorf("communities cover %d themes of %d", len(taxonomy.KnownThemes(themes)), len(taxonomy.Themes))
	}
	if communities != len(demoCommunities)+2 || profiles != len(demoPeople) || news != len(demoNews) {
		t.Errorf("seeded %d communities, %d profiles, %d news; seeded twice?", communities, profiles, news)
	}
	if pictures != len(demoNews) {
		t.Errorf("%d demo news have a picture, want all %d", pictures, len(demoNews))
	} else if r, err := e.files().Open(ctx, "demo", key); err != nil {
		t.Errorf("a demo picture's file: %v", err)
	} else {
		r.Close()
	}
	for _, v := range vats {
		if _, err := taxid.VAT(v); err != nil {
			t.Errorf("demo VAT number %s: %v", v, err)
		}
	}
	if len(vats) != len(demoOrganizations) {
		t.Errorf("%d organisations", len(vats))
	}
}

// devEnv opens the environment of piazza dev (its own data directory, on
// the tests' database), closed with the test.
// demoEnv is a fresh environment with the demo seeded, and its tenant.
func demoEnv(t *testing.T) (context.Context, *env, *tenant.Tenant) {
	t.Helper()
	ctx := context.Background()
	e := devEnv(t)
	if _, err := e.ensureDemo(ctx); err != nil {
		t.Fatal(err)
	}
	demo, err := e.registry.Get(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	return ctx, e, demo
}

func devEnv(t *testing.T) *env {
	t.Helper()
	useDatabase(t)
	t.Setenv("PIAZZA_DATA_DIR", t.TempDir())
	ctx := context.Background()
	e, err := openEnv(ctx, io.Discard, envOptions{mode: config.ModeDev, migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.close(ctx) })
	return e
}
