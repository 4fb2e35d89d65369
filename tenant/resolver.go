package tenant

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/piazza-pa/piazza/platform/pgnotify"
)

// ChangeChannel is the notification channel of tenant and host changes
// (payload: the tenant id), sent by triggers in the control schema.
const ChangeChannel = "piazza_tenant_changed"

// cacheTTL bounds how long an entry is trusted even when notifications flow,
// in case one is ever lost.
const cacheTTL = time.Minute

// Resolver maps Host headers to tenants, caching answers (including "no such
// host") while a pgnotify listener reports every change; while the listener
// is down it reads the registry every time, so no replica serves stale data.
type Resolver struct {
	reg       *Registry
	mu        sync.Mutex
	byHost    map[string]cached
	listening func() bool
	gen       uint64
}

type cached struct {
	t  *Tenant // nil: no tenant has this host
	at time.Time
}

// NewResolver returns a resolver over reg that caches nothing until Subscribe.
func NewResolver(reg *Registry) *Resolver {
	r := &Resolver{reg: reg, byHost: map[string]cached{}, listening: func() bool { return false }}
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
	for h, c := range r.byHost {
		if err != nil || c.t == nil || c.t.ID == id {
			delete(r.byHost, h)
		}
	}
}

func (r *Resolver) forgetAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gen++
	r.byHost = map[string]cached{}
}

// Resolve returns the tenant answering on host (any status), or ErrNotFound.
// The returned tenant is shared: do not modify it.
func (r *Resolver) Resolve(ctx context.Context, host string) (*Tenant, error) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	r.mu.Lock()
	trusted, gen := r.listening(), r.gen
	c, ok := r.byHost[host]
	r.mu.Unlock()
	if ok && trusted && time.Since(c.at) < cacheTTL {
		if c.t == nil {
			return nil, ErrNotFound
		}
		return c.t, nil
	}
	t, err := r.reg.ByHost(ctx, host)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	r.mu.Lock()
	if trusted && gen == r.gen { // nothing changed while we read
		r.byHost[host] = cached{t: t, at: time.Now()}
	}
	r.mu.Unlock()
	if t == nil {
		return nil, ErrNotFound
	}
	return t, nil
}
