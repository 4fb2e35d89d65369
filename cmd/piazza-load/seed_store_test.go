package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/platform/storage/storagetest"
)

// With PIAZZA_STORAGE_URL naming a bucket, as the server reads it, the
// seeded documents' versions go to the bucket, each whole, and nothing to
// the data directory; a store that refuses the key stops the seed before
// it begins, without showing the secret.
func TestSeedDocumentsInS3(t *testing.T) {
	ctx := context.Background()
	srv := storagetest.StartHTTP(t)
	data := t.TempDir()
	t.Setenv("PIAZZA_DATA_DIR", data)
	t.Setenv("PIAZZA_STORAGE_URL", srv.URL("seed"))
	t.Setenv("PIAZZA_STORAGE_ACCESS_KEY", storagetest.AccessKey)
	t.Setenv("PIAZZA_STORAGE_SECRET_KEY", "seed-s3cret")
	st, err := seedStore(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	w := moduletest.New(t)
	f := figures{Users: 4, Communities: 1, Joins: 1, Documents: 12, Seed: 1}
	o := seedOptions{tenants: 1, prefix: "s3docs", password: testPassword, files: st, progress: io.Discard}
	if _, err := seedTenants(ctx, w.Reg, f, o); err != nil {
		t.Fatal(err)
	}
	tn, err := w.Reg.Get(ctx, "s3docs-0001")
	if err != nil {
		t.Fatal(err)
	}
	var versions []struct {
		Key  string `bun:"storage_key"`
		Size int64  `bun:"size"`
	}
	w.In(t, tn, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().TableExpr("attachments").Column("storage_key", "size").
			Where("content_type = 'document'").Scan(ctx, &versions)
	})
	if len(versions) == 0 {
		t.Fatal("no document version seeded")
	}
	bucket := srv.Store(t, "seed")
	for _, v := range versions {
		if n, err := bucket.Size(ctx, tn.Slug, v.Key); err != nil || n != v.Size {
			t.Fatalf("%s/%s in the bucket: %d bytes, %v; want %d", tn.Slug, v.Key, n, err, v.Size)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "files")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("files written to the data directory: %v", err)
	}

	t.Setenv("PIAZZA_STORAGE_ACCESS_KEY", "AKIAWRONG")
	_, err = seedStore(ctx, "")
	if !errors.Is(err, storage.ErrRefused) || !strings.Contains(err.Error(), "s3://piazza-test/seed") || strings.Contains(err.Error(), "seed-s3cret") {
		t.Fatalf("a refused key: %v", err)
	}
	if st, err := seedStore(ctx, filepath.Join(data, "elsewhere")); err != nil || st.(storage.Disk).Dir != filepath.Join(data, "elsewhere") {
		t.Fatalf("-files: %v, %v", st, err)
	}
}
