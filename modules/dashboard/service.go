package dashboard

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/feed"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/tenant"
)

// The service: what the dashboard reads for a member, each read in one of
// the tenant's transactions; the first page of the feed and what waits for
// the member are kept per replica (tenant.Cache) until the tenant's data
// changes or an item's publication window opens or closes.

// PageSize is how many entries a page of the feed shows.
const PageSize = 20

// MaxWaiting is how far the tasks waiting for a member are counted (past
// it, pages say "99+"); InboxSize is how many the inbox lists.
const (
	MaxWaiting = 100
	InboxSize  = 200
)

// feedPage is a page of the feed, the cursor of the next one ("" for
// none), and until when it stays true if nothing is written meanwhile.
type feedPage struct {
	Entries []feed.Entry
	Next    string
	Until   time.Time
}

// tx runs fn in a transaction of the tenant of ctx.
func (m *Module) tx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return tenant.Tx(ctx, m.DB, fn)
}

// firstPage is the first page of member uid's feed, the one members open
// again and again: kept per replica.
func (m *Module) firstPage(ctx context.Context, uid int64) (feedPage, error) {
	return tenant.Cached(ctx, m.Cache, "dashboard:feed:"+strconv.FormatInt(uid, 10), func() (feedPage, time.Time, error) {
		p, err := m.readFeed(ctx, uid, feed.Cursor{})
		return p, p.Until, err
	})
}

// readFeed reads the page of uid's feed after cur.
func (m *Module) readFeed(ctx context.Context, uid int64, cur feed.Cursor) (feedPage, error) {
	p := feedPage{Until: time.Now().Add(time.Hour)}
	// The sources' statements go prepared and their plans are kept
	// (db.Generic): each plan is a walk of the newest items by an index,
	// whatever the member's memberships (the documents' one walk per
	// library), and planning the feed cost twice running it.
	err := m.tx(db.Generic(ctx), func(ctx context.Context, tx bun.Tx) error {
		ctx, err := scope.Preload(ctx, tx, uid) // one lookup of memberships for every source
		if err != nil {
			return err
		}
		var all []feed.Entry
		sources := tenant.Offered(ctx, m.Feed)
		for _, s := range sources {
			es, err := s.Feed(ctx, tx, uid, cur, PageSize+1)
			if err != nil {
				return err
			}
			all = append(all, es...)
		}
		if p.Until, err = feed.Until(ctx, tx, p.Until, sources); err != nil {
			return err
		}
		sortFeed(all)
		if len(all) > PageSize {
			all = all[:PageSize]
			last := all[PageSize-1]
			p.Next = feed.Cursor{Set: true, InEvidence: last.InEvidence, At: last.At, Kind: last.Kind, ID: last.ID}.Encode()
		}
		// A copy of the entries shown: the page is kept by the cache,
		// and the array read holds every source's entries.
		p.Entries = slices.Clone(all)
		return nil
	})
	return p, err
}

// sortFeed puts entries in feed order.
func sortFeed(es []feed.Entry) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		return feed.Cursor{Set: true, InEvidence: a.InEvidence, At: a.At, Kind: a.Kind, ID: a.ID}.After(b.InEvidence, b.At, b.Kind, b.ID)
	})
}

// readInbox reads what waits for uid's decision, oldest first, at most limit.
func (m *Module) readInbox(ctx context.Context, uid int64, limit int) ([]feed.Task, error) {
	var ts []feed.Task
	err := m.tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ctx, err := scope.Preload(ctx, tx, uid) // one lookup of memberships for every source
		if err != nil {
			return err
		}
		ts, err = m.tasks(ctx, tx, uid, limit)
		return err
	})
	return ts, err
}

// pending is what waits for uid's decision, oldest first, counted up to
// MaxWaiting: kept per replica, for the pages that show how much waits.
func (m *Module) pending(ctx context.Context, uid int64) ([]feed.Task, error) {
	if sources, ok := keptProbe(ctx, uid); ok && len(sources) == 0 {
		return nil, nil // the request's Preread found nothing that may wait
	}
	return tenant.Cached(ctx, m.Cache, "dashboard:pending:"+strconv.FormatInt(uid, 10), func() ([]feed.Task, time.Time, error) {
		ts, err := m.readInbox(ctx, uid, MaxWaiting)
		return ts, time.Now().Add(time.Hour), err
	})
}

// tasks gathers the inbox, oldest waiting first, from the sources where
// something may wait (probed).
func (m *Module) tasks(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	sources, err := m.probe(ctx, tx, uid)
	if err != nil {
		return nil, err
	}
	var all []feed.Task
	for _, s := range sources {
		ts, err := s.Inbox(ctx, tx, uid, limit)
		if err != nil {
			return nil, err
		}
		all = append(all, ts...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].At.Before(all[j].At) })
	if len(all) > limit {
		all = all[:limit]
	}
	return all, nil
}

// probe is the inbox sources where something may wait for uid: those
// without a probe, and those whose probe may hold, asked in one prepared
// statement (its text is the same for members of the same roles).
func (m *Module) probe(ctx context.Context, tx bun.IDB, uid int64) ([]InboxSource, error) {
	if sources, ok := keptProbe(ctx, uid); ok {
		return sources, nil
	}
	if readEverySource.Load() {
		return tenant.Offered(ctx, m.Inbox), nil
	}
	var out, asked []InboxSource
	var conds []string
	var args []any
	for _, s := range tenant.Offered(ctx, m.Inbox) {
		p, ok := s.(InboxProbe)
		if !ok {
			out = append(out, s)
			continue
		}
		cond, a, maybe := p.Waits(ctx, uid)
		if !maybe {
			continue
		}
		asked, conds, args = append(asked, s), append(conds, "("+cond+")"), append(args, a...)
	}
	if len(asked) == 0 {
		return out, nil
	}
	holds := make([]bool, len(asked))
	if err := db.QueryRow(ctx, tx, "SELECT ARRAY["+strings.Join(conds, ", ")+"]", args...).Scan(pgdialect.Array(&holds)); err != nil {
		return nil, fmt.Errorf("inbox probes: %w", err)
	}
	for i, s := range asked {
		if i < len(holds) && holds[i] {
			out = append(out, s)
		}
	}
	return out, nil
}

// countLabel is a number of tasks as pages show it: "99+" past 99.
func countLabel(n int) string {
	if n >= MaxWaiting {
		return strconv.Itoa(MaxWaiting-1) + "+"
	}
	return strconv.Itoa(n)
}
