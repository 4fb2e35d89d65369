package tenant_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/tenant"
)

// after records the slugs AfterPurge ran for and fails for those in fail.
type after struct {
	mu   sync.Mutex
	ran  []string
	fail map[string]bool
}

func (a *after) hook(_ context.Context, slug string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.ran = append(a.ran, slug)
	if a.fail[slug] {
		return errors.New("the store is away")
	}
	return nil
}

func registryWith(t *testing.T, o tenant.Options) (*tenant.Registry, *dbtest.DB) {
	t.Helper()
	d := dbtest.New(t)
	o.BaseDomain, o.OperatorHost = "piazza.test", "admin.piazza.test"
	r, err := tenant.NewRegistry(context.Background(), d.DB, o)
	if err != nil {
		t.Fatal(err)
	}
	return r, d
}

// AfterPurge runs once the purge has committed, not when the purge
// fails; its failure leaves the tenant purged and says so.
func TestAfterPurge(t *testing.T) {
	ctx := context.Background()
	a := &after{fail: map[string]bool{"marche": true}}
	refuse := map[string]bool{"umbria": true}
	r, d := registryWith(t, tenant.Options{
		OnPurge: []tenant.Hook{func(_ context.Context, _ bun.Tx, tn *tenant.Tenant) error {
			if refuse[tn.Slug] {
				return errors.New("refused")
			}
			return nil
		}},
		AfterPurge: []tenant.AfterPurge{a.hook},
	})
	for _, s := range []string{"umbria", "marche", "puglia", "old"} {
		mustCreate(t, r, s, s)
		if _, err := r.Delete(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Purge(ctx, "umbria"); err == nil || errors.Is(err, tenant.ErrPurgeUnfinished) {
		t.Fatalf("purge refused by its hook: %v", err)
	}
	if _, err := r.Get(ctx, "umbria"); err != nil || len(a.ran) != 0 {
		t.Fatalf("a failed purge: tenant %v, after-purge work ran for %v", err, a.ran)
	}
	if err := r.Purge(ctx, "puglia"); err != nil {
		t.Fatal(err)
	}
	err := r.Purge(ctx, "marche")
	if !errors.Is(err, tenant.ErrPurgeUnfinished) || !slices.Equal(a.ran, []string{"puglia", "marche"}) {
		t.Fatalf("purge whose after-purge work fails: %v, ran %v", err, a.ran)
	}
	if _, err := r.Get(ctx, "marche"); !errors.Is(err, tenant.ErrNotFound) {
		t.Fatalf("the purge did not stand: %v", err)
	}
	// the janitor's path
	a.fail["old"] = true
	if _, err := d.Admin(t).Exec(ctx, "UPDATE piazza.tenants SET deleted_at = now() - interval '31 days' WHERE slug IN ('old', 'umbria')"); err != nil {
		t.Fatal(err)
	}
	refuse["umbria"] = false
	purged, err := r.PurgeExpired(ctx, 30*24*time.Hour)
	if !errors.Is(err, tenant.ErrPurgeUnfinished) || len(purged) != 2 || !slices.Equal(a.ran[2:], purged) {
		t.Fatalf("PurgeExpired: %v, %v; after-purge work ran for %v", purged, err, a.ran)
	}
}

// WhileFree refuses a slug a tenant has (a deleted one too); while it
// runs, a tenant created under the slug waits for it to end.
func TestWhileFree(t *testing.T) {
	ctx := context.Background()
	r, d := newRegistry(t)
	mustCreate(t, r, "lazio", "Lazio")
	if _, err := r.Delete(ctx, "lazio"); err != nil {
		t.Fatal(err)
	}
	ran := false
	if err := r.WhileFree(ctx, "lazio", func(context.Context) error { ran = true; return nil }); !errors.Is(err, tenant.ErrSlugTaken) || ran {
		t.Fatalf("WhileFree of a deleted tenant's slug: %v, ran %v", err, ran)
	}
	admin := d.Admin(t)
	created := make(chan error, 1)
	err := r.WhileFree(ctx, "umbria", func(ctx context.Context) error {
		go func() {
			_, err := r.Create(context.Background(), tenant.CreateParams{Slug: "umbria", Name: "Umbria"})
			created <- err
		}()
		// the creation waits on the slug this holds
		for {
			var waiting bool
			if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
				WHERE wait_event_type = 'Lock' AND query LIKE '%tenants%')`).Scan(&waiting); err != nil {
				return err
			}
			select {
			case err := <-created:
				t.Fatalf("a tenant was created under a held slug: %v", err)
			default:
			}
			if waiting {
				return nil
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-created; err != nil {
		t.Fatalf("the creation that waited: %v", err)
	}
	if tn, err := r.Get(ctx, "umbria"); err != nil || tn.Status != tenant.StatusActive {
		t.Fatalf("umbria: %v, %v", tn, err)
	}
	var placeholders int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM piazza.tenants WHERE schema_name LIKE 'purged:%'").Scan(&placeholders); err != nil || placeholders != 0 {
		t.Fatalf("%d placeholder rows left, %v", placeholders, err)
	}
}
