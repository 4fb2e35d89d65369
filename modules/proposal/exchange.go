package proposal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/exchange/share"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/workflow"
	"github.com/piazza-pa/piazza/tenant"
)

// Proposals in the exchange between administrations (package exchange): a
// published proposal for the whole tenant may be shared by its proposer
// (or whoever may publish it); its public fields are copied out by the
// exchange's job, and expressions of interest from other administrations
// come back as expressions without a local author, evaluated as any other.

// ExchangeType names proposals in the exchange.
func (m *Module) ExchangeType() string { return ContentType }

// shareable says whether a proposal of scope kind and state may be shown
// to other administrations: published, open, and for the whole tenant (a
// proposal for chosen communities stays theirs).
const shareable = "p.state = 'published' AND (p.closes_at IS NULL OR p.closes_at > now()) AND p.scope_kind <> '" + scope.Communities + "'"

// ExchangeSnapshot is proposal id's public fields, when it may be shown.
func (m *Module) ExchangeSnapshot(ctx context.Context, tx bun.IDB, id int64) (share.Snapshot, bool, error) {
	var r struct {
		Title, Summary, Kind, Language string
		Themes                         []string `bun:"themes,array"`
		Countries                      []string `bun:"countries,array"`
		TRL                            int
		ClosesAt                       *time.Time
		UpdatedAt                      time.Time
	}
	err := tx.NewSelect().TableExpr("proposals AS p").
		Column("p.title", "p.summary", "p.kind", "p.language", "p.themes", "p.countries", "p.trl", "p.closes_at", "p.updated_at").
		Where("p.id = ? AND "+shareable, id).Scan(ctx, &r)
	if errors.Is(err, sql.ErrNoRows) {
		return share.Snapshot{}, false, nil
	}
	if err != nil {
		return share.Snapshot{}, false, fmt.Errorf("proposal snapshot: %w", err)
	}
	return share.Snapshot{Title: r.Title, Summary: r.Summary, Kind: r.Kind, Themes: r.Themes, Countries: r.Countries,
		Stage: strconv.Itoa(r.TRL), ClosesAt: r.ClosesAt, Language: r.Language, At: r.UpdatedAt}, true, nil
}

// ExchangeMayShare: the member of ctx sees proposal id, may share it (its
// proposer, or whoever may publish it) and it may be shown.
func (m *Module) ExchangeMayShare(ctx context.Context, tx bun.IDB, id int64) (bool, error) {
	p, err := m.Get(ctx, tx, m.ViewerOf(ctx), id)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return m.mayShare(ctx, tx, p, uidOf(ctx))
}

func (m *Module) mayShare(ctx context.Context, tx bun.IDB, p *Proposal, uid int64) (bool, error) {
	if uid == 0 || !p.Open() || p.Scope.Kind == scope.Communities {
		return false, nil
	}
	if p.Author() == uid {
		return true, nil
	}
	may, err := m.GuardOf(ctx, tx, p, uid)
	return err == nil && may("publish"), err
}

// exchange fills d's share form for uid when the tenant takes part in the
// exchange and uid may share p.
func (m *Module) exchange(ctx context.Context, tx bun.IDB, p *Proposal, uid int64, d *Detail) error {
	if in, err := share.TakesPart(ctx, m.DB); err != nil || !in {
		return err
	}
	ok, err := m.mayShare(ctx, tx, p, uid)
	if err != nil || !ok {
		return err
	}
	shared, err := share.Shared(ctx, tx, ContentType, p.ID)
	if err != nil {
		return err
	}
	d.Exchange = share.FormFor(ContentType, p.ID, shared)
	return nil
}

// exchanged queues, once committed, the copy of a change to proposal id to
// the exchange (the outbox itself is written by the database in the same
// transaction, for shared proposals only).
func (m *Module) exchanged(ctx context.Context) {
	if t := tenant.FromContext(ctx); t != nil {
		content.AfterCommit(ctx, func(ctx context.Context) { share.Kick(ctx, m.jobs, t.Slug) })
	}
}

// ExchangeReceive records e as a submitted expression of interest in
// proposal id, from a respondent of another administration, and tells the
// proposer as for a local one; nothing when the proposal takes none or e
// was delivered already.
func (m *Module) ExchangeReceive(ctx context.Context, tx bun.IDB, id int64, e share.External) (bool, error) {
	var p struct {
		Title    string
		AuthorID *int64
	}
	err := tx.NewSelect().TableExpr("proposals AS p").Column("p.title", "p.author_id").Where("p.id = ? AND "+shareable, id).
		For("SHARE").Scan(ctx, &p)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("proposal for an external interest: %w", err)
	}
	in := &Interest{ProposalID: id, Offer: e.Offer, State: Submitted}
	if in.ID, err = share.Record(ctx, tx, "proposal_interests", "proposal_id", "offer", id, Submitted, e); err != nil || in.ID == 0 {
		return err == nil, err // 0: delivered before
	}
	if err := workflow.Record(ctx, tx, in.Item(), "create", "", workflow.Draft, 0, ""); err != nil {
		return false, err
	}
	if err := workflow.Record(ctx, tx, in.Item(), "submit", workflow.Draft, Submitted, 0, ""); err != nil {
		return false, err
	}
	if p.AuthorID == nil {
		return true, nil
	}
	ev := &notify.Event{ContentType: InterestType, ItemID: in.ID, Title: p.Title, URL: in.URL()}
	return true, notify.Tell(ctx, tx, ev, *p.AuthorID, "proposal.notify.received")
}

// replied writes, in the transaction of an evaluation of expression iid
// (its new state to, the proposer's note), the reply the exchange carries
// back to its respondent when it came from another administration, and
// queues the copy once committed; nothing for a member's.
func (m *Module) replied(ctx context.Context, tx bun.IDB, iid int64, to, note string) error {
	var ref *int64
	if err := tx.NewSelect().Table("proposal_interests").Column("external_ref").Where("id = ?", iid).Scan(ctx, &ref); err != nil {
		return fmt.Errorf("external interest: %w", err)
	}
	if ref == nil {
		return nil
	}
	if err := share.Reply(ctx, tx, ContentType, iid, *ref, to, note); err != nil {
		return err
	}
	m.exchanged(ctx)
	return nil
}
