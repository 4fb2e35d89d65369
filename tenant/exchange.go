package tenant

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// leaveExchange removes tenant id's snapshots from the exchange between
// administrations (modules/exchange, migrations/control/0015), in the
// transaction that suspends or deletes it: what it shared disappears from
// the other tenants' pages at once. Its membership and its own record of
// what it shares stay: once resumed, the exchange copies them anew.
func leaveExchange(ctx context.Context, tx bun.IDB, id int64) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM piazza.exchange_snapshots WHERE tenant_id = ?", id); err != nil {
		return fmt.Errorf("leave the exchange: %w", err)
	}
	return nil
}
