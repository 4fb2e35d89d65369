// Package share is what a content module needs to offer its items to the
// exchange between administrations (package exchange): the public snapshot
// of an item, an expression of interest arriving from another tenant, the
// interface a module implements for the exchange to find it, and the
// tenant's record of what it shared with its outbox. It reads no schema but
// the one of the transaction it is given, except OptedIn and TakesPart,
// which read the control plane outside any tenant transaction.
package share

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/jobs"
	"github.com/piazza-pa/piazza/tenant"
)

// Snapshot is what leaves a tenant of a shared item: only the fields meant
// for the public.
type Snapshot struct {
	Title, Summary, Kind string
	Themes, Countries    []string
	// Stage is a proposal's TRL, a partnership profile's stage.
	Stage string
	// ClosesAt is the closing date or deadline (nil for none).
	ClosesAt *time.Time
	Language string
	// At is when the item last changed.
	At time.Time
}

// External is an expression of interest from a member of another tenant,
// as the exchange delivers it: Ref names its mailbox entry (a second
// delivery of the same Ref records nothing).
type External struct {
	Ref                               int64
	Name, Organization, Tenant, Offer string
}

// Record inserts e as a new interest in item id of a module's interests
// table (its item column, and the column the offer goes in) in state,
// with no local author: its id, or 0 when e was delivered before (its Ref
// is unique there).
func Record(ctx context.Context, tx bun.IDB, table, itemColumn, offerColumn string, id int64, state string, e External) (int64, error) {
	var in int64
	err := tx.NewRaw(`INSERT INTO ? (?, ?, state, external_name, external_organization, external_tenant, external_ref)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (external_ref) DO NOTHING RETURNING id`,
		bun.Ident(table), bun.Ident(itemColumn), bun.Ident(offerColumn), id, e.Offer, state, e.Name, e.Organization, e.Tenant, e.Ref).Scan(ctx, &in)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("external interest: %w", err)
	}
	return in, nil
}

// Source is a module whose items can be shared to the exchange (found on
// the module list). Every method runs in the item's tenant transaction tx.
type Source interface {
	// ExchangeType names its items in the exchange ("proposal").
	ExchangeType() string
	// ExchangeSnapshot is item id's snapshot; ok is false when the item
	// is gone or no longer to be shown (not published, closed, archived).
	ExchangeSnapshot(ctx context.Context, tx bun.IDB, id int64) (s Snapshot, ok bool, err error)
	// ExchangeMayShare says whether the member of ctx may share item id
	// or withdraw it (its author, or who may publish it).
	ExchangeMayShare(ctx context.Context, tx bun.IDB, id int64) (bool, error)
	// ExchangeReceive records e as an expression of interest in item id,
	// told to its proposer as a local one; ok is false when the item
	// takes none (closed, gone).
	ExchangeReceive(ctx context.Context, tx bun.IDB, id int64, e External) (ok bool, err error)
	// URL is item id's page.
	URL(id int64) string
}

// Shared says whether item id of type typ is shared to the exchange.
func Shared(ctx context.Context, tx bun.IDB, typ string, id int64) (bool, error) {
	ok, err := tx.NewSelect().Conn(db.Prepared(tx, typ, id)).Table("exchange_shares").Where("item_type = $1 AND item_id = $2").Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("exchange share: %w", err)
	}
	return ok, nil
}

// Set shares item id of type typ (on) or withdraws it, by uid, and writes
// the outbox in the same transaction.
func Set(ctx context.Context, tx bun.IDB, typ string, id, uid int64, on bool) error {
	var err error
	if on {
		_, err = tx.NewRaw(`INSERT INTO exchange_shares (item_type, item_id, shared_by) VALUES (?, ?, ?)
			ON CONFLICT (item_type, item_id) DO NOTHING`, typ, id, uid).Exec(ctx)
	} else {
		_, err = tx.NewRaw("DELETE FROM exchange_shares WHERE item_type = ? AND item_id = ?", typ, id).Exec(ctx)
	}
	if err == nil {
		err = Changed(ctx, tx, typ, id)
	}
	if err != nil {
		return fmt.Errorf("exchange share: %w", err)
	}
	return nil
}

// Changed writes the outbox for item id of type typ.
func Changed(ctx context.Context, tx bun.IDB, typ string, id int64) error {
	_, err := tx.NewRaw("INSERT INTO exchange_outbox (item_type, item_id) VALUES (?, ?)", typ, id).Exec(ctx)
	return err
}

// All writes the outbox for every item the tenant shares (after it opts in
// again, or is resumed).
func All(ctx context.Context, tx bun.IDB) error {
	_, err := tx.NewRaw("INSERT INTO exchange_outbox (item_type, item_id) SELECT item_type, item_id FROM exchange_shares").Exec(ctx)
	return err
}

// Reply writes, in the transaction of a step an item's people take on
// interest id of type typ that came from another administration through
// mailbox entry ref (its new state and their note, at most 1,000
// characters), the reply the exchange carries back to its respondent.
func Reply(ctx context.Context, tx bun.IDB, typ string, id, ref int64, state, note string) error {
	if r := []rune(note); len(r) > 1000 {
		note = string(r[:1000])
	}
	_, err := tx.NewRaw("INSERT INTO exchange_reply_outbox (item_type, interest_id, ref, state, note) VALUES (?, ?, ?, ?, ?)",
		typ, id, ref, state, note).Exec(ctx)
	if err != nil {
		return fmt.Errorf("exchange reply: %w", err)
	}
	return nil
}

// OptedIn says whether tenant id takes part in the exchange. It reads the
// control plane: never call it with a tenant transaction, only the pool.
func OptedIn(ctx context.Context, pool bun.IDB, id int64) (bool, error) {
	ok, err := pool.NewSelect().Table("piazza.exchange_members").Where("tenant_id = ?", id).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("exchange membership: %w", err)
	}
	return ok, nil
}

// TakesPart is OptedIn for the tenant of ctx (false without one), as this
// replica read it at most TakingPartFor ago: for what pages only show (the
// menu's link, an item's share form), never for what the exchange lets
// through, which reads OptedIn.
func TakesPart(ctx context.Context, pool bun.IDB) (bool, error) {
	t := tenant.FromContext(ctx)
	if t == nil {
		return false, nil
	}
	if e, ok := takingPart.Load(t.RoleName); ok && time.Now().Before(e.(readPart).until) {
		return e.(readPart).in, nil
	}
	in, err := OptedIn(ctx, pool, t.ID)
	if err != nil {
		return false, err
	}
	takingPart.Store(t.RoleName, readPart{in: in, until: time.Now().Add(TakingPartFor)})
	return in, nil
}

// Forget drops what this replica read of whether t takes part (it has just
// opted in or out here).
func Forget(t *tenant.Tenant) { takingPart.Delete(t.RoleName) }

// TakingPartFor is how long a replica takes a tenant's taking part as read
// (TakesPart): the menu and an item's page ask on every request. The
// replica where an admin opts in or out forgets it at once, the others
// within this time.
const TakingPartFor = 10 * time.Second

// takingPart keeps what TakesPart read (a readPart) by tenant role, unique
// in the cluster.
var takingPart sync.Map

type readPart struct {
	in    bool
	until time.Time
}

// SyncArgs is the job that copies tenant Tenant's outbox to the exchange.
type SyncArgs struct {
	Tenant string `json:"tenant"`
}

// Kind names the job.
func (SyncArgs) Kind() string { return "exchange_sync" }

// Kick queues the copy of tenant slug's outbox (safe to lose: a schedule
// catches up).
func Kick(ctx context.Context, q *jobs.Queue, slug string) {
	if err := q.Insert(ctx, SyncArgs{Tenant: slug}, &river.InsertOpts{MaxAttempts: 5}); err != nil {
		slog.ErrorContext(ctx, "queue exchange sync", "tenant", slug, "err", err)
	}
}

// Form is the share form on an item's page: Shared, the item is in the
// exchange now; Action, where the form posts.
type Form struct {
	Shared bool
	Action string
}

// FormFor is the share form of item (typ, id), shared or not, for a
// member who may share it; the caller has seen that the tenant of ctx takes
// part (TakesPart).
func FormFor(typ string, id int64, shared bool) *Form {
	return &Form{Shared: shared, Action: "/exchange/share/" + typ + "/" + strconv.FormatInt(id, 10)}
}
