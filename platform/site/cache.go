package site

import (
	"container/list"
	"context"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/pgnotify"
)

// DataChannel is the notification channel of changes to a tenant's data
// (payload: the tenant's schema). A statement trigger on the tenant tables
// sends it in the writing transaction (tenant migration 0016), so PostgreSQL
// delivers it to every replica once the change is committed, whichever code
// path, job or console made it.
const DataChannel = "piazza_tenant_data"

// dataTTL bounds how long an entry is trusted even while notifications flow
// (PostgreSQL does not drop them: a lost connection empties the cache, a
// full queue fails the writing transaction); each entry gets between half
// of it and all of it, at random, so that entries filled together (after a
// restart) are not all computed again at once.
const dataTTL = 30 * time.Minute

// Cache keeps, per replica, what reading requests compute in a tenant's
// transaction and ask again and again (a session's member, a dashboard
// page, a member's view of a community), keyed by the tenant's schema and a
// key of the caller's. A tenant's entries are dropped whenever its data
// changes (DataChannel), when a request that may write (any method but GET
// and HEAD) ends on this replica, and after dataTTL or the time the caller
// gives; while the listener is down nothing is cached or trusted. When
// full (entries or estimated bytes), the least recently used entries
// leave first, whichever tenant they belong to. Values are
// shared between requests: never modify one.
type Cache struct {
	mu        sync.Mutex
	listening func() bool
	gens      map[string]uint64 // bumped at every change of the schema
	entries   map[string]map[string]*cacheEntry
	// used orders every entry held, the most recently used first: the
	// last leave first when the cache is full.
	used    list.List
	schemas map[int64]string // tenant id → schema, of the tenants with entries
	n, max  int
	// bytes is the estimated size of the entries held, maxBytes its bound
	// (0: entries only).
	bytes, maxBytes int
	now             func() time.Time
	// what Stats reports: lookups that found a live entry or not, and
	// entries dropped to make room
	hits, misses, evictions atomic.Uint64
}

// CacheStats is what a cache did since it started, and what it holds.
type CacheStats struct {
	Hits, Misses, Evictions uint64
	Entries, Bytes          int
}

// Stats tells what the cache did and holds.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Evictions: c.evictions.Load(), Entries: c.n, Bytes: c.bytes}
}

type cacheEntry struct {
	v      any
	until  time.Time
	tenant int64 // a purged tenant's schema name may come back with another
	size   int
	schema string
	key    string
	at     *list.Element // in Cache.used
}

// Sized is a cached value that tells its size in bytes (roughly: what it
// holds besides its fixed fields); a value that does not is measured by
// estimate when it is kept.
type Sized interface{ Size() int }

// entryOverhead is what an entry costs besides its value (the maps' slots,
// the key's header, the entry itself).
const entryOverhead = 160

// sizeOf estimates the bytes an entry of key holding v keeps alive.
func sizeOf(key string, v any) int {
	n := entryOverhead + len(key)
	switch v := v.(type) {
	case []byte:
		return n + len(v)
	case string:
		return n + len(v)
	case Sized:
		return n + v.Size()
	}
	return n + estimate(v)
}

// LimitBytes bounds the estimated bytes of the entries held (0: no bound
// but the number of entries); set it before the cache is used.
func (c *Cache) LimitBytes(n int) {
	c.mu.Lock()
	c.maxBytes = n
	c.mu.Unlock()
}

// Bytes is the estimated size of the entries held.
func (c *Cache) Bytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

// drop removes schema's entries (c.mu held).
func (c *Cache) drop(schema string) {
	for _, e := range c.entries[schema] {
		c.bytes -= e.size
		c.used.Remove(e.at)
	}
	c.n -= len(c.entries[schema])
	delete(c.entries, schema)
}

// remove removes one entry (c.mu held).
func (c *Cache) remove(e *cacheEntry) {
	c.bytes -= e.size
	c.n--
	c.used.Remove(e.at)
	es := c.entries[e.schema]
	delete(es, e.key)
	if len(es) == 0 {
		delete(c.entries, e.schema)
	}
}

// full tells whether an entry of size more exceeds a bound (c.mu held).
func (c *Cache) full(size int) bool {
	return c.n >= c.max || (c.maxBytes > 0 && c.bytes+size > c.maxBytes)
}

// NewCache returns a cache of at most max entries (none: max 0) that caches
// nothing until Subscribe.
func NewCache(max int) *Cache {
	return &Cache{listening: func() bool { return false }, gens: map[string]uint64{},
		entries: map[string]map[string]*cacheEntry{}, schemas: map[int64]string{}, max: max, now: time.Now}
}

// Subscribe has the cache keep entries while l listens.
func (c *Cache) Subscribe(l *pgnotify.Listener) {
	c.mu.Lock()
	c.listening = l.Listening
	c.mu.Unlock()
	l.Subscribe(DataChannel, c.Forget, c.forgetAll)
}

// Domain subscribes the cache to a channel whose payload is a tenant's
// authorisation domain (its id; "*" for all): what is cached depends on the
// member's roles too. Subscribe it after the authoriser, whose decisions a
// value computed afterwards must see.
func (c *Cache) Domain(l *pgnotify.Listener, channel string) {
	l.Subscribe(channel, c.forgetDomain, nil)
}

func (c *Cache) forgetDomain(domain string) {
	id, err := strconv.ParseInt(domain, 10, 64)
	if err != nil {
		c.forgetAll()
		return
	}
	c.mu.Lock()
	schema, ok := c.schemas[id]
	if !ok { // nothing kept: only values being computed now may be stale
		for s := range c.gens {
			c.gens[s]++
		}
	}
	c.mu.Unlock()
	if ok {
		c.Forget(schema)
	}
}

// Forget drops the entries of the tenant whose schema is schema.
func (c *Cache) Forget(schema string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gens[schema]++
	c.drop(schema)
}

func (c *Cache) forgetAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for s := range c.gens {
		c.gens[s]++
	}
	for s := range c.entries {
		c.gens[s]++
	}
	c.entries = map[string]map[string]*cacheEntry{}
	c.schemas = map[int64]string{}
	c.used.Init()
	c.n, c.bytes = 0, 0
}

// Len is the number of entries held.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// Middleware drops the request's tenant's entries once a request that may
// have written ends (before its answer leaves), so that whoever changed
// something sees it on the next page even before the notification is back.
func (c *Cache) Middleware() fiber.Handler {
	return func(ctx *fiber.Ctx) error {
		err := ctx.Next()
		if m := ctx.Method(); m != fiber.MethodGet && m != fiber.MethodHead {
			if s := FromContext(ctx.UserContext()); s != nil {
				c.Forget(s.Scope.Schema)
			}
		}
		return err
	}
}

// get returns the live entry of key, or the generation to store a value
// computed now under (ok false; store false when nothing may be stored).
func (c *Cache) get(s *Site, key string) (v any, ok bool, gen uint64, store bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.max <= 0 || !c.listening() {
		return nil, false, 0, false
	}
	schema := s.Scope.Schema
	if e, found := c.entries[schema][key]; found {
		if e.tenant == s.ID && c.now().Before(e.until) {
			c.used.MoveToFront(e.at)
			c.hits.Add(1)
			return e.v, true, 0, false
		}
		c.remove(e) // stale: it makes room now, whether or not a new value comes
	}
	c.misses.Add(1)
	gen, known := c.gens[schema]
	if !known {
		c.gens[schema] = 0 // so that a change of roles can be told to it
	}
	return nil, false, gen, true
}

func (c *Cache) put(s *Site, key string, v any, size int, until time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	schema := s.Scope.Schema
	if c.gens[schema] != gen || !c.listening() || !until.After(c.now()) { // changed while it was computed, or already stale
		return
	}
	if limit := c.now().Add(dataTTL/2 + rand.N(dataTTL/2)); until.After(limit) {
		until = limit
	}
	if c.maxBytes > 0 && size > c.maxBytes/8 { // one value may not push out much of the rest
		return
	}
	if old, found := c.entries[schema][key]; found {
		c.remove(old)
	}
	for c.full(size) && c.used.Len() > 0 { // the least recently used leave
		c.remove(c.used.Back().Value.(*cacheEntry))
		c.evictions.Add(1)
	}
	es := c.entries[schema]
	if es == nil {
		es = map[string]*cacheEntry{}
		c.entries[schema] = es
	}
	c.n++
	c.bytes += size
	e := &cacheEntry{v: v, until: until, tenant: s.ID, size: size, schema: schema, key: key}
	e.at = c.used.PushFront(e)
	es[key] = e
	c.schemas[s.ID] = schema
}

// Cached returns the value of key for the site of ctx: the cached one, or
// what fill computes (a value and until when it stays true). Without a
// cache or a site it just calls fill. A value kept is measured by
// following all it refers to (estimate): it must be plain data of its own
// (rows, pages, lists), never holding a localizer, a template or anything
// else shared and changing.
func Cached[T any](ctx context.Context, c *Cache, key string, fill func() (T, time.Time, error)) (T, error) {
	s := FromContext(ctx)
	if c == nil || s == nil {
		v, _, err := fill()
		return v, err
	}
	v, ok, gen, store := c.get(s, key)
	if ok {
		return v.(T), nil
	}
	val, until, err := fill()
	if err == nil && store {
		c.put(s, key, val, sizeOf(key, val), until, gen) // measured before the lock is taken
	}
	return val, err
}
