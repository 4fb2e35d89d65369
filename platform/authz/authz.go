// Package authz decides who may do what, with Casbin (RBAC with domains, the
// domain being the tenant). Modules never touch Casbin: they call Can with
// the request's context. Each tenant's policy is loaded on first use into a
// bounded cache of enforcers, dropped on every replica when its rules change
// (LISTEN/NOTIFY through pgnotify).
package authz

import (
	"container/list"
	"fmt"
	"sync"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/platform/pgnotify"
)

// The roles. Only elevated roles are stored; member and guest are implied.
const (
	RoleOperator    = "role:operator"
	RoleAdmin       = "role:admin"
	RoleValidator   = "role:validator"
	RoleFacilitator = "role:facilitator"
	RoleMember      = "role:member"
	RoleGuest       = "role:guest"
)

// AllDomains is the domain of rules that hold in every tenant.
const AllDomains = "*"

// Channel is the notification channel of rule changes (payload: the domain).
const Channel = "piazza_authz_changed"

// Authorizer answers authorisation questions and changes role assignments.
type Authorizer struct {
	db  *bun.DB
	max int

	mu      sync.Mutex
	entries map[string]*list.Element // domain → element holding *entry
	order   *list.List               // most recently used first
	trusted func() bool              // whether cached policies can be trusted
	gen     uint64                   // bumped by every invalidation
}

type entry struct {
	domain string
	e      *enforcer
}

// enforcer is a domain's enforcer and the subjects its rules name.
type enforcer struct {
	*casbin.SyncedCachedEnforcer
	// named are the subjects of the domain's policies and role grants: a
	// user not among them holds no role of their own, and deciding for
	// them is deciding for role:member and role:guest (whose decisions are
	// cached, where each user's would fill the cache one user at a time).
	named map[string]bool
}

// newEnforcer loads domain's rules.
func (a *Authorizer) newEnforcer(domain string) (*enforcer, error) {
	m, err := model.NewModelFromString(config.RBACModel)
	if err != nil {
		return nil, err
	}
	e, err := casbin.NewSyncedCachedEnforcer(m)
	if err != nil {
		return nil, err
	}
	e.SetAdapter(&adapter{db: a.db})
	if err := e.LoadFilteredPolicy(Filter{Domain: domain}); err != nil {
		return nil, err
	}
	out := &enforcer{SyncedCachedEnforcer: e, named: map[string]bool{}}
	ps, err := e.GetPolicy()
	if err != nil {
		return nil, err
	}
	gs, err := e.GetGroupingPolicy()
	if err != nil {
		return nil, err
	}
	for _, r := range append(ps, gs...) {
		if len(r) > 0 {
			out.named[r[0]] = true
		}
	}
	return out, nil
}

// New returns an Authorizer keeping the policies of at most maxDomains
// tenants in memory (least recently used dropped first).
func New(db *bun.DB, maxDomains int) (*Authorizer, error) {
	if _, err := model.NewModelFromString(config.RBACModel); err != nil {
		return nil, fmt.Errorf("authz: model: %w", err)
	}
	if maxDomains < 1 {
		maxDomains = 1
	}
	return &Authorizer{db: db, max: maxDomains, entries: map[string]*list.Element{}, order: list.New(),
		trusted: func() bool { return false }}, nil
}

// Subscribe has the Authorizer cache policies while l listens, dropping a
// domain's when its rules change anywhere. Without it, nothing is cached.
func (a *Authorizer) Subscribe(l *pgnotify.Listener) {
	a.mu.Lock()
	a.trusted = l.Listening
	a.mu.Unlock()
	l.Subscribe(Channel, a.forget, a.forgetAll)
}

func (a *Authorizer) forget(domain string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.gen++
	if domain == AllDomains {
		a.entries, a.order = map[string]*list.Element{}, list.New()
		return
	}
	if el, ok := a.entries[domain]; ok {
		a.order.Remove(el)
		delete(a.entries, domain)
	}
}

func (a *Authorizer) forgetAll() { a.forget(AllDomains) }

// enforcer returns domain's enforcer, from the cache when it can be trusted.
func (a *Authorizer) enforcer(domain string) (*enforcer, error) {
	a.mu.Lock()
	trusted, gen := a.trusted(), a.gen
	if el, ok := a.entries[domain]; ok && trusted {
		a.order.MoveToFront(el)
		a.mu.Unlock()
		return el.Value.(*entry).e, nil
	}
	a.mu.Unlock()

	e, err := a.newEnforcer(domain)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !trusted || gen != a.gen {
		return e, nil // a change arrived while loading: do not keep it
	}
	if el, ok := a.entries[domain]; ok {
		a.order.Remove(el)
	}
	a.entries[domain] = a.order.PushFront(&entry{domain: domain, e: e})
	for a.order.Len() > a.max {
		last := a.order.Back()
		a.order.Remove(last)
		delete(a.entries, last.Value.(*entry).domain)
	}
	return e, nil
}

// Cached reports how many tenants' policies are in memory.
func (a *Authorizer) Cached() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.order.Len()
}

// Enforce says whether sub may do act on obj in domain.
func (a *Authorizer) Enforce(sub, domain, obj, act string) (bool, error) {
	e, err := a.enforcer(domain)
	if err != nil {
		return false, err
	}
	return e.Enforce(sub, domain, obj, act)
}

// Decide says whether p may do act on obj in domain: by p's own roles, else
// as a member (when signed in to the tenant), else as a guest.
func (a *Authorizer) Decide(p Principal, domain, obj, act string) (bool, error) {
	subs := []string{RoleGuest}
	if p.Subject != "" {
		subs = []string{p.Subject, RoleGuest}
		if p.Member {
			subs = []string{p.Subject, RoleMember, RoleGuest}
		}
	}
	e, err := a.enforcer(domain)
	if err != nil {
		return false, err
	}
	for _, s := range subs {
		if s == p.Subject && !e.named[s] {
			continue // no rule of their own: their roles decide
		}
		ok, err := e.Enforce(s, domain, obj, act)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}
