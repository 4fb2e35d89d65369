package idp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/quota"
	"github.com/piazza-pa/piazza/platform/secret"
)

// Errors of the IdP store.
var (
	ErrNotFound = platform.NewError(platform.ErrNotFound, "no such identity provider")
	ErrExists   = platform.NewError(platform.ErrConflict, "an identity provider with this key already exists")
)

// vault is the control plane and the box that seals what a tenant's rows
// keep secret: a sealed value is bound to its purpose, tenant and row
// ("idp:7:spid"), so that it opens nowhere else.
type vault struct {
	db      bun.IDB
	box     *secret.Box
	purpose string
}

func (v vault) seal(plain []byte, tenantID int64, key string) ([]byte, error) {
	return v.box.Seal(plain, v.context(tenantID, key))
}

func (v vault) open(sealed []byte, tenantID int64, key string) ([]byte, error) {
	return v.box.Open(sealed, v.context(tenantID, key))
}

func (v vault) context(tenantID int64, key string) string {
	return v.purpose + ":" + strconv.FormatInt(tenantID, 10) + ":" + key
}

// Store keeps the IdPs in the control plane.
type Store struct {
	vault
	// Chains resolves the trust chains of providers given by entity id
	// (nil: none can be added or enabled).
	Chains TrustChains
}

// NewStore returns the store; box seals client secrets.
func NewStore(db bun.IDB, box *secret.Box) *Store {
	return &Store{vault: vault{db: db, box: box, purpose: "idp"}}
}

// sealSecret seals the IdP's client secret, if one is given, for its row.
func (s *Store) sealSecret(i *IdP) error {
	if i.ClientSecret == "" {
		return nil
	}
	sealed, err := s.seal([]byte(i.ClientSecret), i.TenantID, i.Key)
	if err != nil {
		return err
	}
	i.SealedSecret = sealed
	return nil
}

// Add stores a new IdP of a tenant; it takes effect at once on every replica.
// A provider given by entity id is refused when its trust chain does not
// verify (ChainError).
func (s *Store) Add(ctx context.Context, i *IdP) error {
	if err := s.resolveChain(ctx, i); err != nil {
		return err
	}
	if err := i.Normalize(); err != nil {
		return err
	}
	i.Enabled = true
	if err := s.sealSecret(i); err != nil {
		return err
	}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return addWithin(ctx, tx, i)
	})
	if db.IsUnique(err) {
		return fmt.Errorf("%w: %s", ErrExists, i.Key)
	}
	if err != nil {
		return fmt.Errorf("add identity provider: %w", err)
	}
	return nil
}

// addWithin inserts i when the tenant's plan allows one more identity
// provider (quota.Exceeded otherwise), under the lock of the tenant's
// registry row.
func addWithin(ctx context.Context, tx bun.Tx, i *IdP) error {
	l, err := quota.Control(ctx, tx, i.TenantID)
	if err != nil {
		return err
	}
	n, err := tx.NewSelect().Model((*IdP)(nil)).Where("tenant_id = ?", i.TenantID).Count(ctx)
	if err != nil {
		return err
	}
	if n >= int64(l.IdPs) {
		return &quota.Exceeded{What: "idps", Max: l.IdPs}
	}
	_, err = tx.NewInsert().Model(i).Exec(ctx)
	return err
}

// SetEnabled enables or disables an IdP; a provider given by entity id is
// enabled only when its trust chain verifies (ChainError otherwise).
func (s *Store) SetEnabled(ctx context.Context, tenantID int64, key string, on bool) error {
	if on {
		i, err := s.Get(ctx, tenantID, key)
		if err != nil {
			return err
		}
		if i.EntityID != "" {
			if err := s.resolveChain(ctx, i); err != nil {
				return err
			}
		}
	}
	res, err := s.db.NewUpdate().Model((*IdP)(nil)).Set("enabled = ?", on).Set("updated_at = now()").
		Where("tenant_id = ? AND key = ?", tenantID, key).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	return nil
}

// List returns a tenant's IdPs, secrets left sealed.
func (s *Store) List(ctx context.Context, tenantID int64) ([]IdP, error) {
	var is []IdP
	err := s.db.NewSelect().Model(&is).Where("tenant_id = ?", tenantID).Order("key").Scan(ctx)
	return is, err
}

// Get returns one IdP of a tenant with its secret opened.
func (s *Store) Get(ctx context.Context, tenantID int64, key string) (*IdP, error) {
	i := new(IdP)
	err := s.db.NewSelect().Model(i).Where("tenant_id = ? AND key = ?", tenantID, key).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if err != nil {
		return nil, err
	}
	if i.HasSecret() {
		plain, err := s.open(i.SealedSecret, i.TenantID, i.Key)
		if err != nil {
			return nil, fmt.Errorf("identity provider %s: client secret: %w", key, err)
		}
		i.ClientSecret = string(plain)
	}
	return i, nil
}

// Update replaces an IdP's settings (key and tenant unchanged); the client
// secret is kept when none is given. It takes effect at once everywhere.
func (s *Store) Update(ctx context.Context, i *IdP) error {
	cur, err := s.Get(ctx, i.TenantID, i.Key)
	if err != nil {
		return err
	}
	if i.ClientSecret == "" && i.ClientAuth != AuthPrivateJWT && cur.ClientAuth != AuthPrivateJWT {
		i.ClientSecret = cur.ClientSecret
	}
	if err := s.resolveChain(ctx, i); err != nil {
		return err
	}
	if err := i.Normalize(); err != nil {
		return err
	}
	i.SealedSecret = nil
	if err := s.sealSecret(i); err != nil {
		return err
	}
	i.Enabled = cur.Enabled
	i.UpdatedAt = time.Now()
	_, err = s.db.NewUpdate().Model(i).WherePK().ExcludeColumn("created_at").Exec(ctx)
	if err != nil {
		return fmt.Errorf("update identity provider: %w", err)
	}
	return nil
}

// In is the store working inside db (a transaction of the caller's), with
// the same box.
func (s *Store) In(db bun.IDB) *Store {
	return &Store{vault: vault{db: db, box: s.box, purpose: s.purpose}, Chains: s.Chains}
}

// Remove deletes an IdP of a tenant; its users keep their accounts (their
// links to the provider stay in the tenant's schema, unused). It takes
// effect at once on every replica.
func (s *Store) Remove(ctx context.Context, tenantID int64, key string) error {
	res, err := s.db.NewDelete().Model((*IdP)(nil)).Where("tenant_id = ? AND key = ?", tenantID, key).Exec(ctx)
	if err != nil {
		return fmt.Errorf("remove identity provider: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	return nil
}
