package quota_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/quota"
	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// world is a registry with tenants alpha (on plan "tiny") and beta (on the
// default plan).
type world struct {
	reg  *tenant.Registry
	tiny tenant.PlanInput
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	d := dbtest.New(t)
	reg, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{reg: reg, tiny: tenant.PlanInput{Slug: "tiny", Name: "Tiny", Members: "2", Storage: "100", Hosts: "1", IdPs: "1"}}
	if _, err := reg.CreatePlan(ctx, w.tiny); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Create(ctx, tenant.CreateParams{Slug: "alpha", Name: "Alpha", Plan: "tiny"}); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Create(ctx, tenant.CreateParams{Slug: "beta", Name: "Beta"}); err != nil {
		t.Fatal(err)
	}
	return w
}

// in runs fn in slug's transaction, with the tenant (and its plan as the
// registry has it now) in the context, as a request to its site has.
func (w *world) in(t *testing.T, slug string, fn func(ctx context.Context, tx bun.Tx) error) error {
	t.Helper()
	tn, err := w.reg.Get(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return tenant.Tx(tenant.NewContext(context.Background(), tn), w.reg.DB(), fn)
}

func (w *world) raise(t *testing.T, set func(*tenant.PlanInput)) {
	t.Helper()
	set(&w.tiny)
	if _, err := w.reg.UpdatePlan(context.Background(), "tiny", w.tiny); err != nil {
		t.Fatal(err)
	}
}

func (w *world) count(t *testing.T, slug, q string) int {
	t.Helper()
	var n int
	if err := w.in(t, slug, func(ctx context.Context, tx bun.Tx) error { return tx.QueryRowContext(ctx, q).Scan(&n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

func invite(w *world, t *testing.T, slug, email string) error {
	return w.in(t, slug, func(ctx context.Context, tx bun.Tx) error {
		_, err := auth.CreateInvited(ctx, tx, email)
		return err
	})
}

func TestMembersQuota(t *testing.T) {
	w := newWorld(t)
	for _, e := range []string{"a@alpha.example", "b@alpha.example"} {
		if err := invite(w, t, "alpha", e); err != nil {
			t.Fatalf("invite %s: %v", e, err)
		}
	}
	err := invite(w, t, "alpha", "c@alpha.example")
	if !errors.Is(err, quota.ErrMembers) || platform.MessageKey(err) != "quota.error.members" || !errors.Is(err, platform.ErrConflict) {
		t.Fatalf("third member of a plan of two: %v, want the members' refusal", err)
	}
	if n := w.count(t, "alpha", "SELECT count(*) FROM users WHERE email = 'c@alpha.example'"); n != 0 {
		t.Fatalf("the refused member has %d rows", n)
	}
	if err := invite(w, t, "alpha", "a@alpha.example"); err != nil {
		t.Fatalf("inviting someone already there takes no place: %v", err)
	}
	// Beta's members count for beta only.
	for _, e := range []string{"x@beta.example", "y@beta.example", "z@beta.example"} {
		if err := invite(w, t, "beta", e); err != nil {
			t.Fatal(err)
		}
	}
	w.raise(t, func(p *tenant.PlanInput) { p.Members = "3" })
	if err := invite(w, t, "alpha", "c@alpha.example"); err != nil {
		t.Fatalf("after the plan is raised: %v", err)
	}
}

func TestResumingTakesAPlace(t *testing.T) {
	w := newWorld(t)
	var ids []int64
	for _, e := range []string{"a@alpha.example", "b@alpha.example"} {
		err := w.in(t, "alpha", func(ctx context.Context, tx bun.Tx) error {
			var id int64
			err := tx.QueryRowContext(ctx, "INSERT INTO users (email) VALUES (?) RETURNING id", e).Scan(&id)
			ids = append(ids, id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	setStatus := func(id int64, s string) error {
		return w.in(t, "alpha", func(ctx context.Context, tx bun.Tx) error { return auth.SetStatus(ctx, tx, id, s) })
	}
	if err := setStatus(ids[0], auth.StatusSuspended); err != nil {
		t.Fatal(err)
	}
	if err := invite(w, t, "alpha", "c@alpha.example"); err != nil {
		t.Fatalf("a suspended member frees a place: %v", err)
	}
	if err := setStatus(ids[0], auth.StatusActive); !errors.Is(err, quota.ErrMembers) {
		t.Fatalf("resuming past the plan: %v, want the members' refusal", err)
	}
	if n := w.count(t, "alpha", "SELECT count(*) FROM users WHERE status = 'suspended'"); n != 1 {
		t.Fatalf("the refused resumption changed the member: %d suspended", n)
	}
	w.raise(t, func(p *tenant.PlanInput) { p.Members = "3" })
	if err := setStatus(ids[0], auth.StatusActive); err != nil {
		t.Fatalf("after the plan is raised: %v", err)
	}
}

// TestLastPlace: of requests sent at once for the last place, one wins.
func TestLastPlace(t *testing.T) {
	w := newWorld(t)
	if err := invite(w, t, "alpha", "a@alpha.example"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = invite(w, t, "alpha", "racer"+string(rune('a'+i))+"@alpha.example")
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, quota.ErrMembers):
			t.Fatal(err)
		}
	}
	if n := w.count(t, "alpha", "SELECT count(*) FROM users"); won != 1 || n != 2 {
		t.Fatalf("%d requests took the last place, %d members: want 1 and 2", won, n)
	}
}

func TestStorageQuota(t *testing.T) {
	w := newWorld(t)
	dir := t.TempDir()
	store := storage.Disk{Dir: dir}
	add := func(slug string, size int) error {
		return w.in(t, slug, func(ctx context.Context, tx bun.Tx) error {
			a := &attachment.Attachment{ContentType: "news", ItemID: 1, Name: "note.txt"}
			return attachment.Add(ctx, tx, store, slug, a, "text/plain", strings.NewReader(strings.Repeat("a", size)))
		})
	}
	files := func(slug string) int {
		es, _ := os.ReadDir(dir + "/" + slug)
		return len(es)
	}
	if err := add("alpha", 60); err != nil {
		t.Fatal(err)
	}
	err := add("alpha", 60)
	if fe, ok := form.FieldsOf(err); !ok || fe["file"] != "quota.error.storage" {
		t.Fatalf("a file past 100 bytes: %v, want the storage refusal on the file field", err)
	}
	if n := w.count(t, "alpha", "SELECT count(*) FROM attachments"); n != 1 || files("alpha") != 1 {
		t.Fatalf("after the refusal: %d rows, %d files on disk; want 1 and 1", n, files("alpha"))
	}
	if err := add("beta", 200); err != nil {
		t.Fatalf("beta's plan is its own: %v", err)
	}
	w.raise(t, func(p *tenant.PlanInput) { p.Storage = "1KiB" })
	if err := add("alpha", 60); err != nil {
		t.Fatalf("after the plan is raised: %v", err)
	}
	if files("alpha") != 2 {
		t.Fatalf("%d files on disk, want 2", files("alpha"))
	}
}

func TestHostsQuota(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	alpha, _ := w.reg.Get(ctx, "alpha")
	if _, err := w.reg.AddHost(ctx, alpha.ID, "uno.alpha.example"); err != nil {
		t.Fatal(err)
	}
	_, err := w.reg.AddHost(ctx, alpha.ID, "due.alpha.example")
	var ex *quota.Exceeded
	if !errors.As(err, &ex) || ex.MessageKey() != "quota.error.hosts" || !errors.Is(err, platform.ErrConflict) {
		t.Fatalf("a second host name on a plan of one: %v", err)
	}
	if got, _ := w.reg.Get(ctx, "alpha"); len(got.Hosts) != 2 {
		t.Fatalf("hosts %v after the refusal", got.Hosts)
	}
	w.raise(t, func(p *tenant.PlanInput) { p.Hosts = "2" })
	if _, err := w.reg.AddHost(ctx, alpha.ID, "due.alpha.example"); err != nil {
		t.Fatalf("after the plan is raised: %v", err)
	}
}

func TestUsage(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if err := invite(w, t, "alpha", "a@alpha.example"); err != nil {
		t.Fatal(err)
	}
	store := storage.Disk{Dir: t.TempDir()}
	err := w.in(t, "beta", func(ctx context.Context, tx bun.Tx) error {
		a := &attachment.Attachment{ContentType: "news", ItemID: 1, Name: "n.txt"}
		return attachment.Add(ctx, tx, store, "beta", a, "text/plain", strings.NewReader("twelve bytes"))
	})
	if err != nil {
		t.Fatal(err)
	}
	for slug, want := range map[string]quota.Usage{"alpha": {Members: 1}, "beta": {StorageBytes: 12}} {
		tn, _ := w.reg.Get(ctx, slug)
		u, err := w.reg.Usage(ctx, tn)
		if err != nil {
			t.Fatal(err)
		}
		if u.Usage != want || u.Hosts != 0 || u.IdPs != 0 {
			t.Fatalf("%s uses %+v, want %+v and nothing else (each tenant counts its own data)", slug, u, want)
		}
	}
	tn, _ := w.reg.Get(ctx, "alpha")
	u, _ := w.reg.Usage(ctx, tn)
	if near := u.Near(); len(near) != 0 {
		t.Fatalf("1 member of 2 is near %v", near)
	}
	_ = invite(w, t, "alpha", "b@alpha.example")
	u, _ = w.reg.Usage(ctx, tn)
	if near := u.Near(); len(near) != 1 || near[0] != "members" {
		t.Fatalf("2 members of 2: near %v, want members", near)
	}
}
