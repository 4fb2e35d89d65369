package auth

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/site"
)

// RegistrationOpen says whether people may register on the site of ctx
// (local accounts are on), for the guest home's invitation to register;
// kept per replica until the tenant's data changes.
func (m *Module) RegistrationOpen(ctx context.Context) (bool, error) {
	return site.Cached(ctx, m.Cache, "auth:registration", func() (bool, time.Time, error) {
		var on bool
		err := site.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error {
			var err error
			on, err = localEnabled(ctx, tx)
			return err
		})
		return on, time.Now().Add(time.Hour), err
	})
}
