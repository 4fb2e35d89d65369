package dashboard

import (
	"context"
	"sync"

	"github.com/uptrace/bun"
)

// A page read by a member asks the inbox's probes once, in the
// transaction that reads the member's session (Preread, through
// auth.Deps): the menu's count then costs no transaction of its own when
// nothing can wait for the member, which is most members on most pages.

// probed holds the inbox sources where something may wait for a member,
// as a request's Preread found them.
type probed struct {
	mu      sync.Mutex
	uid     int64
	sources []InboxSource
	done    bool
}

type probedKey struct{}

// KeepProbe returns ctx in which a Preread keeps its answer for the rest
// of the request (a page read, which writes nothing).
func KeepProbe(ctx context.Context) context.Context {
	return context.WithValue(ctx, probedKey{}, &probed{})
}

// Preread asks the inbox's probes for uid in tx (the session's
// transaction, with uid's memberships already loaded, see scope.Preload)
// and keeps the answer in ctx (see KeepProbe); without a keeper it does
// nothing.
func (m *Module) Preread(ctx context.Context, tx bun.IDB, uid int64) error {
	p, _ := ctx.Value(probedKey{}).(*probed)
	if p == nil {
		return nil
	}
	sources, err := m.probe(ctx, tx, uid)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.uid, p.sources, p.done = uid, sources, true
	p.mu.Unlock()
	return nil
}

// kept is the sources a Preread found for uid in this request, if it ran.
func keptProbe(ctx context.Context, uid int64) ([]InboxSource, bool) {
	p, _ := ctx.Value(probedKey{}).(*probed)
	if p == nil {
		return nil, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.done || p.uid != uid {
		return nil, false
	}
	return p.sources, true
}
