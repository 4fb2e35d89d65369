package storage_test

import (
	"context"
	"crypto/sha256"
	"io"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/platform/storage/storagetest"
)

func TestMain(m *testing.M) {
	storagetest.ServeIfChild()
	os.Exit(m.Run())
}

// bigFile is what the memory test and benchmarks move: 100 MiB.
const bigFile = 100 << 20

// memory is what the Go heap of this process did while fn ran: the bytes
// allocated and the most the live heap grew above where it started.
type memory struct{ alloc, peak uint64 }

func measure(fn func()) memory {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() { // sample the live heap while fn runs
		defer close(done)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > before.HeapAlloc {
				peak = max(peak, m.HeapAlloc-before.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(stop)
	<-done
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	return memory{alloc: after.TotalAlloc - before.TotalAlloc, peak: peak}
}

// The S3 store moves a file of 100 MiB with a few megabytes of heap: the
// upload holds one part at a time, the download none. The server runs in
// a process of its own, so what is measured is Piazza's side alone.
func TestS3StreamsInBoundedMemory(t *testing.T) {
	s := storagetest.StartProcess(t).Store(t, "memory")
	ctx := context.Background()
	var err error
	up := measure(func() { err = s.Put(ctx, "demo", "big", io.LimitReader(storagetest.Bytes(7), bigFile)) })
	if err != nil {
		t.Fatal(err)
	}
	got := sha256.New()
	var n int64
	down := measure(func() {
		var r io.ReadCloser
		if r, err = s.Open(ctx, "demo", "big"); err == nil {
			n, err = io.Copy(got, r)
			r.Close()
		}
	})
	want := sha256.New()
	io.Copy(want, io.LimitReader(storagetest.Bytes(7), bigFile))
	if err != nil || n != bigFile || string(got.Sum(nil)) != string(want.Sum(nil)) {
		t.Fatalf("downloaded %d bytes, %v; want the %d uploaded", n, err, bigFile)
	}
	t.Logf("upload of %d MiB: %.1f MiB allocated (%.3f bytes per byte), live heap grew by at most %.1f MiB",
		bigFile>>20, mib(up.alloc), float64(up.alloc)/bigFile, mib(up.peak))
	t.Logf("download of %d MiB: %.1f MiB allocated (%.3f bytes per byte), live heap grew by at most %.1f MiB",
		bigFile>>20, mib(down.alloc), float64(down.alloc)/bigFile, mib(down.peak))
	// A store that held the file would allocate at least its size.
	if up.alloc > 4*storage.PartSize || up.peak > 3*storage.PartSize {
		t.Errorf("the upload took %.1f MiB (live heap +%.1f MiB): more than a few parts", mib(up.alloc), mib(up.peak))
	}
	if down.alloc > 8<<20 || down.peak > 8<<20 {
		t.Errorf("the download took %.1f MiB (live heap +%.1f MiB): it is not streamed", mib(down.alloc), mib(down.peak))
	}
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

// BenchmarkS3Put uploads 100 MiB per operation to a server in another
// process; B/op is this process's allocation for it.
func BenchmarkS3Put(b *testing.B) {
	s := storagetest.StartProcess(b).Store(b, "bench")
	b.SetBytes(bigFile)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Put(context.Background(), "demo", "big", io.LimitReader(storagetest.Bytes(1), bigFile)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkS3Open downloads 100 MiB per operation from a server in
// another process.
func BenchmarkS3Open(b *testing.B) {
	s := storagetest.StartProcess(b).Store(b, "bench")
	if err := s.Put(context.Background(), "demo", "big", io.LimitReader(storagetest.Bytes(1), bigFile)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(bigFile)
	b.ReportAllocs()
	var once sync.Once
	for b.Loop() {
		r, err := s.Open(context.Background(), "demo", "big")
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, r)
		r.Close()
		if err != nil || n != bigFile {
			once.Do(func() { b.Fatalf("read %d bytes, %v", n, err) })
		}
	}
}
