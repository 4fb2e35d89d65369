package tenant_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/tenant"
)

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	r, d := newRegistry(t)
	mustCreate(t, r, "puglia", "Regione Puglia")
	admin := d.Admin(t)
	schemaExists := func() bool {
		var ok bool
		if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 't_puglia')").Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	steps := []struct {
		name string
		do   func() (*tenant.Tenant, error)
		want tenant.Status
		err  error
	}{
		{"resume an active tenant", func() (*tenant.Tenant, error) { return r.Resume(ctx, "puglia") }, "", tenant.ErrWrongStatus},
		{"suspend", func() (*tenant.Tenant, error) { return r.Suspend(ctx, "puglia") }, tenant.StatusSuspended, nil},
		{"suspend twice", func() (*tenant.Tenant, error) { return r.Suspend(ctx, "puglia") }, "", tenant.ErrWrongStatus},
		{"resume", func() (*tenant.Tenant, error) { return r.Resume(ctx, "puglia") }, tenant.StatusActive, nil},
		{"delete", func() (*tenant.Tenant, error) { return r.Delete(ctx, "puglia") }, tenant.StatusDeleting, nil},
		{"resume a deleted tenant", func() (*tenant.Tenant, error) { return r.Resume(ctx, "puglia") }, "", tenant.ErrWrongStatus},
		{"restore", func() (*tenant.Tenant, error) { return r.Restore(ctx, "puglia") }, tenant.StatusSuspended, nil},
		{"resume after restore", func() (*tenant.Tenant, error) { return r.Resume(ctx, "puglia") }, tenant.StatusActive, nil},
		{"unknown slug", func() (*tenant.Tenant, error) { return r.Suspend(ctx, "nowhere") }, "", tenant.ErrNotFound},
	}
	for _, s := range steps {
		tn, err := s.do()
		if s.err != nil {
			if !errors.Is(err, s.err) {
				t.Fatalf("%s: got %v, want %v", s.name, err, s.err)
			}
			continue
		}
		if err != nil || tn.Status != s.want {
			t.Fatalf("%s: got %v %v, want %s", s.name, tn, err, s.want)
		}
		if !schemaExists() {
			t.Fatalf("%s: the schema is gone before any purge", s.name)
		}
	}

	if err := r.Purge(ctx, "puglia"); !errors.Is(err, tenant.ErrWrongStatus) {
		t.Fatalf("purge of an active tenant: %v", err)
	}
	if _, err := r.Delete(ctx, "puglia"); err != nil {
		t.Fatal(err)
	}
	if err := r.Purge(ctx, "puglia"); err != nil {
		t.Fatal(err)
	}
	if schemaExists() {
		t.Fatal("schema survives purge")
	}
	if _, err := r.Get(ctx, "puglia"); !errors.Is(err, tenant.ErrNotFound) {
		t.Fatalf("purged tenant still registered: %v", err)
	}
	// The slug and host are free again.
	mustCreate(t, r, "puglia", "Regione Puglia, di nuovo")
}

func TestPurgeExpired(t *testing.T) {
	ctx := context.Background()
	r, d := newRegistry(t)
	mustCreate(t, r, "old", "Old")
	mustCreate(t, r, "recent", "Recent")
	mustCreate(t, r, "alive", "Alive")
	for _, s := range []string{"old", "recent"} {
		if _, err := r.Delete(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	admin := d.Admin(t)
	if _, err := admin.Exec(ctx, "UPDATE piazza.tenants SET deleted_at = now() - interval '31 days' WHERE slug = 'old'"); err != nil {
		t.Fatal(err)
	}
	purged, err := r.PurgeExpired(ctx, 30*24*time.Hour)
	if err != nil || len(purged) != 1 || purged[0] != "old" {
		t.Fatalf("purged %v, %v; want [old]", purged, err)
	}
	for slug, want := range map[string]bool{"old": false, "recent": true, "alive": true} {
		_, err := r.Get(ctx, slug)
		if (err == nil) != want {
			t.Errorf("%s present=%v after purge of expired, want %v", slug, err == nil, want)
		}
	}
}
