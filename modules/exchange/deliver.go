package exchange

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/exchange/share"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/tenant"
)

// The mailbox: expressions of interest crossing from a respondent's tenant
// to the item's. The respondent's side writes the control plane only; the
// delivery writes the item's tenant only, inside its own transaction.

// Letter is a mailbox entry.
type Letter struct {
	bun.BaseModel `bun:"table:piazza.exchange_mailbox,alias:mb"`

	ID           int64  `bun:"id,pk,autoincrement"`
	SnapshotID   *int64 `bun:"snapshot_id"`
	ToTenantID   int64  `bun:"to_tenant_id"`
	ItemType     string `bun:"item_type"`
	ItemID       int64  `bun:"item_id"`
	ItemTitle    string `bun:"item_title"`
	FromTenantID int64  `bun:"from_tenant_id"`
	FromUserID   int64  `bun:"from_user_id"`
	FromTenant   string `bun:"from_tenant"`
	Respondent   string `bun:"respondent"`
	Organization string `bun:"organization"`
	Message      string `bun:"message"`
	State        string `bun:"state"`
}

// post writes l to the mailbox and queues its delivery once committed.
func (m *Module) post(ctx context.Context, l *Letter) error {
	_, err := m.DB.NewInsert().Model(l).
		Column("snapshot_id", "to_tenant_id", "item_type", "item_id", "item_title", "from_tenant_id", "from_user_id",
			"from_tenant", "respondent", "organization", "message").
		On("CONFLICT (to_tenant_id, item_type, item_id, from_tenant_id, from_user_id) DO NOTHING").Returning("id").Exec(ctx)
	if err != nil {
		return fmt.Errorf("exchange mailbox: %w", err)
	}
	if l.ID == 0 {
		return ErrAlready
	}
	if err := m.queue.Insert(ctx, DeliverArgs{Mailbox: l.ID}, &river.InsertOpts{MaxAttempts: 5}); err != nil {
		slog.ErrorContext(ctx, "queue exchange delivery", "mailbox", l.ID, "err", err) // the sweep delivers it
	}
	return nil
}

// sent is the mailbox entry of uid of tenant from for snapshot s (nil for none).
func sent(ctx context.Context, db bun.IDB, s *Snapshot, from, uid int64) (*Letter, error) {
	l := new(Letter)
	err := db.NewSelect().Model(l).Where("to_tenant_id = ? AND item_type = ? AND item_id = ? AND from_tenant_id = ? AND from_user_id = ?",
		s.TenantID, s.ItemType, s.ItemID, from, uid).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return l, err
}

// Deliver delivers mailbox entry id into the item's tenant, inside that
// tenant's transaction, as an expression of interest from another
// administration; it is refused when the item takes none, or when either
// tenant no longer takes part. A tenant suspended meanwhile keeps it
// waiting. Delivered twice (a crash before it is marked), it records one.
func (m *Module) Deliver(ctx context.Context, id int64) error {
	l := new(Letter)
	err := m.DB.NewSelect().Model(l).Where("id = ? AND state = 'pending'", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("exchange letter: %w", err)
	}
	var to struct {
		Slug   string `bun:"slug"`
		Active bool   `bun:"active"`
		Both   bool   `bun:"both"`
	}
	err = m.DB.NewRaw(`SELECT t.slug, t.status = 'active' AS active,
		(SELECT count(*) = 2 FROM piazza.exchange_members WHERE tenant_id IN (?, ?)) AS both
		FROM piazza.tenants AS t WHERE t.id = ?`, l.ToTenantID, l.FromTenantID, l.ToTenantID).Scan(ctx, &to)
	if err != nil {
		return fmt.Errorf("exchange letter's tenant: %w", err)
	}
	src := m.sources[l.ItemType]
	if !to.Both || src == nil {
		return m.mark(ctx, id, "refused", "")
	}
	if !to.Active {
		return nil // it waits, without counting an attempt, until the tenant is resumed
	}
	t, err := m.registry.Get(ctx, to.Slug)
	if err != nil {
		return err
	}
	ctx, announced := notify.WithOutbox(ctx)
	var ok bool
	err = m.inTenant(ctx, t, func(ctx context.Context, tx bun.Tx) error {
		ok, err = src.ExchangeReceive(ctx, tx, l.ItemID, share.External{Ref: l.ID, Name: l.Respondent,
			Organization: l.Organization, Tenant: l.FromTenant, Offer: l.Message})
		return err
	})
	if err != nil {
		_ = m.mark(ctx, id, "pending", err.Error())
		return err
	}
	notify.DispatchAll(tenant.NewContext(ctx, t), m.dispatch, t.Slug, announced())
	if !ok {
		return m.mark(ctx, id, "refused", "")
	}
	return m.mark(ctx, id, "delivered", "")
}

// mark records a delivery attempt of entry id and its outcome.
func (m *Module) mark(ctx context.Context, id int64, state, problem string) error {
	if len(problem) > 500 {
		problem = problem[:500]
	}
	_, err := m.DB.NewRaw(`UPDATE piazza.exchange_mailbox SET state = ?, attempts = attempts + 1, last_error = ?,
		delivered_at = CASE WHEN ? = 'delivered' THEN now() END WHERE id = ?`, state, strings.ToValidUTF8(problem, ""), state, id).Exec(ctx)
	return err
}
