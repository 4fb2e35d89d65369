package tenant_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/tenant"
)

// observed records what an Observer is told.
type observed struct {
	mu   sync.Mutex
	seen map[string][]error
}

func (o *observed) observe(op string, d time.Duration, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if d <= 0 {
		err = errors.New("no duration")
	}
	o.seen[op] = append(o.seen[op], err)
}

// The observer is told of each provisioning, refused ones included, and of
// each tenant a rollout migrates, failures included; the registry counts
// tenants by status and those whose schema is behind.
func TestObserveProvisioningAndRollout(t *testing.T) {
	ctx := context.Background()
	r, d := newRegistry(t)
	o := &observed{seen: map[string][]error{}}
	r.Observe(o.observe)
	mustCreate(t, r, "alpha", "Alpha")
	mustCreate(t, r, "beta", "Beta")
	if _, err := r.Create(ctx, tenant.CreateParams{Slug: "alpha", Name: "Again"}); !errors.Is(err, tenant.ErrSlugTaken) {
		t.Fatalf("second alpha: %v", err)
	}
	if got := o.seen[tenant.OpProvision]; len(got) != 3 || got[0] != nil || got[1] != nil || !errors.Is(got[2], tenant.ErrSlugTaken) {
		t.Fatalf("provisioning observed: %v", got)
	}
	if _, err := r.Suspend(ctx, "beta"); err != nil {
		t.Fatal(err)
	}
	counts, err := r.StatusCounts(ctx)
	if err != nil || counts[tenant.StatusActive] != 1 || counts[tenant.StatusSuspended] != 1 {
		t.Fatalf("status counts %v, %v", counts, err)
	}

	if _, err := d.Admin(t).Exec(ctx, "CREATE TABLE t_beta.bookmarks (id int)"); err != nil {
		t.Fatal(err)
	}
	fsys, _ := withMigration(t, "bookmarks", "CREATE TABLE bookmarks (id bigint PRIMARY KEY);")
	next, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test", Migrations: fsys})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := next.Behind(ctx); err != nil || n != 2 {
		t.Fatalf("behind before the rollout: %d, %v", n, err)
	}
	next.Observe(o.observe)
	if _, err := next.MigrateAll(ctx, 2, nil); err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, err := range o.seen[tenant.OpMigrate] {
		if err != nil {
			failed++
		}
	}
	if len(o.seen[tenant.OpMigrate]) != 2 || failed != 1 {
		t.Fatalf("migrations observed: %v", o.seen[tenant.OpMigrate])
	}
	if n, err := next.Behind(ctx); err != nil || n != 1 {
		t.Fatalf("behind after a rollout that failed for beta: %d, %v", n, err)
	}
}
