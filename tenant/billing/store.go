package billing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Account is a paying administration's billing account.
type Account struct {
	bun.BaseModel `bun:"table:piazza.billing_accounts,alias:ba"`

	TenantID     int64      `bun:"tenant_id,pk"`
	LegalName    string     `bun:"legal_name"`
	VATNumber    string     `bun:"vat_number"`
	InvoiceEmail string     `bun:"invoice_email"`
	CustomerID   string     `bun:"customer_id,nullzero"`
	Subscription string     `bun:"subscription_id,nullzero"`
	PriceID      string     `bun:"price_id,nullzero"`
	MembersItem  string     `bun:"members_item_id,nullzero"`
	StorageItem  string     `bun:"storage_item_id,nullzero"`
	Status       string     `bun:"subscription_status"`
	EventAt      *time.Time `bun:"event_at"`
	CreatedAt    time.Time  `bun:"created_at,nullzero,default:now()"`
	UpdatedAt    time.Time  `bun:"updated_at,nullzero,default:now()"`
}

// account reads tenant id's account, errNoAccount when it has none; lock
// takes it FOR UPDATE.
func account(ctx context.Context, idb bun.IDB, id int64, lock bool) (*Account, error) {
	a := new(Account)
	q := idb.NewSelect().Model(a).Where("tenant_id = ?", id)
	if lock {
		q = q.For("UPDATE")
	}
	err := q.Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoAccount
	}
	if err != nil {
		return nil, fmt.Errorf("billing account: %w", err)
	}
	return a, nil
}

// accountByCustomer reads the account of Stripe customer id, locked.
func accountByCustomer(ctx context.Context, idb bun.IDB, id string) (*Account, error) {
	a := new(Account)
	err := idb.NewSelect().Model(a).Where("customer_id = ?", id).For("UPDATE").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoAccount
	}
	if err != nil {
		return nil, fmt.Errorf("billing account: %w", err)
	}
	return a, nil
}

// save writes a (inserted or updated).
func save(ctx context.Context, idb bun.IDB, a *Account) error {
	_, err := idb.NewInsert().Model(a).On("CONFLICT (tenant_id) DO UPDATE").
		Set("legal_name = EXCLUDED.legal_name, vat_number = EXCLUDED.vat_number, invoice_email = EXCLUDED.invoice_email").
		Set("customer_id = EXCLUDED.customer_id, subscription_id = EXCLUDED.subscription_id, price_id = EXCLUDED.price_id").
		Set("members_item_id = EXCLUDED.members_item_id, storage_item_id = EXCLUDED.storage_item_id").
		Set("subscription_status = EXCLUDED.subscription_status, event_at = EXCLUDED.event_at, updated_at = now()").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("save billing account: %w", err)
	}
	return nil
}

// firstDelivery records event id, false when it was already recorded.
func firstDelivery(ctx context.Context, idb bun.IDB, id, typ string) (bool, error) {
	res, err := idb.NewRaw("INSERT INTO piazza.billing_events (event_id, type) VALUES (?, ?) ON CONFLICT DO NOTHING", id, typ).
		Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("record event: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// claimReport records a period's usage of a metric, false when it was
// already reported.
func claimReport(ctx context.Context, idb bun.IDB, tenantID int64, period, metric string, qty int64) (bool, error) {
	res, err := idb.NewRaw(`INSERT INTO piazza.billing_usage_reports (tenant_id, period, metric, quantity)
		VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, tenantID, period, metric, qty).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("record usage: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
