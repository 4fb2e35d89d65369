package partnership

import (
	"context"
	"io"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/tenant"
)

// Import reads an export from r and writes it into tenant t's profiles in
// one of its transactions: the whole file, or nothing when any of it is
// wrong (the error is then Problems, each with its line and profile) or
// cannot be written. read, when not nil, is told of the profiles read as
// the file is parsed; o.Progress of those written.
func Import(ctx context.Context, database *bun.DB, t *tenant.Tenant, r io.Reader, o Options, read func(n int)) (Summary, error) {
	recs, err := Parse(r, read)
	if err != nil {
		return Summary{}, err
	}
	var s Summary
	err = db.InTenant(tenant.NewContext(ctx, t), database, t.Scope(), func(ctx context.Context, tx bun.Tx) error {
		s, err = Write(ctx, tx, recs, o)
		return err
	})
	return s, err
}
