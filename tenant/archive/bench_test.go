package archive_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/piazza-pa/piazza/tenant/archive"
)

// BenchmarkExportImport exports a tenant of 100,000 users (plus the fixture's
// rows and files) and imports it under a new slug, per iteration, and
// reports the archive's size and the rows moved per second.
//
//	go test ./tenant/archive -run '^$' -bench ExportImport -benchtime 3x
func BenchmarkExportImport(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b)
	const users = 100_000
	f.tenantExec(f.alpha, `INSERT INTO users (email, display_name, given_name, family_name)
		SELECT 'user' || i || '@alpha.example', 'User ' || i, 'Given ' || i, 'Family ' || i FROM generate_series(1, ?) AS i`, users)
	var size int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		if _, err := (&archive.Exporter{DB: f.d.DB, Store: f.store, Version: "bench"}).Export(ctx, "alpha", &buf); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
		if _, err := f.importer().Import(ctx, &buf, archive.Target{Slug: fmt.Sprintf("copy-%d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(size), "archive-bytes")
	b.ReportMetric(float64(users)*float64(b.N)/b.Elapsed().Seconds(), "users/s")
}
