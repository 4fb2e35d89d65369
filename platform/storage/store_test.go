package storage_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/platform/storage/storagetest"
)

// store is what the suite needs of an implementation: Size is what
// `piazza storage migrate` uses to resume.
type store interface {
	storage.Store
	Size(ctx context.Context, tenant, key string) (int64, error)
}

// implementations are the stores every test of the suite runs against.
func implementations(t *testing.T) map[string]func(t *testing.T) store {
	srv := storagetest.Start(t)
	n := 0
	return map[string]func(t *testing.T) store{
		"disk": func(t *testing.T) store { return storage.Disk{Dir: t.TempDir()} },
		"s3": func(t *testing.T) store {
			n++ // every subtest its own prefix: a fresh, empty store
			return srv.Store(t, "piazza/"+strings.Repeat("t", n))
		},
	}
}

func TestStore(t *testing.T) {
	tests := map[string]func(t *testing.T, s store){
		"put open size delete": testRoundTrip,
		"not found":            testNotFound,
		"overwrite":            testOverwrite,
		"empty file":           testEmpty,
		"several parts":        testLarge,
		"failed upload":        testFailedUpload,
		"bad names":            testBadNames,
		"tenants apart":        testTenants,
	}
	for name, open := range implementations(t) {
		t.Run(name, func(t *testing.T) {
			for what, test := range tests {
				t.Run(what, func(t *testing.T) { test(t, open(t)) })
			}
		})
	}
}

func put(t *testing.T, s store, tenant, key, body string) {
	t.Helper()
	if err := s.Put(context.Background(), tenant, key, strings.NewReader(body)); err != nil {
		t.Fatalf("put %s/%s: %v", tenant, key, err)
	}
}

// read is a file's content, or the error opening or reading it.
func read(s store, tenant, key string) (string, error) {
	r, err := s.Open(context.Background(), tenant, key)
	if err != nil {
		return "", err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	return string(b), err
}

func want(t *testing.T, s store, tenant, key, body string) {
	t.Helper()
	got, err := read(s, tenant, key)
	if err != nil || got != body {
		t.Fatalf("%s/%s = %.40q, %v; want %.40q", tenant, key, got, err, body)
	}
	if n, err := s.Size(context.Background(), tenant, key); err != nil || n != int64(len(body)) {
		t.Fatalf("size of %s/%s = %d, %v; want %d", tenant, key, n, err, len(body))
	}
}

func wantMissing(t *testing.T, s store, tenant, key string) {
	t.Helper()
	if got, err := read(s, tenant, key); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("%s/%s = %.40q, %v; want ErrNotFound", tenant, key, got, err)
	}
	if _, err := s.Size(context.Background(), tenant, key); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("size of %s/%s: %v; want ErrNotFound", tenant, key, err)
	}
}

func testRoundTrip(t *testing.T, s store) {
	put(t, s, "demo", "att_1", "verbale della riunione")
	want(t, s, "demo", "att_1", "verbale della riunione")
	if err := s.Delete(context.Background(), "demo", "att_1"); err != nil {
		t.Fatal(err)
	}
	wantMissing(t, s, "demo", "att_1")
}

func testNotFound(t *testing.T, s store) {
	wantMissing(t, s, "demo", "never-written")
	put(t, s, "demo", "other", "x")
	wantMissing(t, s, "demo", "never-written")
	if err := s.Delete(context.Background(), "demo", "never-written"); err != nil {
		t.Fatalf("deleting a missing file: %v", err)
	}
}

func testOverwrite(t *testing.T, s store) {
	put(t, s, "demo", "doc", "the first, longer version")
	put(t, s, "demo", "doc", "second")
	want(t, s, "demo", "doc", "second")
}

func testEmpty(t *testing.T, s store) {
	put(t, s, "demo", "empty", "")
	want(t, s, "demo", "empty", "")
}

// A file longer than a part goes up in several and comes back whole.
func testLarge(t *testing.T, s store) {
	const size = 2*storage.PartSize + 12345
	if err := s.Put(context.Background(), "demo", "big", io.LimitReader(storagetest.Bytes(1), size)); err != nil {
		t.Fatal(err)
	}
	r, err := s.Open(context.Background(), "demo", "big")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, want := sha256.New(), sha256.New()
	n, err := io.Copy(got, r)
	if err != nil || n != size {
		t.Fatalf("read %d bytes, %v; want %d", n, err, size)
	}
	io.Copy(want, io.LimitReader(storagetest.Bytes(1), size))
	if !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
		t.Fatal("the file came back different")
	}
}

// failing reads n bytes of a file and then fails, as a dropped upload does.
type failing struct {
	r io.Reader
	n int64
}

func (f *failing) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("connection reset by peer")
	}
	if int64(len(p)) > f.n {
		p = p[:f.n]
	}
	n, err := f.r.Read(p)
	f.n -= int64(n)
	return n, err
}

// An upload that fails half way leaves the previous version, whole, and
// no half-written file.
func testFailedUpload(t *testing.T, s store) {
	put(t, s, "demo", "doc", "the good version")
	for _, n := range []int64{10, storage.PartSize + 10} {
		err := s.Put(context.Background(), "demo", "doc", &failing{r: storagetest.Bytes(2), n: n})
		if err == nil {
			t.Fatalf("an upload failing after %d bytes succeeded", n)
		}
		want(t, s, "demo", "doc", "the good version")
		err = s.Put(context.Background(), "demo", "new", &failing{r: storagetest.Bytes(2), n: n})
		if err == nil {
			t.Fatalf("an upload failing after %d bytes succeeded", n)
		}
		wantMissing(t, s, "demo", "new")
	}
}

// No name reaches outside its tenant: each is refused before any I/O.
func testBadNames(t *testing.T, s store) {
	ctx := context.Background()
	put(t, s, "other", "secret", "another tenant's file")
	bad := []string{"", ".", "..", "../other", "a/b", `a\b`, "Upper", "-dash", "_under", ".hidden",
		"a b", "a\x00b", "caff\u00e8", strings.Repeat("a", 64), "other/secret", "%2e%2e"}
	for _, name := range bad {
		for _, tk := range [][2]string{{name, "key"}, {"demo", name}, {"demo/../other", "secret"}, {"demo", "../other/secret"}} {
			tenant, key := tk[0], tk[1]
			if err := s.Put(ctx, tenant, key, strings.NewReader("x")); !errors.Is(err, storage.ErrBadName) {
				t.Errorf("put %q/%q: %v; want ErrBadName", tenant, key, err)
			}
			if got, err := read(s, tenant, key); !errors.Is(err, storage.ErrBadName) {
				t.Errorf("open %q/%q = %q, %v; want ErrBadName", tenant, key, got, err)
			}
			if _, err := s.Size(ctx, tenant, key); !errors.Is(err, storage.ErrBadName) {
				t.Errorf("size %q/%q: %v; want ErrBadName", tenant, key, err)
			}
			if err := s.Delete(ctx, tenant, key); !errors.Is(err, storage.ErrBadName) {
				t.Errorf("delete %q/%q: %v; want ErrBadName", tenant, key, err)
			}
		}
	}
	want(t, s, "other", "secret", "another tenant's file")
	put(t, s, strings.Repeat("a", 63), "k_"+strings.Repeat("9", 61), "longest names")
	want(t, s, strings.Repeat("a", 63), "k_"+strings.Repeat("9", 61), "longest names")
}

// One tenant's key never reads, replaces or deletes another tenant's file.
func testTenants(t *testing.T, s store) {
	ctx := context.Background()
	put(t, s, "lombardia", "att_7", "di Lombardia")
	wantMissing(t, s, "lazio", "att_7")
	put(t, s, "lazio", "att_7", "del Lazio")
	want(t, s, "lombardia", "att_7", "di Lombardia")
	want(t, s, "lazio", "att_7", "del Lazio")
	if err := s.Delete(ctx, "lazio", "att_7"); err != nil {
		t.Fatal(err)
	}
	want(t, s, "lombardia", "att_7", "di Lombardia")
	wantMissing(t, s, "lazio", "att_7")
}

// Two installations sharing a bucket under different prefixes do not see
// each other's files.
func TestS3Prefixes(t *testing.T) {
	srv := storagetest.Start(t)
	a, b, none := srv.Store(t, "regione-a"), srv.Store(t, "regione-b/piazza"), srv.Store(t, "")
	put(t, a, "demo", "att_1", "A")
	wantMissing(t, b, "demo", "att_1")
	wantMissing(t, none, "demo", "att_1")
	put(t, b, "demo", "att_1", "B")
	put(t, none, "demo", "att_1", "none")
	want(t, a, "demo", "att_1", "A")
	want(t, b, "demo", "att_1", "B")
	want(t, none, "demo", "att_1", "none")
}

// A failed upload leaves no temporary file beside the others.
func TestDiskLeavesNoTemporaryFile(t *testing.T) {
	d := storage.Disk{Dir: t.TempDir()}
	put(t, d, "demo", "ok", "x")
	_ = d.Put(context.Background(), "demo", "broken", &failing{r: storagetest.Bytes(3), n: 100})
	entries, err := os.ReadDir(filepath.Join(d.Dir, "demo"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "ok" {
		t.Fatalf("files left: %v", entries)
	}
}

// A store the configuration made unusable says why on every call.
func TestUnavailable(t *testing.T) {
	cause := errors.New("storage: S3 endpoint: bad")
	var s storage.Store = storage.Unavailable{Err: cause}
	if err := s.Put(context.Background(), "demo", "k", strings.NewReader("x")); err != cause {
		t.Fatal(err)
	}
	if _, err := s.Open(context.Background(), "demo", "k"); err != cause {
		t.Fatal(err)
	}
	if err := s.Delete(context.Background(), "demo", "k"); err != cause {
		t.Fatal(err)
	}
}

// A store reached over plain HTTP (insecure=1) keeps small and empty files
// and the tenants apart.
func TestS3PlainHTTP(t *testing.T) {
	s := storagetest.StartHTTP(t).Store(t, "piazza")
	put(t, s, "demo", "empty", "")
	want(t, s, "demo", "empty", "")
	testRoundTrip(t, s)
	testOverwrite(t, s)
	testTenants(t, s)
}

// An upload the server failed once (a 500) is sent again: a small file
// whole, a large one part by part.
func TestS3RetriesAFailedUpload(t *testing.T) {
	srv := storagetest.Start(t)
	s := srv.Store(t, "piazza")
	srv.FailNextPuts(1)
	put(t, s, "demo", "small", "sent twice")
	want(t, s, "demo", "small", "sent twice")
	srv.FailNextPuts(2)
	testLarge(t, s)
}
