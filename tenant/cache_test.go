package tenant_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/pgnotify"
	"github.com/piazza-pa/piazza/tenant"
)

// Tables whose changes no cached view depends on (migration 0016); every
// other tenant table must notify. The open API's tokens (their last use
// is written on every call) and the exchange's shares and outboxes
// (read by its jobs and by pages that are not cached) are among them, as
// are the proposals' kept matching rankings (written when a proposer's
// page ranks its panel, read by that page only, which is not cached).
var quiet = []string{"schema_migrations", "auth_failures", "auth_tokens", "oidc_logins",
	"api_tokens", "exchange_shares", "exchange_outbox", "exchange_reply_outbox", "proposal_suggestions"}

func TestEveryTenantTableNotifiesChanges(t *testing.T) {
	r, d := newRegistry(t)
	a := mustCreate(t, r, "alpha", "Comune di Alpha")
	var rows []struct {
		Table    string `bun:"table"`
		Triggers int    `bun:"triggers"`
	}
	err := d.DB.NewRaw(`SELECT c.relname AS table, count(tg.oid) AS triggers FROM pg_class c
		LEFT JOIN pg_trigger tg ON tg.tgrelid = c.oid AND NOT tg.tgisinternal
		  AND tg.tgfoid = (SELECT p.oid FROM pg_proc p WHERE p.proname = 'piazza_notify_changed' AND p.pronamespace = c.relnamespace)
		WHERE c.relnamespace = ?::regnamespace AND c.relkind IN ('r', 'p') GROUP BY c.relname ORDER BY 1`, a.SchemaName).Scan(context.Background(), &rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 20 {
		t.Fatalf("only %d tables in %s", len(rows), a.SchemaName)
	}
	for _, r := range rows {
		if want := !slices.Contains(quiet, r.Table); (r.Triggers == 1) != want {
			t.Errorf("table %s has %d change triggers, want notify=%v: a table read by cached views must get the trigger of migration 0016", r.Table, r.Triggers, want)
		}
	}
}

// listeningCache returns a cache kept by a running listener, as a replica has.
func listeningCache(t *testing.T, url string) *tenant.Cache {
	t.Helper()
	c := tenant.NewCache(100)
	l := pgnotify.New(url, nil)
	c.Subscribe(l)
	if err := l.Start(t.Context(), 10*time.Second); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCacheDroppedOnChange(t *testing.T) {
	r, d := newRegistry(t)
	a := mustCreate(t, r, "alpha", "Comune di Alpha")
	b := mustCreate(t, r, "beta", "Comune di Beta")
	c := listeningCache(t, d.URL)
	ctxA := tenant.NewContext(context.Background(), a)
	ctxB := tenant.NewContext(context.Background(), b)
	fills := 0
	count := func(ctx context.Context) int {
		t.Helper()
		n, err := tenant.Cached(ctx, c, "users", func() (int, time.Time, error) {
			fills++
			var n int
			err := tenant.Tx(ctx, d.DB, func(ctx context.Context, tx bun.Tx) error {
				return tx.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n)
			})
			return n, time.Now().Add(time.Hour), err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	write := func(tn *tenant.Tenant, q string) {
		t.Helper()
		if err := db.InTenant(context.Background(), d.DB, tn.Scope(), func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, q)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	// waitFill waits until a change has dropped the entry (the notification
	// arrives shortly after the commit).
	waitFill := func(ctx context.Context, want int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for count(ctx) != want {
			if time.Now().After(deadline) {
				t.Fatalf("still %d after the change, want %d", count(ctx), want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}

	if count(ctxA) != 0 || count(ctxA) != 0 || fills != 1 {
		t.Fatalf("second read filled again (%d fills)", fills)
	}
	count(ctxB)
	write(a, "INSERT INTO users (email) VALUES ('anna@alpha.example')")
	waitFill(ctxA, 1)
	fills = 0
	if count(ctxB); fills != 0 {
		t.Error("a change in alpha dropped beta's entries")
	}

	t.Run("a refreshed session keeps the cache, an ended one drops it", func(t *testing.T) {
		write(a, `INSERT INTO sessions (token_hash, user_id, expires_at) SELECT sha256('x'::bytea), id, now() + interval '1 hour' FROM users`)
		count(ctxA)
		fills = 0
		write(a, `UPDATE sessions SET last_seen_at = now()`)
		time.Sleep(200 * time.Millisecond)
		if count(ctxA); fills != 0 {
			t.Error("refreshing a session's idle timer dropped the cache")
		}
		write(a, `DELETE FROM sessions`)
		deadline := time.Now().Add(5 * time.Second)
		for fills == 0 && time.Now().Before(deadline) {
			count(ctxA)
			time.Sleep(5 * time.Millisecond)
		}
		if fills == 0 {
			t.Error("ending a session did not drop the cache")
		}
	})

	t.Run("a change made while a value is computed is not cached over", func(t *testing.T) {
		ctx := tenant.NewContext(context.Background(), a)
		n, err := tenant.Cached(ctx, c, "racy", func() (int, time.Time, error) {
			c.Forget(a.SchemaName) // a notification arriving mid-computation
			return 1, time.Now().Add(time.Hour), nil
		})
		if err != nil || n != 1 {
			t.Fatal(n, err)
		}
		again, _ := tenant.Cached(ctx, c, "racy", func() (int, time.Time, error) { return 2, time.Now().Add(time.Hour), nil })
		if again != 2 {
			t.Error("a value computed across a change was kept")
		}
	})

	t.Run("a tenant of the same schema name gets nothing of its predecessor's", func(t *testing.T) {
		again := *a
		again.ID = a.ID + 1000 // purged, then provisioned anew under the same name
		ctx := tenant.NewContext(context.Background(), &again)
		_, _ = tenant.Cached(tenant.NewContext(context.Background(), a), c, "who", func() (string, time.Time, error) { return "old", time.Now().Add(time.Hour), nil })
		if v, _ := tenant.Cached(ctx, c, "who", func() (string, time.Time, error) { return "new", time.Now().Add(time.Hour), nil }); v != "new" {
			t.Error("a new tenant was served its predecessor's entry")
		}
	})

	t.Run("an entry ends at the time its filler gave", func(t *testing.T) {
		ctx := tenant.NewContext(context.Background(), a)
		fill := func(v int) func() (int, time.Time, error) {
			return func() (int, time.Time, error) { return v, time.Now().Add(50 * time.Millisecond), nil }
		}
		_, _ = tenant.Cached(ctx, c, "short", fill(1))
		time.Sleep(80 * time.Millisecond)
		if v, _ := tenant.Cached(ctx, c, "short", fill(2)); v != 2 {
			t.Error("an expired entry was served")
		}
	})
}

// A request that may have written drops its tenant's entries on its own
// replica before it answers; a reading one keeps them.
func TestCacheDroppedAfterWritingRequest(t *testing.T) {
	_, d := newRegistry(t)
	c := listeningCache(t, d.URL)
	a := &tenant.Tenant{ID: 1, SchemaName: "t_alpha"}
	app := fiber.New()
	app.Use(func(ctx *fiber.Ctx) error {
		ctx.SetUserContext(tenant.NewContext(context.Background(), a))
		return ctx.Next()
	}, c.Middleware())
	app.All("/", func(ctx *fiber.Ctx) error { return ctx.SendString("ok") })
	fill := func() {
		_, _ = tenant.Cached(tenant.NewContext(context.Background(), a), c, "k", func() (int, time.Time, error) { return 1, time.Now().Add(time.Hour), nil })
	}
	for _, method := range []string{"GET", "HEAD", "POST", "PUT", "DELETE"} {
		fill()
		if _, err := app.Test(httptest.NewRequest(method, "/", nil), -1); err != nil {
			t.Fatal(err)
		}
		if kept, want := c.Len() == 1, method == "GET" || method == "HEAD"; kept != want {
			t.Errorf("%s: entry kept %v, want %v", method, kept, want)
		}
	}
}

// Without a listener (or while it is down) nothing is cached.
func TestCacheWithoutListener(t *testing.T) {
	a := &tenant.Tenant{ID: 1, SchemaName: "t_alpha"}
	c := tenant.NewCache(10)
	ctx := tenant.NewContext(context.Background(), a)
	for want := range 3 {
		v, _ := tenant.Cached(ctx, c, "k", func() (int, time.Time, error) { return want, time.Now().Add(time.Hour), nil })
		if v != want {
			t.Fatalf("got %d, want %d: cached without a listener", v, want)
		}
	}
	if c.Len() != 0 {
		t.Errorf("%d entries held without a listener", c.Len())
	}
}
