package main

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/platform/storage/storagetest"
)

// `piazza serve` and `piazza dev` refuse to start on a file store they
// cannot use, saying what is wrong and never the secret, before they
// start anything.
func TestServeChecksFileStore(t *testing.T) {
	srv := storagetest.StartHTTP(t)
	plain := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(plain, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, url, key string
		want           []string
	}{
		{"no bucket", strings.Replace(srv.URL("piazza"), storagetest.Bucket, "no-such-bucket", 1), storagetest.AccessKey,
			[]string{"PIAZZA_STORAGE_URL: the file store s3://no-such-bucket/piazza at " + srv.Endpoint + " cannot be used",
				`bucket "no-such-bucket": the bucket does not exist`, "create the bucket, or correct PIAZZA_STORAGE_URL"}},
		{"wrong key", srv.URL("piazza"), "AKIAWRONG",
			[]string{"the file store s3://piazza-test/piazza at " + srv.Endpoint + " cannot be used",
				"the store refused the key (InvalidAccessKeyId", "check PIAZZA_STORAGE_ACCESS_KEY and PIAZZA_STORAGE_SECRET_KEY"}},
		{"folder is a file", "file://" + plain, "",
			[]string{"the file store file://" + plain + " cannot be used"}},
	} {
		for _, command := range []string{"serve", "dev"} {
			t.Run(tc.name+"/"+command, func(t *testing.T) {
				data := t.TempDir()
				t.Setenv("PIAZZA_DATA_DIR", data)
				t.Setenv("PIAZZA_STORAGE_URL", tc.url)
				t.Setenv("PIAZZA_STORAGE_ACCESS_KEY", tc.key)
				t.Setenv("PIAZZA_STORAGE_SECRET_KEY", map[bool]string{true: "storage-s3cret"}[tc.key != ""])
				t.Setenv("PIAZZA_ADDR", freeAddr(t)) // should the check let it start
				out, errOut, err := run(t, "", command)
				if err == nil {
					t.Fatal("started")
				}
				for _, w := range tc.want {
					if !strings.Contains(err.Error(), w) {
						t.Fatalf("%v\nwant %q", err, w)
					}
				}
				if strings.Contains(out+errOut+err.Error(), "storage-s3cret") {
					t.Fatal("the secret key is shown")
				}
				if _, err := os.Stat(filepath.Join(data, "pg")); !errors.Is(err, os.ErrNotExist) {
					t.Fatalf("PostgreSQL was started: %v", err)
				}
			})
		}
	}
}

// freeAddr is a loopback address no one listens on.
func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// fileStores are the two stores the purge tests run with, set in the
// environment as the commands read it.
func fileStores(t *testing.T) map[string]func(t *testing.T) (storage.Backend, *storagetest.Server) {
	return map[string]func(t *testing.T) (storage.Backend, *storagetest.Server){
		"disk": func(t *testing.T) (storage.Backend, *storagetest.Server) {
			dir := filepath.Join(t.TempDir(), "files")
			t.Setenv("PIAZZA_STORAGE_URL", "file://"+dir)
			return storage.Disk{Dir: dir}, nil
		},
		"s3": func(t *testing.T) (storage.Backend, *storagetest.Server) {
			srv := storagetest.StartHTTP(t)
			t.Setenv("PIAZZA_STORAGE_URL", srv.URL("regione"))
			t.Setenv("PIAZZA_STORAGE_ACCESS_KEY", storagetest.AccessKey)
			t.Setenv("PIAZZA_STORAGE_SECRET_KEY", "storage-s3cret")
			return srv.Store(t, "regione"), srv
		},
	}
}

// putFiles stores keys for tenant.
func putFiles(t *testing.T, st storage.Store, tenant string, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if err := st.Put(context.Background(), tenant, k, strings.NewReader(tenant+" "+k)); err != nil {
			t.Fatal(err)
		}
	}
}

// tenantsIn lists the store's tenant folders.
func tenantsIn(t *testing.T, st storage.Backend) []string {
	t.Helper()
	names, err := st.Tenants(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// Purging a tenant removes its files once the purge is done; another
// tenant's stay. With a store that refuses removals, the purge stands,
// says the files are left, and `piazza storage gc` removes them later.
func TestPurgeRemovesFiles(t *testing.T) {
	useDatabase(t)
	t.Setenv("PIAZZA_DATA_DIR", t.TempDir())
	for name, open := range fileStores(t) {
		t.Run(name, func(t *testing.T) {
			// each store its own tenants: the database is shared
			lazio, umbria, marche := "lazio-"+name, "umbria-"+name, "marche-"+name
			for _, s := range []string{lazio, umbria, marche} {
				if _, _, err := run(t, "", "tenant", "create", "--slug", s, "--name", s); err != nil {
					t.Fatal(err)
				}
			}
			st, srv := open(t)
			putFiles(t, st, lazio, "a1", "a2")
			putFiles(t, st, umbria, "a1", "b1")
			putFiles(t, st, marche, "a1")
			out, _, err := run(t, "", "tenant", "delete", marche, "--purge")
			if err != nil || out != "tenant "+marche+" purged: its schema, role, hosts and files are gone\n" {
				t.Fatalf("purge: %v\n%s", err, out)
			}
			if _, err := st.Open(context.Background(), marche, "a1"); !errors.Is(err, storage.ErrNotFound) {
				t.Fatalf("a purged tenant's file: %v", err)
			}
			if got := tenantsIn(t, st); !slices.Equal(got, []string{lazio, umbria}) {
				t.Fatalf("after the purge of %s the store has %v", marche, got)
			}
			for _, k := range []string{"a1", "b1"} {
				if _, err := st.Open(context.Background(), umbria, k); err != nil {
					t.Fatalf("another tenant's file: %v", err)
				}
			}
			if srv == nil {
				return
			}
			// a key that may not delete: the purge stands, the files stay until gc
			srv.RefuseDeletes(true)
			out, errOut, err := run(t, "", "tenant", "delete", umbria, "--purge")
			if err == nil || !strings.Contains(out, "tenant "+umbria+" purged, but: its files in s3://piazza-test/regione: 0 removed, then: "+
				"storage: remove regione/"+umbria+"/: 2 not removed, the first regione/"+umbria+"/a1: AccessDenied") ||
				!strings.Contains(out, "Run `piazza storage gc` to remove the files.") || !strings.Contains(errOut, "AccessDenied") {
				t.Fatalf("purge with a store refusing removals: %v\n%s\n%s", err, out, errOut)
			}
			if strings.Contains(out+errOut, "storage-s3cret") {
				t.Fatal("the secret key is shown")
			}
			if list, _, _ := run(t, "", "tenant", "list"); strings.Contains(list, umbria) {
				t.Fatalf("the purge did not stand:\n%s", list)
			}
			if got := tenantsIn(t, st); !slices.Contains(got, umbria) {
				t.Fatalf("the files went anyway: %v", got)
			}
			out, _, err = run(t, "", "storage", "gc")
			if err == nil || !strings.Contains(out, umbria+": 0 files removed, then:") || !strings.Contains(out, "run `piazza storage gc` again") {
				t.Fatalf("gc with a store refusing removals: %v\n%s", err, out)
			}
			srv.RefuseDeletes(false)
			putFiles(t, st, "not_a_slug", "k1") // no tenant can have this name
			out, _, err = run(t, "", "storage", "gc", "--dry-run")
			if err != nil || !strings.Contains(out, umbria+": no such tenant, would be removed") ||
				!slices.Contains(tenantsIn(t, st), umbria) {
				t.Fatalf("gc --dry-run: %v\n%s", err, out)
			}
			out, _, err = run(t, "", "storage", "gc")
			if err != nil || !strings.Contains(out, umbria+": no such tenant, 2 files removed") ||
				!strings.Contains(out, "not_a_slug: not a tenant's name, left alone") ||
				!strings.Contains(out, "s3://piazza-test/regione: 3 tenant folders, 1 of tenants, 1 removed (2 files)") {
				t.Fatalf("gc: %v\n%s", err, out)
			}
			if got := tenantsIn(t, st); !slices.Equal(got, []string{lazio, "not_a_slug"}) {
				t.Fatalf("after gc the store has %v, want %s (a tenant) and not_a_slug", got, lazio)
			}
		})
	}
}
