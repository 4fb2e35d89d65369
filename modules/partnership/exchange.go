package partnership

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/exchange/share"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/workflow"
)

// Partnership profiles in the exchange between administrations (package
// exchange): imported profiles have no local author, so the tenant's EEN
// advisors (and admins) share an open profile and withdraw it; its public
// fields are copied out by the exchange's job whenever it changes (the
// outbox trigger of migration 0031), and interests from other
// administrations come back as interests without a local author, which the
// advisors follow up as any other. Each step they take is written to the
// reply outbox, whence the exchange tells the respondent in their tenant.

// ExchangeType names profiles in the exchange.
func (m *Module) ExchangeType() string { return ContentType }

// shareable says whether a profile may be shown to other administrations:
// published (not expired), its deadline (a day, Italian time) not past.
const shareable = "pa.state = 'published' AND (pa.deadline IS NULL OR pa.deadline >= " + today + ")"

// ExchangeSnapshot is profile id's public fields, when it may be shown; it
// closes at the end of its deadline's day.
func (m *Module) ExchangeSnapshot(ctx context.Context, tx bun.IDB, id int64) (share.Snapshot, bool, error) {
	var r struct {
		Title, Summary, Kind, Stage, Language string
		Themes                                []string `bun:"themes,array"`
		Countries                             []string `bun:"countries,array"`
		ClosesAt                              *time.Time
		UpdatedAt                             time.Time
	}
	err := tx.NewSelect().TableExpr("partnerships AS pa").
		Column("pa.title", "pa.summary", "pa.kind", "pa.stage", "pa.language", "pa.themes", "pa.countries", "pa.updated_at").
		ColumnExpr("((pa.deadline + 1)::timestamp AT TIME ZONE 'Europe/Rome') - interval '1 second' AS closes_at").
		Where("pa.id = ? AND "+shareable, id).Scan(ctx, &r)
	if errors.Is(err, sql.ErrNoRows) {
		return share.Snapshot{}, false, nil
	}
	if err != nil {
		return share.Snapshot{}, false, fmt.Errorf("partnership snapshot: %w", err)
	}
	return share.Snapshot{Title: r.Title, Summary: r.Summary, Kind: r.Kind, Themes: r.Themes, Countries: r.Countries,
		Stage: r.Stage, ClosesAt: r.ClosesAt, Language: r.Language, At: r.UpdatedAt}, true, nil
}

// ExchangeMayShare: the member of ctx sees profile id and is one of the
// tenant's advisors (or admins); they share it while it is open, and
// withdraw it whenever it is shared.
func (m *Module) ExchangeMayShare(ctx context.Context, tx bun.IDB, id int64) (bool, error) {
	p, err := m.Get(ctx, tx, m.ViewerOf(ctx), id)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	ok, _, err := m.mayShare(ctx, tx, p, uidOf(ctx))
	return ok, err
}

// mayShare says whether uid may share p or withdraw it, and whether it is
// shared.
func (m *Module) mayShare(ctx context.Context, tx bun.IDB, p *Profile, uid int64) (may, shared bool, err error) {
	if uid == 0 || !readerOf(ctx, uid).Advisor {
		return false, false, nil
	}
	if shared, err = share.Shared(ctx, tx, ContentType, p.ID); err != nil {
		return false, false, err
	}
	return p.Open() || shared, shared, nil
}

// exchange fills d's share form for uid when the tenant takes part in the
// exchange and uid may share p.
func (m *Module) exchange(ctx context.Context, tx bun.IDB, p *Profile, uid int64, d *Detail) error {
	if in, err := share.TakesPart(ctx, m.DB); err != nil || !in {
		return err
	}
	ok, shared, err := m.mayShare(ctx, tx, p, uid)
	if err != nil || !ok {
		return err
	}
	d.Exchange = share.FormFor(ContentType, p.ID, shared)
	return nil
}

// ExchangeReceive records e as a new interest in profile id, from a
// respondent of another administration, and tells the tenant's advisors as
// for a local one; nothing when the profile takes none or e was delivered
// already.
func (m *Module) ExchangeReceive(ctx context.Context, tx bun.IDB, id int64, e share.External) (bool, error) {
	var title string
	err := tx.NewSelect().TableExpr("partnerships AS pa").Column("pa.title").Where("pa.id = ? AND "+shareable, id).
		For("SHARE").Scan(ctx, &title)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("profile for an external interest: %w", err)
	}
	// The roles are the control plane's, read through the pool.
	advisors, err := m.advisors(ctx)
	if err != nil {
		return false, err
	}
	in := &Interest{ProfileID: id, Message: e.Offer, State: Received}
	if in.ID, err = share.Record(ctx, tx, "partnership_interests", "profile_id", "message", id, Received, e); err != nil || in.ID == 0 {
		return err == nil, err // 0: delivered before
	}
	if err := workflow.Record(ctx, tx, in.Item(), "create", "", Received, 0, ""); err != nil {
		return false, err
	}
	for _, a := range advisors {
		ev := &notify.Event{ContentType: InterestType, ItemID: in.ID, Title: title, URL: in.URL()}
		if err := notify.Tell(ctx, tx, ev, a, "partnership.notify.received"); err != nil {
			return false, err
		}
	}
	return true, nil
}

// replied writes, in the transaction of an advisor's step to state to on
// interest iid from another administration, the reply the exchange carries
// to its respondent, with the advisor's note (the exchange's schedule
// copies it within seconds).
func (m *Module) replied(ctx context.Context, tx bun.IDB, i *Interest, to, note string) error {
	if i.ExternalRef == nil {
		return nil
	}
	return share.Reply(ctx, tx, ContentType, i.ID, *i.ExternalRef, to, note)
}
