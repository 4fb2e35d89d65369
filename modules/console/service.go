package console

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/audit"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/operator"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/tenant"
)

// The console's service: what its pages read and do, each step in its own
// transaction; the handlers parse the request and render.

// signIn checks an operator's e-mail and password from client address
// addr and opens their session. The attempt is counted, and committed,
// before the password is checked, so that attempts sent at once cannot
// outrun the limits; it returns auth.ErrThrottled past them and
// operator.ErrBadCredentials for a wrong pair.
func (m *Module) signIn(ctx context.Context, email, password, addr string) (token string, expires time.Time, err error) {
	var attempt *auth.Attempt
	err = m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		attempt, err = m.Throttle.Take(ctx, tx, auth.Keys(email, addr))
		return err
	})
	if err != nil {
		return "", time.Time{}, err
	}
	o, err := operator.Authenticate(ctx, m.DB, email, password)
	if err != nil {
		if ferr := m.Throttle.Failed(ctx, m.DB, attempt); ferr != nil {
			return "", time.Time{}, ferr
		}
		return "", time.Time{}, err
	}
	if err := m.Throttle.Succeeded(ctx, m.DB, attempt); err != nil {
		return "", time.Time{}, err
	}
	sess := &session.Session{UserID: o.ID, ClientAddr: addr}
	token, err = m.Sessions.Create(ctx, m.DB, sess)
	return token, sess.ExpiresAt, err
}

// usage is a tenant's member count (read in the tenant's own transaction)
// and the size of its schema in bytes; -1 for what could not be read.
func (m *Module) usage(ctx context.Context, t *tenant.Tenant) (members, bytes int64) {
	members, bytes = -1, -1
	var n int64
	err := db.InTenant(ctx, m.DB, t.Scope(), func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE status <> 'invited'").Scan(&n)
	})
	if err == nil {
		members = n
	}
	var b int64
	if m.DB.QueryRowContext(ctx, `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind IN ('r', 'm')`, t.SchemaName).Scan(&b) == nil {
		bytes = b
	}
	return members, bytes
}

// tenants is page pageNo (from 1, pageSize each) of the tenants whose
// slug, name or host names hold query (any case) and whose status is
// status ("" for any); next says whether more follow.
func (m *Module) tenants(ctx context.Context, query, status string, pageNo int) (page []*tenant.Tenant, next bool, err error) {
	ts, err := m.Registry.List(ctx)
	if err != nil {
		return nil, false, err
	}
	q := strings.ToLower(query)
	var match []*tenant.Tenant
	for _, t := range ts {
		if status != "" && string(t.Status) != status {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(t.Slug+" "+t.Name+" "+strings.Join(t.Hosts, " ")), q) {
			continue
		}
		match = append(match, t)
	}
	from := len(match) // a page past the last shows none (and cannot overflow)
	if pageNo-1 <= len(match)/pageSize {
		from = (pageNo - 1) * pageSize
	}
	to := min(from+pageSize, len(match))
	return match[from:to], to < len(match), nil
}

// tenantState is tenant slug with its latest 20 audit entries.
func (m *Module) tenantState(ctx context.Context, slug string) (*tenant.Tenant, []audit.Entry, error) {
	t, err := m.Registry.Get(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	entries, err := audit.Recent(ctx, m.DB, t.ID, 20)
	return t, entries, err
}
