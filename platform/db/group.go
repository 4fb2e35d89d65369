package db

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// Login groups. PostgreSQL (15 and before) keeps, in every backend, the
// list of roles its session user is a member of, and rebuilds it after any
// change to any role membership in the cluster, at a cost that grows with
// the square of the list's length (docs/benchmarks.md). A single login role
// that is a member of every tenant's role would make each provisioning
// stall every pooled connection for a few hundred milliseconds at 10,000
// tenants. So each tenant's role is a member of one group: a login role
// (LOGIN NOINHERIT, no privilege of its own) shared by a few hundred
// tenants, whose connections come from a small pool of their own. A
// tenant's Scope names its group (Login); InTenant takes the connection
// from that group's pool. The main login role runs the control plane and
// is a member of no tenant role: where it must act as a tenant inside its
// own transaction, InTenantTx grants it the tenant's role and revokes it
// before returning, in that transaction.

// ErrNoGroupKey means a login group is needed but the key its password
// derives from was not given.
var ErrNoGroupKey = errors.New("login groups need PIAZZA_SECRET_KEY (their passwords derive from it)")

// groupIdle is how long an idle connection of a group's pool is kept: a
// few dozen groups must not hold max_connections between bursts.
// groupMaxIdle is how many it keeps that long: twice as many as a replica
// works on requests at once by default on two CPUs (PIAZZA_CONCURRENCY), so that
// a busy group does not close and reopen connections between its requests
// (with 2, the region tenant's pages at 16 connections were a third
// slower and their p99 two to four times higher: each new connection is a
// new backend with cold caches; docs/benchmarks.md).
const (
	groupIdle     = time.Minute
	groupMaxIdle  = 8
	passwordLabel = "piazza login group\x00"
)

// pools are the main pool's group pools, opened on first use.
type pools struct {
	cfg      *pgx.ConnConfig // the main login's, for host, port and database
	key      []byte
	maxConns int

	main   *affine // the main pool's connections kept by tenant
	budget *budget // how many may be kept, over the main pool and the groups'

	mu    sync.Mutex
	open  map[string]*bun.DB
	hooks []bun.QueryHook // the main pool's, given through AddQueryHook
	close bool
}

// AddQueryHook adds hook to main and to its login groups' pools, open now
// or later, so that traces and test recorders see every tenant query.
func AddQueryHook(main *bun.DB, hook bun.QueryHook) {
	main.AddQueryHook(hook)
	ps := poolsOf(main)
	if ps == nil {
		return
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.hooks = append(ps.hooks, hook)
	for _, p := range ps.open {
		p.AddQueryHook(hook)
	}
}

// registry maps each main pool (its *sql.DB, shared by every *bun.DB made
// from it) to its group pools. It is a lookup keyed by the pool, filled by
// Open and emptied by the pool's Close, so that the 50-odd callers of
// InTenant keep passing the pool they have.
var registry sync.Map // *sql.DB → *pools

func poolsOf(p *bun.DB) *pools {
	v, ok := registry.Load(p.DB)
	if !ok {
		return nil
	}
	return v.(*pools)
}

// group returns login's pool, opening it (and checking the role) the first time.
func (ps *pools) group(ctx context.Context, login string) (*bun.DB, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.close {
		return nil, errors.New("database pool closed")
	}
	if p, ok := ps.open[login]; ok {
		return p, nil
	}
	cfg := ps.cfg.Copy()
	cfg.User, cfg.Password = login, GroupPassword(ps.key, login)
	sqldb := sql.OpenDB(walledConnector{stdlib.GetConnector(*cfg)})
	sqldb.SetMaxOpenConns(ps.maxConns)
	sqldb.SetMaxIdleConns(groupMaxIdle)
	sqldb.SetConnMaxIdleTime(groupIdle)
	p := bun.NewDB(sqldb, pgdialect.New())
	for _, h := range ps.hooks {
		p.AddQueryHook(h)
	}
	if err := checkLoginRole(ctx, p); err != nil {
		p.Close()
		if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == "28P01" {
			return nil, fmt.Errorf("login group %s: %w (its password derives from PIAZZA_SECRET_KEY: after the key changed, run `piazza migrate` with the new key)", login, err)
		}
		return nil, fmt.Errorf("login group %s: %w", login, err)
	}
	keepByTenant(p, ps.budget)
	ps.open[login] = p
	return p, nil
}

func (ps *pools) shut() error {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.close = true
	var errs []error
	for _, p := range ps.open {
		if a := affineOf(p); a != nil {
			a.shut()
		}
		errs = append(errs, p.Close())
	}
	ps.open = nil
	return errors.Join(errs...)
}

// connector closes the group pools with the main pool (database/sql calls
// a connector's Close from DB.Close).
type connector struct {
	driver.Connector
	main  *sql.DB
	pools *pools
}

func (c *connector) Close() error {
	registry.Delete(c.main)
	if c.pools.main != nil {
		c.pools.main.shut()
	}
	return c.pools.shut()
}

// GroupPassword is the password of login group role, derived from key: the
// servers, the commands and `piazza migrate` agree on it without storing it.
func GroupPassword(key []byte, role string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(passwordLabel + role))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CreateGroup creates login group role in tx, with the password that
// pool's key gives it. The statement carries a SCRAM verifier, not the
// password, so that a server logging DDL logs no secret.
func CreateGroup(ctx context.Context, tx bun.Tx, pool *bun.DB, role string) error {
	v, err := groupVerifier(pool, role)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "CREATE ROLE "+pgx.Identifier{role}.Sanitize()+" LOGIN NOINHERIT PASSWORD ?", v)
	return err
}

// SetGroupPassword sets login group role's password again, from pool's key
// (after PIAZZA_SECRET_KEY changed, say).
func SetGroupPassword(ctx context.Context, idb bun.IDB, pool *bun.DB, role string) error {
	v, err := groupVerifier(pool, role)
	if err != nil {
		return err
	}
	_, err = idb.ExecContext(ctx, "ALTER ROLE "+pgx.Identifier{role}.Sanitize()+" PASSWORD ?", v)
	return err
}

func groupVerifier(pool *bun.DB, role string) (string, error) {
	ps := poolsOf(pool)
	if ps == nil || len(ps.key) == 0 {
		return "", ErrNoGroupKey
	}
	return scramVerifier(GroupPassword(ps.key, role))
}

// HasGroupKey says whether pool can open login groups' connections.
func HasGroupKey(pool *bun.DB) bool {
	ps := poolsOf(pool)
	return ps != nil && len(ps.key) > 0
}

// scramVerifier is what PostgreSQL stores for password under
// scram-sha-256 (RFC 5802, RFC 7677), computed here so that the password
// never travels in a statement's text.
func scramVerifier(password string) (string, error) {
	const iterations = 4096
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	salted, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		return "", err
	}
	mac := func(msg string) []byte {
		m := hmac.New(sha256.New, salted)
		m.Write([]byte(msg))
		return m.Sum(nil)
	}
	stored := sha256.Sum256(mac("Client Key"))
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", iterations, b64(salt), b64(stored[:]), b64(mac("Server Key"))), nil
}

// PoolFor returns the pool whose connections InTenant uses for s: the
// login group's, or main itself for a tenant in no group (or when main has
// no key to open groups with).
func PoolFor(ctx context.Context, main *bun.DB, s Scope) (*bun.DB, error) {
	ps := poolsOf(main)
	if s.Login == "" || ps == nil || len(ps.key) == 0 {
		return main, nil
	}
	return ps.group(ctx, s.Login)
}

// GroupStats sums the statistics of main's login group pools open now and
// says how many are open (for the metrics).
func GroupStats(main *bun.DB) (open int, sum sql.DBStats) {
	ps := poolsOf(main)
	if ps == nil {
		return 0, sum
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for _, p := range ps.open {
		s := p.DB.Stats()
		sum.MaxOpenConnections += s.MaxOpenConnections
		sum.OpenConnections += s.OpenConnections
		sum.InUse += s.InUse
		sum.Idle += s.Idle
		sum.WaitCount += s.WaitCount
		sum.WaitDuration += s.WaitDuration
		sum.MaxIdleClosed += s.MaxIdleClosed
		sum.MaxIdleTimeClosed += s.MaxIdleTimeClosed
		sum.MaxLifetimeClosed += s.MaxLifetimeClosed
	}
	return len(ps.open), sum
}
