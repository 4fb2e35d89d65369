package tenant

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/platform/pgnotify"
	"github.com/piazza-pa/piazza/platform/web"
)

// ChangeChannel is the notification channel of tenant and host changes
// (payload: the tenant id), sent by triggers in the control schema.
const ChangeChannel = "piazza_tenant_changed"

// cacheTTL bounds how long an entry is trusted even when notifications flow,
// in case one is ever lost.
const cacheTTL = time.Minute

// maxMisses bounds the "no such host" answers kept: every visitor chooses
// the Host header, so unknown names are unbounded; past this many the
// misses are dropped and read again.
const maxMisses = 4096

// ErrBadHost is a Host header that is not a host name: it is refused before
// anything is looked up or kept.
var ErrBadHost = &web.BadRequest{Key: "error.bad_host", Msg: "the Host header is not a host name"}

// Resolver maps Host headers to tenants, caching answers (including "no such
// host") while a pgnotify listener reports every change; while the listener
// is down it reads the registry every time, so no replica serves stale data.
type Resolver struct {
	reg       *Registry
	mu        sync.Mutex
	byHost    map[string]cached // registered hosts: as many as the registry has
	misses    map[string]time.Time
	maxMisses int
	listening func() bool
	gen       uint64
}

type cached struct {
	t  *Tenant
	at time.Time
}

// NewResolver returns a resolver over reg that caches nothing until Subscribe.
func NewResolver(reg *Registry) *Resolver {
	r := &Resolver{reg: reg, byHost: map[string]cached{}, misses: map[string]time.Time{}, maxMisses: maxMisses, listening: func() bool { return false }}
	reg.local = append(reg.local, func(id int64) { r.forget(strconv.FormatInt(id, 10)) })
	return r
}

// Subscribe has the resolver cache while l listens, dropping a tenant's
// entries (and every "no such host") when it changes anywhere.
func (r *Resolver) Subscribe(l *pgnotify.Listener) {
	r.mu.Lock()
	r.listening = l.Listening
	r.mu.Unlock()
	l.Subscribe(ChangeChannel, r.forget, r.forgetAll)
}

func (r *Resolver) forget(payload string) {
	id, err := strconv.ParseInt(payload, 10, 64)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gen++
	clear(r.misses)
	for h, c := range r.byHost {
		if err != nil || c.t.ID == id {
			delete(r.byHost, h)
		}
	}
}

func (r *Resolver) forgetAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gen++
	r.byHost = map[string]cached{}
	clear(r.misses)
}

// Resolve returns the tenant answering on host (any status), ErrNotFound,
// or ErrBadHost when host is not a host name. The returned tenant is
// shared: do not modify it.
func (r *Resolver) Resolve(ctx context.Context, host string) (*Tenant, error) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if config.CheckHost(host) != nil {
		return nil, ErrBadHost
	}
	r.mu.Lock()
	trusted, gen := r.listening(), r.gen
	c, hit := r.byHost[host]
	missed, miss := r.misses[host]
	r.mu.Unlock()
	switch {
	case trusted && hit && time.Since(c.at) < cacheTTL:
		return c.t, nil
	case trusted && miss && time.Since(missed) < cacheTTL:
		return nil, ErrNotFound
	}
	t, err := r.reg.ByHost(ctx, host)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	r.keep(trusted, gen, host, t)
	if t == nil {
		return nil, ErrNotFound
	}
	return t, nil
}

// keep caches an answer read while trusted, unless something changed
// meanwhile; misses are bounded by r.maxMisses.
func (r *Resolver) keep(trusted bool, gen uint64, host string, t *Tenant) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case !trusted || gen != r.gen:
	case t != nil:
		r.byHost[host] = cached{t: t, at: time.Now()}
	default:
		if len(r.misses) >= r.maxMisses {
			clear(r.misses)
		}
		r.misses[host] = time.Now()
	}
}

// cachedMisses is how many "no such host" answers are kept (for tests).
func (r *Resolver) cachedMisses() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.misses)
}
