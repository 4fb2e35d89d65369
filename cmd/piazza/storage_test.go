package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/platform/storage/storagetest"
)

// diskTree writes files of three tenants under dir, and a leftover
// temporary upload, and returns the files by tenant/key.
func diskTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	d := storage.Disk{Dir: dir}
	files := map[string][]byte{}
	for i, name := range []string{"demo/a1", "demo/a2", "demo/empty", "lazio/a1", "lazio/b7", "lombardia/x_1", "lombardia/x_2"} {
		b, _ := io.ReadAll(io.LimitReader(storagetest.Bytes(byte(i)), int64(i*40_000)))
		tenant, key, _ := strings.Cut(name, "/")
		if err := d.Put(context.Background(), tenant, key, bytes.NewReader(b)); err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	if err := os.WriteFile(filepath.Join(dir, "demo", ".upload-42"), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	return files
}

// `piazza storage migrate` copies a disk store to S3; stopped half way
// by the store, it resumes; in the end every file is there, identical.
func TestStorageMigrateCommand(t *testing.T) {
	data := t.TempDir()
	files := diskTree(t, filepath.Join(data, "files"))
	srv := storagetest.StartHTTP(t)
	t.Setenv("PIAZZA_DATA_DIR", data)
	t.Setenv("PIAZZA_STORAGE_URL", srv.URL("regione"))
	t.Setenv("PIAZZA_STORAGE_ACCESS_KEY", "piazza")
	t.Setenv("PIAZZA_STORAGE_SECRET_KEY", "storage-s3cret")

	srv.RefusePutsAfter(3)
	out, errOut, err := run(t, "", "storage", "migrate", "--concurrency", "1")
	if err == nil || !strings.Contains(err.Error(), "copy stopped (run `piazza storage migrate` again to resume)") ||
		!strings.Contains(out, "7 files in "+filepath.Join(data, "files")+": 3 copied") {
		t.Fatalf("interrupted run: %v\n%s", err, out)
	}
	srv.RefusePutsAfter(-1)
	out, _, err = run(t, "", "storage", "migrate")
	if err != nil || !strings.Contains(out, "7 files in "+filepath.Join(data, "files")+": 4 copied") ||
		!strings.Contains(out, "to s3://piazza-test/regione, 3 already there, 0 failed") ||
		!strings.Contains(out, "demo/.upload-42") || !strings.Contains(out, "rm -r "+filepath.Join(data, "files")) {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	if strings.Contains(out+errOut, "storage-s3cret") {
		t.Fatal("the output shows the secret key")
	}
	s3 := srv.Store(t, "regione")
	for name, want := range files {
		tenant, key, _ := strings.Cut(name, "/")
		r, err := s3.Open(context.Background(), tenant, key)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: %d bytes, %v; want %d identical", name, len(got), err, len(want))
		}
		if _, err := os.Stat(filepath.Join(data, "files", tenant, key)); err != nil {
			t.Fatalf("the disk copy of %s is gone: %v", name, err)
		}
	}
	out, _, err = run(t, "", "storage", "migrate", "--from", filepath.Join(data, "files"))
	if err != nil || !strings.Contains(out, ": 0 copied (0 B) to s3://piazza-test/regione, 7 already there") {
		t.Fatalf("third run: %v\n%s", err, out)
	}
}

func TestStorageMigrateRefuses(t *testing.T) {
	data := t.TempDir()
	t.Setenv("PIAZZA_DATA_DIR", data)
	cases := []struct {
		url  string
		args []string
		want string
	}{
		{"", nil, "PIAZZA_STORAGE_URL must name the s3:// store"},
		{"file:///srv/files", nil, "PIAZZA_STORAGE_URL must name the s3:// store"},
		{"s3://BAD", nil, "PIAZZA_STORAGE_URL: \"BAD\" is not a bucket name"},
		{"s3://piazza?endpoint=127.0.0.1:1&insecure=1", []string{"--concurrency", "0"}, "--concurrency must be between 1 and 64"},
		{"s3://piazza?endpoint=127.0.0.1:1&insecure=1", []string{"--from", filepath.Join(data, "nowhere")}, "storage: list " + filepath.Join(data, "nowhere")},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			t.Setenv("PIAZZA_STORAGE_URL", tc.url)
			_, _, err := run(t, "", append([]string{"storage", "migrate"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// fileStore follows PIAZZA_STORAGE_URL; an endpoint the client refuses
// makes a store that says so on every use.
func TestFileStore(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want string
	}{
		{"", "disk:" + filepath.Join("data", "files")},
		{"file:///srv/piazza/files", "disk:/srv/piazza/files"},
		{"s3://piazza/prod?endpoint=minio:9000&insecure=1", "s3"},
		{"s3://piazza", "s3"},
		{"s3://piazza?endpoint=bucket.s3.amazonaws.com", "error"},
	} {
		cfg, err := config.Load(func(k string) (string, bool) {
			v, ok := map[string]string{"PIAZZA_STORAGE_URL": tc.url, "PIAZZA_DATA_DIR": "data"}[k]
			return v, ok
		}, config.ModeServe)
		if err != nil {
			t.Fatal(err)
		}
		s, err := fileStore(cfg)
		got := "error"
		switch s := s.(type) {
		case storage.Disk:
			got = "disk:" + s.Dir
		case *storage.S3:
			got = "s3"
		}
		if got != tc.want {
			t.Errorf("%s: %s (%v), want %s", tc.url, got, err, tc.want)
		}
		if err != nil {
			e := &env{cfg: cfg, log: newLogger(cfg, io.Discard)}
			if err := e.files().Put(context.Background(), "demo", "k", strings.NewReader("x")); err == nil ||
				!strings.Contains(err.Error(), "PIAZZA_STORAGE_URL") {
				t.Errorf("%s: the unusable store says %v", tc.url, err)
			}
		}
	}
}

// With PIAZZA_STORAGE_URL, the files Piazza writes (here the demo's
// pictures) go to the bucket, none to the data directory.
func TestDemoFilesInS3(t *testing.T) {
	srv := storagetest.StartHTTP(t)
	t.Setenv("PIAZZA_STORAGE_URL", srv.URL("piazza"))
	t.Setenv("PIAZZA_STORAGE_ACCESS_KEY", "piazza")
	t.Setenv("PIAZZA_STORAGE_SECRET_KEY", "storage-s3cret")
	ctx, e, demo := demoEnv(t)
	var keys []string
	err := db.InTenant(ctx, e.db, demo.Scope(), func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().TableExpr("attachments").Column("storage_key").Scan(ctx, &keys)
	})
	if err != nil || len(keys) == 0 {
		t.Fatalf("%d attachments, %v", len(keys), err)
	}
	s3 := srv.Store(t, "piazza")
	for _, k := range keys {
		if n, err := s3.Size(ctx, "demo", k); err != nil || n == 0 {
			t.Fatalf("demo/%s in the bucket: %d bytes, %v", k, n, err)
		}
	}
	if _, err := s3.Size(ctx, "esempio", keys[0]); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("another tenant's prefix has the file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(e.cfg.DataDir, "files")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("files written to the data directory: %v", err)
	}
}
