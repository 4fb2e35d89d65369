package db

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
)

// Tenant-affine connections. PostgreSQL keeps a prepared statement's plan
// for the search_path it was planned under and plans the statement again
// when a transaction's path differs, so a connection that serves tenants
// in turn plans every prepared statement again on every page: at 100
// tenants, most of the database's time per uncached dashboard
// (docs/benchmarks.md). Each backend also loads the catalog entries of
// every tenant it serves, and keeps them.
//
// So a tenant transaction takes, when there is one, an idle connection
// whose last transaction was the same tenant's. The walls are unchanged:
// every transaction still sets its schema and role, local to itself; only
// the choice of connection changes.
//
// A pool keeps connections for tenants, one per tenant, within a budget
// shared by the main pool and its login groups' pools: three quarters of
// the main pool's size (less two, at least). First come, first kept: a
// connection ending its transaction is kept for its tenant when the tenant
// has none kept and the budget allows; otherwise it goes back to the pool. A tenant with none kept idle takes one from the pool,
// whose other quarter serves, as a plain pool does, the tenants that have
// none kept, a second transaction of a tenant at once, and the pool's
// other users (the control plane, on the main pool). Only when the pool
// has none to give at once is the least recently used kept connection lent
// to another tenant, and while a transaction waits for the pool, those
// ending give their connections back to it. A kept connection leaves
// after affineIdle without its tenant, and every connection goes back to
// the pool after affineAge, which then closes it, so that a backend does
// not gather the catalogs of every tenant it was lent to over the hours.
//
// Tried first and measured at 100 tenants on 20 connections: keeping every
// returning connection and lending the least recently used one in turn
// had every backend serve every tenant, with their catalogs and the memory
// of plans made again and again: 2.3 GB of backends against 0.7 for a plain
// pool, and no faster. Keeping several per tenant let the tenants seen
// first, in a burst, take every place: with 140 connections, 46 tenants of
// 100 held the 105 places.

// affineIdle is how long a connection kept for a tenant waits for it
// (the sweep runs every half of it). affineAge is how long a connection
// serves before it goes back to the pool, which closes it (its
// ConnMaxLifetime). lendAfter is how long a transaction waits for the
// pool, when it is full, before it borrows a kept connection.
const (
	affineIdle = time.Minute
	affineAge  = 30 * time.Minute
	lendAfter  = 100 * time.Millisecond
)

// budget is how many connections may be kept for tenants over a main pool
// and its login groups' pools: a few dozen groups must not each keep
// theirs, up to max_connections.
type budget struct {
	hold  int64
	owned atomic.Int64
}

// budgetFor is the budget of a pool of limit connections: that less
// max(2, a quarter), at most kept when kept is not negative (KeptConns),
// or nil when nothing would be kept.
func budgetFor(limit, kept int) *budget {
	hold := limit - max(2, limit/4)
	if kept >= 0 {
		hold = min(hold, kept)
	}
	if hold < 1 {
		return nil
	}
	return &budget{hold: int64(hold)}
}

func (b *budget) take() bool {
	for {
		n := b.owned.Load()
		if n >= b.hold {
			return false
		}
		if b.owned.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// affine is a pool's connections kept by tenant.
type affine struct {
	db     *bun.DB
	budget *budget

	mu     sync.Mutex
	owner  map[string]*kept // schema → its kept connection, idle or in a transaction
	all    *list.List       // the idle kept connections, most recent first
	closed bool
	stop   chan struct{}

	waiting            atomic.Int64 // transactions waiting for the pool
	same, other, fresh atomic.Int64 // where each tenant transaction's connection came from
}

// kept is a connection of the pool in a tenant transaction, or idle and
// kept for its tenant.
type kept struct {
	conn   bun.Conn
	schema string        // the tenant of its last transaction
	born   time.Time     // when it was taken from the pool
	idle   time.Time     // when its last transaction ended
	owned  bool          // kept (counted in the budget), or only taken from the pool
	reused bool          // it was idle here when its transaction took it
	inAll  *list.Element // its place in all while it is idle
}

// affines maps a pool (its *sql.DB) to its kept connections.
var affines sync.Map // *sql.DB → *affine

// keepByTenant makes p's tenant transactions affine, within b.
func keepByTenant(p *bun.DB, b *budget) *affine {
	if b == nil {
		return nil
	}
	p.DB.SetConnMaxLifetime(affineAge)
	a := &affine{db: p, budget: b, owner: map[string]*kept{}, all: list.New(), stop: make(chan struct{})}
	affines.Store(p.DB, a)
	go a.sweep()
	return a
}

func affineOf(p *bun.DB) *affine {
	v, ok := affines.Load(p.DB)
	if !ok {
		return nil
	}
	return v.(*affine)
}

// run runs fn in a transaction on a connection taken for schema.
func (a *affine) run(ctx context.Context, schema string, fn func(ctx context.Context, tx bun.Tx) error) error {
	k, err := a.take(ctx, schema)
	if err != nil {
		return err
	}
	tx, err := k.conn.BeginTx(ctx, &sql.TxOptions{})
	if err != nil && ctx.Err() == nil && k.reused && !errors.As(err, new(wallsError)) {
		// A kept connection the server has closed meanwhile (a restart,
		// an administrator's pg_terminate_backend): a new one, once.
		a.discard(k)
		if k, err = a.fromPool(ctx); err != nil {
			return err
		}
		tx, err = k.conn.BeginTx(ctx, &sql.TxOptions{})
	}
	if err != nil {
		if ctx.Err() != nil || errors.As(err, new(wallsError)) {
			a.giveBack(k) // the pool checks it
		} else {
			a.discard(k)
		}
		return err
	}
	done := false
	defer func() {
		if !done {
			_ = tx.Rollback()
		}
		a.put(k, schema)
	}()
	if err := fn(ctx, tx); err != nil {
		return err
	}
	done = true
	return tx.Commit()
}

// take returns an idle connection kept for schema, or one from the pool,
// or, when the pool has none to give at once, the kept one idle the
// longest.
func (a *affine) take(ctx context.Context, schema string) (*kept, error) {
	a.mu.Lock()
	if k := a.owner[schema]; k != nil && k.inAll != nil {
		a.unlink(k)
		a.mu.Unlock()
		a.same.Add(1)
		k.reused = true
		return k, nil
	}
	a.mu.Unlock()
	if a.poolFull() {
		if k := a.lend(); k != nil {
			return k, nil
		}
	}
	k, err := a.fromPool(ctx)
	if err == nil && !k.reused {
		a.fresh.Add(1)
	}
	return k, err
}

// lend returns the kept connection idle the longest, no longer kept, or
// nil when none is idle.
func (a *affine) lend() *kept {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.all.Len() == 0 {
		return nil
	}
	k := a.release(a.unlink(a.all.Back().Value.(*kept)))
	k.reused = true
	a.other.Add(1)
	return k
}

// fromPool takes a connection from the pool. While the pool is full it
// waits lendAfter at a time, and between waits borrows a kept connection
// if one has become idle; transactions ending meanwhile give theirs back
// to the pool rather than keep them (put), so a waiting transaction is
// served as in a plain pool.
func (a *affine) fromPool(ctx context.Context) (*kept, error) {
	for {
		if !a.poolFull() {
			// room to open one, or one idle: the pool's own wait, if
			// another took it meanwhile, ends as a transaction ends
			c, err := a.db.Conn(ctx)
			if err != nil {
				return nil, err
			}
			return &kept{conn: c, born: time.Now()}, nil
		}
		a.waiting.Add(1)
		wctx, cancel := context.WithTimeout(ctx, lendAfter)
		c, err := a.db.Conn(wctx)
		cancel()
		a.waiting.Add(-1)
		if err == nil {
			return &kept{conn: c, born: time.Now()}, nil
		}
		if ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		if k := a.lend(); k != nil {
			return k, nil
		}
	}
}

// poolFull says whether the pool has no connection to give at once.
func (a *affine) poolFull() bool {
	s := a.db.DB.Stats()
	return s.MaxOpenConnections > 0 && s.OpenConnections >= s.MaxOpenConnections && s.Idle == 0
}

// put keeps k for schema after its transaction if k was kept, or if the
// tenant has none kept and the budget allows; otherwise k goes back to the
// pool. A connection unfit to serve again (closed, still in a transaction)
// is closed; one that has served affineAge, or wanted by a transaction
// waiting for the pool, goes back to the pool.
func (a *affine) put(k *kept, schema string) {
	keep, bad := fit(k.conn)
	if bad {
		a.discard(k)
		return
	}
	now := time.Now()
	if !keep || a.waiting.Load() > 0 || now.Sub(k.born) > affineAge {
		a.giveBack(k)
		return
	}
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		a.giveBack(k)
		return
	}
	if !k.owned {
		if a.owner[schema] != nil || !a.budget.take() {
			a.mu.Unlock()
			a.giveBack(k) // for the tenants that have none kept
			return
		}
		k.owned = true
		a.owner[schema] = k
	}
	k.schema, k.idle = schema, now
	k.inAll = a.all.PushFront(k)
	a.mu.Unlock()
}

// release counts k as kept no more; a.mu is held.
func (a *affine) release(k *kept) *kept {
	if k.owned {
		k.owned = false
		a.budget.owned.Add(-1)
		delete(a.owner, k.schema)
	}
	return k
}

// unlink takes k out of the idle list; a.mu is held.
func (a *affine) unlink(k *kept) *kept {
	a.all.Remove(k.inAll)
	k.inAll = nil
	return k
}

// fit says whether c may be kept for another transaction: an open pgx
// connection in no transaction. bad: it must be closed. A connection of
// another driver is not kept (the pool checks it).
func fit(c bun.Conn) (keep, bad bool) {
	err := WithPgx(c, func(pc *pgx.Conn) error {
		if pc.IsClosed() || pc.PgConn().TxStatus() != 'I' {
			return driver.ErrBadConn // the pool closes it
		}
		return nil
	})
	switch {
	case err == nil:
		return true, false
	case errors.Is(err, driver.ErrBadConn):
		return false, true
	}
	return false, false
}

// WithPgx runs fn with the pgx connection under conn (the driver Open
// uses); ErrNotPgx for a connection of another driver.
func WithPgx(conn bun.Conn, fn func(*pgx.Conn) error) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(interface{ Conn() *pgx.Conn }) // *stdlib.Conn, or Open's conn
		if !ok {
			return fmt.Errorf("%w: %T", ErrNotPgx, dc)
		}
		return fn(c.Conn())
	})
}

// ErrNotPgx: the connection is not one of pgx.
var ErrNotPgx = errors.New("the database driver is not pgx")

// giveBack returns k to the pool.
func (a *affine) giveBack(k *kept) {
	a.mu.Lock()
	a.release(k)
	a.mu.Unlock()
	_ = k.conn.Close()
}

// discard closes k's connection for good: it is unfit.
func (a *affine) discard(k *kept) {
	a.mu.Lock()
	a.release(k)
	a.mu.Unlock()
	_ = k.conn.Raw(func(any) error { return driver.ErrBadConn }) // the pool closes it
	_ = k.conn.Close()
}

// sweep returns to the pool the connections idle for longer than
// affineIdle, until the pool closes.
func (a *affine) sweep() {
	t := time.NewTicker(affineIdle / 2)
	defer t.Stop()
	for {
		select {
		case <-a.stop:
			return
		case now := <-t.C:
			a.expire(now.Add(-affineIdle))
		}
	}
}

// expire returns to the pool the idle connections idle since before.
func (a *affine) expire(before time.Time) {
	var out []*kept
	a.mu.Lock()
	for e := a.all.Back(); e != nil; e = a.all.Back() {
		k := e.Value.(*kept)
		if !k.idle.Before(before) {
			break
		}
		out = append(out, a.release(a.unlink(k)))
	}
	a.mu.Unlock()
	for _, k := range out {
		_ = k.conn.Close()
	}
}

// shut returns every idle connection to the pool (closing, it closes
// them) and stops the sweep; connections in a transaction go back when
// it ends.
func (a *affine) shut() {
	var out []*kept
	a.mu.Lock()
	if !a.closed {
		a.closed = true
		close(a.stop)
		for e := a.all.Back(); e != nil; e = a.all.Back() {
			out = append(out, a.release(a.unlink(e.Value.(*kept))))
		}
	}
	a.mu.Unlock()
	affines.Delete(a.db.DB)
	for _, k := range out {
		_ = k.conn.Close()
	}
}

// AffineStats says, for main and its login groups' pools, how many tenant
// transactions found an idle connection of their tenant (same), took
// another tenant's (other) or a new one from the pool (fresh), and how many
// connections are kept idle now.
func AffineStats(main *bun.DB) (same, other, fresh int64, idle int) {
	add := func(a *affine) {
		same += a.same.Load()
		other += a.other.Load()
		fresh += a.fresh.Load()
		a.mu.Lock()
		idle += a.all.Len()
		a.mu.Unlock()
	}
	if a := affineOf(main); a != nil {
		add(a)
	}
	if ps := poolsOf(main); ps != nil {
		ps.mu.Lock()
		for _, p := range ps.open {
			if a := affineOf(p); a != nil {
				add(a)
			}
		}
		ps.mu.Unlock()
	}
	return same, other, fresh, idle
}
