package storage_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/platform/storage/storagetest"
)

// tree writes a disk store of three tenants, and the strays a disk store
// collects, and returns the files Piazza stored.
func tree(t *testing.T) (storage.Disk, map[string][]byte) {
	d := storage.Disk{Dir: t.TempDir()}
	want := map[string][]byte{}
	sizes := []int{0, 1, 1000, 70_000, 1<<20 + 1, 3 << 20}
	for i, tenant := range []string{"demo", "lazio", "lombardia"} {
		for j, size := range sizes[i:] {
			key := "att_" + string(rune('a'+j))
			b, _ := io.ReadAll(io.LimitReader(storagetest.Bytes(byte(i*10+j)), int64(size)))
			if err := d.Put(context.Background(), tenant, key, bytes.NewReader(b)); err != nil {
				t.Fatal(err)
			}
			want[tenant+"/"+key] = b
		}
	}
	for _, stray := range []string{".upload-123", "README", "demo/.upload-9", "demo/Thumbs.db", "UPPER/x", "demo/sub/att_z"} {
		p := filepath.Join(d.Dir, stray)
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("stray"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return d, want
}

// failingAfter is a destination that accepts n uploads and then fails,
// as a store that goes away in the middle of a migration does.
type failingAfter struct {
	storage.Sized
	mu sync.Mutex
	n  int
}

func (f *failingAfter) Put(ctx context.Context, tenant, key string, r io.Reader) error {
	f.mu.Lock()
	ok := f.n > 0
	f.n--
	f.mu.Unlock()
	if !ok {
		return errors.New("dial tcp 127.0.0.1:9000: connection refused")
	}
	return f.Sized.Put(ctx, tenant, key, r)
}

// brokenFile is a source whose file att_b of lazio cannot be read past
// its first bytes (a bad disk sector).
type brokenFile struct{ storage.Disk }

func (b brokenFile) Open(ctx context.Context, tenant, key string) (io.ReadCloser, error) {
	r, err := b.Disk.Open(ctx, tenant, key)
	if err != nil || tenant != "lazio" || key != "att_b" {
		return r, err
	}
	return struct {
		io.Reader
		io.Closer
	}{&failing{r: r, n: 100}, r}, nil
}

func TestCopyResumes(t *testing.T) {
	ctx := context.Background()
	src, want := tree(t)
	files, ignored, err := src.Files()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ignored)
	if len(files) != len(want) || !slices.Equal(ignored, []string{".upload-123", "README", "UPPER", "demo/.upload-9", "demo/Thumbs.db", "demo/sub"}) {
		t.Fatalf("%d files (want %d), ignored %q", len(files), len(want), ignored)
	}
	dst := storagetest.Start(t).Store(t, "piazza")
	var last [2]int
	progress := func(done, total int) { last = [2]int{done, total} }

	// The store goes away after 4 files: the copy stops and says why (an
	// upload under way when it stopped is cancelled, or counted).
	rep, err := storage.Copy(ctx, src, &failingAfter{Sized: dst, n: 4}, files, 3, progress)
	if err == nil || rep.Copied < 2 || rep.Copied > 4 || rep.Present != 0 {
		t.Fatalf("interrupted copy: %+v, %v", rep, err)
	}
	first := rep.Copied
	// Run again: what is there is skipped, the rest copied; the file that
	// cannot be read is reported and the others still go.
	rep, err = storage.Copy(ctx, brokenFile{src}, dst, files, 3, progress)
	if err != nil || rep.Present+rep.Copied != len(files)-1 || rep.Present < first || len(rep.Failed) != 1 ||
		rep.Failed[0].File.Key != "att_b" || rep.Failed[0].File.Tenant != "lazio" || last != [2]int{len(files), len(files)} {
		t.Fatalf("second run: %+v, %v, progress %v", rep, err, last)
	}
	if _, err := dst.Size(ctx, "lazio", "att_b"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("the unreadable file is at the destination: %v", err)
	}
	// Once it can be read, a third run copies it alone.
	rep, err = storage.Copy(ctx, src, dst, files, 3, progress)
	if err != nil || rep.Copied != 1 || rep.Present != len(files)-1 || len(rep.Failed) != 0 {
		t.Fatalf("third run: %+v, %v", rep, err)
	}
	for name, b := range want {
		tenant, key, _ := bytes.Cut([]byte(name), []byte("/"))
		got, err := read(dst, string(tenant), string(key))
		if err != nil || got != string(b) {
			t.Fatalf("%s: %d bytes, %v; want %d identical bytes", name, len(got), err, len(b))
		}
	}
	// A file whose size differs at the destination is copied again.
	put(t, dst, "lombardia", "att_a", "a shorter, older copy")
	rep, err = storage.Copy(ctx, src, dst, files, 1, progress)
	if err != nil || rep.Copied != 1 || rep.Bytes != int64(len(want["lombardia/att_a"])) {
		t.Fatalf("fourth run: %+v, %v", rep, err)
	}
	want2 := want["lombardia/att_a"]
	if got, err := read(dst, "lombardia", "att_a"); err != nil || got != string(want2) {
		t.Fatalf("lombardia/att_a not replaced: %v", err)
	}
}

// An interrupted run (Ctrl-C) stops and says so.
func TestCopyCancelled(t *testing.T) {
	src, _ := tree(t)
	files, _, err := src.Files()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := storage.Copy(ctx, src, storage.Disk{Dir: t.TempDir()}, files, 2, func(int, int) {})
	if !errors.Is(err, context.Canceled) || rep.Copied != 0 {
		t.Fatalf("%+v, %v", rep, err)
	}
}
