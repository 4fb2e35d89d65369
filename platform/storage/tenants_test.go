package storage_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/platform/storage/storagetest"
)

// Removing a tenant's files leaves nothing under its folder or prefix and
// every other tenant's files as they were, in both stores.
func TestRemoveTenant(t *testing.T) {
	ctx := context.Background()
	for name, open := range implementations(t) {
		t.Run(name, func(t *testing.T) {
			st := open(t)
			s := st.(storage.Backend)
			if got, err := s.Tenants(ctx); err != nil || len(got) != 0 {
				t.Fatalf("an empty store lists %v, %v", got, err)
			}
			for _, k := range []string{"a1", "a2", "a3"} {
				put(t, st, "lazio", k, "lazio "+k)
				put(t, st, "lazio-due", k, "lazio-due "+k) // shares the first letters
			}
			put(t, st, "umbria", "a1", "umbria a1")
			if got, err := s.Tenants(ctx); err != nil || !slices.Equal(got, []string{"lazio", "lazio-due", "umbria"}) {
				t.Fatalf("tenants %v, %v", got, err)
			}
			n, err := s.RemoveTenant(ctx, "lazio")
			if err != nil || n != 3 {
				t.Fatalf("removed %d, %v; want 3", n, err)
			}
			for _, k := range []string{"a1", "a2", "a3"} {
				if _, err := read(st, "lazio", k); !errors.Is(err, storage.ErrNotFound) {
					t.Fatalf("lazio/%s after removal: %v", k, err)
				}
				want(t, st, "lazio-due", k, "lazio-due "+k)
			}
			want(t, st, "umbria", "a1", "umbria a1")
			if got, err := s.Tenants(ctx); err != nil || !slices.Equal(got, []string{"lazio-due", "umbria"}) {
				t.Fatalf("tenants after removal %v, %v", got, err)
			}
			if n, err := s.RemoveTenant(ctx, "lazio"); err != nil || n != 0 {
				t.Fatalf("second removal: %d, %v", n, err)
			}
			for _, bad := range []string{"", "..", "../umbria", "lazio/a1", "Umbria"} {
				if _, err := s.RemoveTenant(ctx, bad); !errors.Is(err, storage.ErrBadName) {
					t.Fatalf("RemoveTenant(%q): %v", bad, err)
				}
			}
			want(t, st, "umbria", "a1", "umbria a1")
		})
	}
}

// The S3 store's listing goes past a page (a thousand names) and its
// removal past a request (a thousand objects).
func TestRemoveTenantManyObjects(t *testing.T) {
	ctx := context.Background()
	s := storagetest.StartHTTP(t).Store(t, "many")
	for i := range 1003 {
		if err := s.Put(ctx, "lazio", fmt.Sprintf("k%04d", i), strings.NewReader("x")); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put(ctx, "umbria", "k1", strings.NewReader("y")); err != nil {
		t.Fatal(err)
	}
	if n, err := s.RemoveTenant(ctx, "lazio"); err != nil || n != 1003 {
		t.Fatalf("removed %d, %v; want 1003", n, err)
	}
	if got, err := s.Tenants(ctx); err != nil || !slices.Equal(got, []string{"umbria"}) {
		t.Fatalf("tenants %v, %v", got, err)
	}
}

// Check tells a usable store from a missing bucket, a refused key and a
// folder that cannot be written, and names no secret.
func TestCheck(t *testing.T) {
	ctx := context.Background()
	srv := storagetest.Start(t)
	good := srv.Options("piazza")
	noBucket := good
	noBucket.Bucket = "no-such-bucket"
	wrongKey := good
	wrongKey.AccessKey, wrongKey.SecretKey = "AKIAWRONG", "wrong-s3cret"
	noRegion := noBucket
	noRegion.Region = "" // the client first asks the bucket's region
	for name, tc := range map[string]struct {
		o    storage.S3Options
		want error
	}{
		"good":                    {good, nil},
		"no bucket":               {noBucket, storage.ErrNoBucket},
		"no bucket, region asked": {noRegion, storage.ErrNoBucket},
		"wrong key":               {wrongKey, storage.ErrRefused},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := storage.NewS3(tc.o)
			if err != nil {
				t.Fatal(err)
			}
			err = s.Check(ctx)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Check: %v, want %v", err, tc.want)
			}
			if err != nil && (strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), tc.o.Bucket)) {
				t.Fatalf("the error shows a secret or names no bucket: %v", err)
			}
		})
	}
	t.Run("disk", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "files")
		if err := (storage.Disk{Dir: dir}).Check(ctx); err != nil {
			t.Fatal(err)
		}
		if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
			t.Fatalf("the check left %v, %v", entries, err)
		}
		file := filepath.Join(dir, "plain")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := (storage.Disk{Dir: file}).Check(ctx); err == nil {
			t.Fatal("a file taken for the folder passes the check")
		}
	})
}
