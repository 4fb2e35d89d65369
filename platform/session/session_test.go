package session

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestTenantSessions(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	r, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := r.Create(ctx, tenant.CreateParams{Slug: "alpha", Name: "Alpha", AdminEmail: "admin@alpha.example"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Create(ctx, tenant.CreateParams{Slug: "beta", Name: "Beta", AdminEmail: "admin@beta.example"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	s := Tenant(30*time.Minute, 12*time.Hour)
	s.now = func() time.Time { return now }
	in := func(tn *tenant.Tenant, fn func(tx bun.Tx) error) error {
		return db.InTenant(ctx, d.DB, tn.Scope(), func(ctx context.Context, tx bun.Tx) error { return fn(tx) })
	}
	var token string
	err = in(a, func(tx bun.Tx) error {
		token, err = s.Create(ctx, tx, &Session{UserID: 1, ClientAddr: "127.0.0.1"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	lookup := func(tn *tenant.Tenant, tok string) (*Session, error) {
		var got *Session
		err := in(tn, func(tx bun.Tx) error {
			var err error
			got, err = s.Lookup(ctx, tx, tok)
			return err
		})
		return got, err
	}
	if sess, err := lookup(a, token); err != nil || sess.UserID != 1 {
		t.Fatalf("lookup: %+v %v", sess, err)
	}
	if _, err := lookup(b, token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("alpha's token in beta: %v", err)
	}
	if _, err := lookup(a, token[:42]+"x"); !errors.Is(err, ErrNoSession) {
		t.Fatalf("forged token: %v", err)
	}
	var stored int
	if err := d.Admin(t).QueryRow(ctx, "SELECT count(*) FROM t_alpha.sessions WHERE token_hash = $1", []byte(token)).Scan(&stored); err != nil || stored != 0 {
		t.Fatalf("the raw token is stored (%d, %v)", stored, err)
	}

	now = now.Add(29 * time.Minute) // within idle time: touched
	if _, err := lookup(a, token); err != nil {
		t.Fatal(err)
	}
	now = now.Add(29 * time.Minute) // idle timer was refreshed
	if _, err := lookup(a, token); err != nil {
		t.Fatalf("refreshed session expired: %v", err)
	}
	// Looked up lazily, a refresh commits without waiting for the disk; a
	// lookup that refreshes nothing leaves the transaction as it was.
	lazily := func() (touched time.Time, sync string) {
		t.Helper()
		if err := in(a, func(tx bun.Tx) error {
			// (the test cluster runs with synchronous_commit off)
			if _, err := tx.ExecContext(ctx, "SET LOCAL synchronous_commit = on"); err != nil {
				return err
			}
			sess, err := s.LookupLazily(ctx, tx, token)
			if err != nil {
				return err
			}
			touched = sess.LastSeenAt
			return tx.QueryRowContext(ctx, "SHOW synchronous_commit").Scan(&sync)
		}); err != nil {
			t.Fatal(err)
		}
		return touched, sync
	}
	now = now.Add(10 * time.Minute)
	if touched, sync := lazily(); !touched.Equal(now) || sync != "off" {
		t.Errorf("a lazy refresh: seen %v (want %v), synchronous_commit %s", touched, now, sync)
	}
	if _, sync := lazily(); sync != "on" {
		t.Errorf("a lazy lookup refreshing nothing set synchronous_commit %s", sync)
	}
	now = now.Add(31 * time.Minute) // idle too long
	if _, err := lookup(a, token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("idle session: %v", err)
	}

	// Absolute expiry, however active.
	now = time.Now()
	err = in(a, func(tx bun.Tx) error { token, err = s.Create(ctx, tx, &Session{UserID: 1}); return err })
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 26; i++ {
		now = now.Add(29 * time.Minute)
		_, err := lookup(a, token)
		if i < 24 && err != nil {
			t.Fatalf("active session ended after %v: %v", time.Duration(i+1)*29*time.Minute, err)
		}
		if i == 25 && !errors.Is(err, ErrNoSession) {
			t.Fatal("session outlived its absolute expiry")
		}
	}

	// Sign out everywhere ends every session of the user, and only theirs.
	now = time.Now()
	var t1, t2, other string
	err = in(a, func(tx bun.Tx) error {
		t1, _ = s.Create(ctx, tx, &Session{UserID: 1})
		t2, _ = s.Create(ctx, tx, &Session{UserID: 1})
		if _, err := tx.ExecContext(ctx, "INSERT INTO users (email) VALUES ('other@alpha.example')"); err != nil {
			return err
		}
		other, err = s.Create(ctx, tx, &Session{UserID: 2})
		if err != nil {
			return err
		}
		return s.DeleteUser(ctx, tx, 1)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{t1, t2} {
		if _, err := lookup(a, tok); !errors.Is(err, ErrNoSession) {
			t.Fatal("a session survived sign out everywhere")
		}
	}
	if _, err := lookup(a, other); err != nil {
		t.Fatalf("another user's session ended: %v", err)
	}
	if err := in(a, func(tx bun.Tx) error { return s.Delete(ctx, tx, other) }); err != nil {
		t.Fatal(err)
	}
	if _, err := lookup(a, other); !errors.Is(err, ErrNoSession) {
		t.Fatal("signed-out session still live")
	}
}
