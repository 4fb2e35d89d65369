package authz_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/pgnotify"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

type fixture struct {
	d    *dbtest.DB
	a, b *tenant.Tenant
}

func setup(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	d := dbtest.New(t)
	r, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{
		BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test",
		OnProvision: []tenant.Hook{func(ctx context.Context, tx bun.Tx, t *tenant.Tenant) error {
			return authz.SeedTenant(ctx, tx, t.Domain())
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{d: d}
	for _, p := range []struct {
		slug string
		dst  **tenant.Tenant
	}{{"alpha", &f.a}, {"beta", &f.b}} {
		if *p.dst, err = r.Create(ctx, tenant.CreateParams{Slug: p.slug, Name: p.slug}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// listening returns an Authorizer caching under a running listener, as a replica has.
func listening(t *testing.T, d *dbtest.DB) *authz.Authorizer {
	t.Helper()
	a, err := authz.New(d.DB, 100)
	if err != nil {
		t.Fatal(err)
	}
	l := pgnotify.New(d.URL, nil)
	a.Subscribe(l)
	if err := l.Start(t.Context(), 10*time.Second); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestDecide(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	az := listening(t, f.d)
	A, B := f.a.Domain(), f.b.Domain()
	if err := authz.Assign(ctx, f.d.DB, "user:1", authz.RoleAdmin, A); err != nil {
		t.Fatal(err)
	}
	if err := authz.Assign(ctx, f.d.DB, "operator:7", authz.RoleOperator, authz.AllDomains); err != nil {
		t.Fatal(err)
	}
	adminOfA := authz.Principal{Subject: "user:1", Member: true}
	memberOfA := authz.Principal{Subject: "user:2", Member: true}
	operator := authz.Principal{Subject: "operator:7"}
	guest := authz.Principal{}
	cases := []struct {
		name     string
		p        authz.Principal
		domain   string
		obj, act string
		want     bool
	}{
		{"admin of A manages A's settings", adminOfA, A, "admin/settings", "update", true},
		{"admin of A manages A's members", adminOfA, A, "members/42", "suspend", true},
		{"admin of A reads content", adminOfA, A, "content/news", "read", true},
		{"admin of A refused B's settings", adminOfA, B, "admin/settings", "update", false},
		{"admin of A refused B's members", adminOfA, B, "members/42", "suspend", false},
		{"admin of A refused B's idps", adminOfA, B, "admin/idps", "create", false},
		{"user 1 signed in to B is only a member there", authz.Principal{Subject: "user:1", Member: true}, B, "admin/settings", "read", false},
		{"member of A refused A's settings", memberOfA, A, "admin/settings", "update", false},
		{"member of A refused validation", memberOfA, A, "content/news", "validate", false},
		{"member of A creates content", memberOfA, A, "content/news", "create", true},
		{"operator acts on A", operator, A, "admin/settings", "update", true},
		{"operator acts on B", operator, B, "members/1", "delete", true},
		{"guest reads public content", guest, A, "content/public", "read", true},
		{"guest refused member content", guest, A, "content/news", "read", false},
		{"guest refused admin", guest, B, "admin/settings", "read", false},
	}
	for _, tc := range cases {
		got, err := az.Decide(tc.p, tc.domain, tc.obj, tc.act)
		if err != nil || got != tc.want {
			t.Errorf("%s: got %v (%v), want %v", tc.name, got, err, tc.want)
		}
	}
	// The same through the context helper modules use.
	ctxA := authz.NewContext(ctx, az, adminOfA, A)
	ctxB := authz.NewContext(ctx, az, adminOfA, B)
	if !authz.Can(ctxA, "admin/settings", "update") || authz.Can(ctxB, "admin/settings", "update") {
		t.Error("Can disagrees with Decide")
	}
	if authz.Can(ctx, "content/public", "read") {
		t.Error("Can without an authorizer in the context allowed something")
	}
}

// A role change reaches every replica without a restart.
func TestRoleChangePropagates(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	A := f.a.Domain()
	replicas := []*authz.Authorizer{listening(t, f.d), listening(t, f.d)}
	p := authz.Principal{Subject: "user:5", Member: true}
	for _, az := range replicas {
		if ok, _ := az.Decide(p, A, "content/x", "validate"); ok {
			t.Fatal("a member validates before being made validator")
		}
	}
	if err := authz.Assign(ctx, f.d.DB, "user:5", authz.RoleValidator, A); err != nil {
		t.Fatal(err)
	}
	dbtest.WaitFor(t, "validator role on every replica", func() bool {
		for _, az := range replicas {
			if ok, _ := az.Decide(p, A, "content/x", "validate"); !ok {
				return false
			}
		}
		return true
	})
	if err := authz.Unassign(ctx, f.d.DB, "user:5", authz.RoleValidator, A); err != nil {
		t.Fatal(err)
	}
	dbtest.WaitFor(t, "validator role gone on every replica", func() bool {
		for _, az := range replicas {
			if ok, _ := az.Decide(p, A, "content/x", "validate"); ok {
				return false
			}
		}
		return true
	})
}

func TestCacheBounded(t *testing.T) {
	f := setup(t)
	az, err := authz.New(f.d.DB, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Without a listener nothing is cached, and every change is seen at once.
	if _, err := az.Decide(authz.Principal{}, f.a.Domain(), "content/public", "read"); err != nil {
		t.Fatal(err)
	}
	if az.Cached() != 0 {
		t.Fatalf("cached %d policies without a listener", az.Cached())
	}
	bounded, err := authz.New(f.d.DB, 2)
	if err != nil {
		t.Fatal(err)
	}
	l := pgnotify.New(f.d.URL, nil)
	bounded.Subscribe(l)
	if err := l.Start(t.Context(), 10*time.Second); err != nil {
		t.Fatal(err)
	}
	for _, dom := range []string{f.a.Domain(), f.b.Domain(), "999", f.a.Domain()} {
		if _, err := bounded.Decide(authz.Principal{}, dom, "content/public", "read"); err != nil {
			t.Fatal(err)
		}
	}
	if bounded.Cached() != 2 {
		t.Fatalf("cached %d policies, bound is 2", bounded.Cached())
	}
}

func TestRequire(t *testing.T) {
	f := setup(t)
	az, err := authz.New(f.d.DB, 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := authz.Assign(context.Background(), f.d.DB, "user:1", authz.RoleAdmin, f.a.Domain()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		p      authz.Principal
		domain string
		want   int
	}{
		{authz.Principal{Subject: "user:1", Member: true}, f.a.Domain(), 200},
		{authz.Principal{Subject: "user:1", Member: true}, f.b.Domain(), 403},
		{authz.Principal{Subject: "user:2", Member: true}, f.a.Domain(), 403},
		{authz.Principal{}, f.a.Domain(), 403},
	} {
		app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
			if errors.Is(err, platform.ErrForbidden) {
				return c.SendStatus(403)
			}
			return c.SendStatus(500)
		}})
		app.Use(func(c *fiber.Ctx) error {
			c.SetUserContext(authz.NewContext(c.UserContext(), az, tc.p, tc.domain))
			return c.Next()
		})
		app.Get("/admin/settings", authz.Require("admin/settings", "update"), func(c *fiber.Ctx) error { return c.SendString("ok") })
		res, err := app.Test(httptest.NewRequest("GET", "/admin/settings", nil), -1)
		if err != nil || res.StatusCode != tc.want {
			t.Errorf("%+v in %s: %v %v, want %d", tc.p, tc.domain, res.StatusCode, err, tc.want)
		}
	}
}
