package db

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
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
// A pool keeps connections for tenants, one per tenant and at most hold
// in all: three quarters of the pool (less two, at least). First come,
// first kept: a connection ending its transaction is kept for its tenant
// when the tenant has none kept and fewer than hold are; otherwise it goes
// back to the pool. A tenant with none kept idle takes one from the pool,
// whose other quarter serves, as a plain pool does, the tenants that have
// none kept, a second transaction of a tenant at once, and the pool's
// other users (the control plane, on the main pool). Only when the pool
// has none to give at once is the least recently used kept connection lent
// to another tenant. A kept connection leaves after affineIdle without its
// tenant, and every connection goes back to the pool to be closed after
// affineAge, so that a backend does not gather the catalogs of every
// tenant it was lent to over the hours.
//
// Tried first and measured at 100 tenants on 20 connections: keeping every
// returning connection and lending the least recently used one in turn
// had every backend serve every tenant, with their catalogs and the memory
// of plans made again and again: 2.3 GB of backends against 0.7 for a plain
// pool, and no faster. Keeping several per tenant let the tenants seen
// first, in a burst, take every place: with 140 connections, 46 tenants of
// 100 held the 105 places.

// perTenant is how many connections a tenant may have kept.
const perTenant = 1

// affineIdle is how long a connection kept for a tenant waits for it.
// affineAge is how long a connection serves before it is closed.
const (
	affineIdle = time.Minute
	affineAge  = 30 * time.Minute
)

// affine is a pool's idle connections kept by tenant.
type affine struct {
	db   *bun.DB
	hold int

	mu     sync.Mutex
	by     map[string]*list.List // schema → its idle connections, most recent first
	all    *list.List            // every idle connection, most recent first
	owned  int                   // connections kept: idle, or in a transaction of their tenant
	count  map[string]int        // schema → its connections kept
	closed bool
	stop   chan struct{}

	same, other, fresh atomic.Int64 // where each tenant transaction's connection came from
}

// kept is a connection of the pool, idle or serving a transaction.
type kept struct {
	conn   bun.Conn
	schema string    // the tenant of its last transaction
	born   time.Time // when it was taken from the pool
	idle   time.Time // when its last transaction ended
	owned  bool      // kept (counted in owned), or only taken from the pool
	inAll  *list.Element
	inBy   *list.Element
}

// affines maps a pool (its *sql.DB) to its kept connections.
var affines sync.Map // *sql.DB → *affine

// keepByTenant makes p's tenant transactions affine. p's size must be
// set; hold is that less max(2, a quarter).
func keepByTenant(p *bun.DB) *affine {
	limit := p.DB.Stats().MaxOpenConnections
	hold := limit - max(2, limit/4)
	if hold < 1 {
		return nil
	}
	a := &affine{db: p, hold: hold, by: map[string]*list.List{}, count: map[string]int{}, all: list.New(), stop: make(chan struct{})}
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
	if err != nil && !k.born.IsZero() && ctx.Err() == nil {
		// A kept connection the server has closed meanwhile (a restart,
		// an administrator's pg_terminate_backend): a new one, once.
		a.discard(k)
		if k, err = a.fresh1(ctx); err != nil {
			return err
		}
		tx, err = k.conn.BeginTx(ctx, &sql.TxOptions{})
	}
	if err != nil {
		a.discard(k)
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

// take returns an idle connection of schema's, or one from the pool while
// it has one to give at once, or the least recently used kept one.
func (a *affine) take(ctx context.Context, schema string) (*kept, error) {
	a.mu.Lock()
	if l := a.by[schema]; l != nil && l.Len() > 0 {
		k := a.unlink(l.Front().Value.(*kept))
		a.mu.Unlock()
		a.same.Add(1)
		return k, nil
	}
	if a.all.Len() > 0 && a.poolFull() {
		k := a.release(a.unlink(a.all.Back().Value.(*kept)))
		a.mu.Unlock()
		a.other.Add(1)
		return k, nil
	}
	a.mu.Unlock()
	return a.fresh1(ctx)
}

// fresh1 takes a connection from the pool.
func (a *affine) fresh1(ctx context.Context) (*kept, error) {
	c, err := a.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	a.fresh.Add(1)
	return &kept{conn: c}, nil
}

// poolFull says whether the pool has no connection to give at once.
func (a *affine) poolFull() bool {
	s := a.db.DB.Stats()
	return s.MaxOpenConnections > 0 && s.OpenConnections >= s.MaxOpenConnections && s.Idle == 0
}

// put keeps k for schema after its transaction while fewer than hold are
// kept, unless it is unfit (closed, still in a transaction) or old; a
// connection not kept goes back to the pool.
func (a *affine) put(k *kept, schema string) {
	now := time.Now()
	if k.born.IsZero() {
		k.born = now
	}
	if !usable(k.conn) {
		a.discard(k)
		return
	}
	if now.Sub(k.born) > affineAge {
		a.discard(k)
		return
	}
	k.schema, k.idle = schema, now
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		a.discard(k)
		return
	}
	if !k.owned {
		if a.owned >= a.hold || a.count[schema] >= perTenant {
			a.mu.Unlock()
			_ = k.conn.Close() // back to the pool, for the tenants that have none kept
			return
		}
		k.owned = true
		a.owned++
		a.count[schema]++
	}
	l := a.by[schema]
	if l == nil {
		l = list.New()
		a.by[schema] = l
	}
	k.inBy, k.inAll = l.PushFront(k), a.all.PushFront(k)
	a.mu.Unlock()
}

// release counts k as kept no more; a.mu is held.
func (a *affine) release(k *kept) *kept {
	if k.owned {
		k.owned = false
		a.owned--
		if a.count[k.schema]--; a.count[k.schema] == 0 {
			delete(a.count, k.schema)
		}
	}
	return k
}

// unlink takes k out of the idle lists; a.mu is held.
func (a *affine) unlink(k *kept) *kept {
	a.all.Remove(k.inAll)
	l := a.by[k.schema]
	l.Remove(k.inBy)
	if l.Len() == 0 {
		delete(a.by, k.schema)
	}
	k.inAll, k.inBy = nil, nil
	return k
}

// usable says whether c may serve another transaction: open, and not in
// one.
func usable(c bun.Conn) bool {
	err := c.Raw(func(dc any) error {
		if sc, ok := dc.(*stdlib.Conn); ok {
			pc := sc.Conn()
			if pc.IsClosed() || pc.PgConn().TxStatus() != 'I' {
				return driver.ErrBadConn
			}
		}
		return nil
	})
	return err == nil
}

// discard closes k's connection for good: it is unfit, old, or its pool
// is closing.
func (a *affine) discard(k *kept) {
	a.mu.Lock()
	a.release(k)
	a.mu.Unlock()
	_ = k.conn.Raw(func(any) error { return driver.ErrBadConn }) // the pool closes it
	_ = k.conn.Close()
}

// sweep closes connections idle for longer than affineIdle, until the pool
// closes.
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

// shut closes every idle connection and stops the sweep; connections in a
// transaction close when it ends.
func (a *affine) shut() {
	var out []*kept
	a.mu.Lock()
	if !a.closed {
		a.closed = true
		close(a.stop)
		for e := a.all.Back(); e != nil; e = a.all.Back() {
			out = append(out, a.unlink(e.Value.(*kept)))
		}
	}
	a.mu.Unlock()
	affines.Delete(a.db.DB)
	for _, k := range out {
		a.discard(k)
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
