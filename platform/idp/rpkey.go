package idp

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/secret"
)

// retiredGrace is how long a rotated-out key stays published, so that what
// it signed just before the rotation still verifies.
const retiredGrace = 24 * time.Hour

// rpKey is one row of piazza.tenant_rp_keys.
type rpKey struct {
	bun.BaseModel `bun:"table:piazza.tenant_rp_keys,alias:k"`

	TenantID   int64           `bun:"tenant_id,pk"`
	KID        string          `bun:"kid,pk"`
	PrivateKey []byte          `bun:"private_key"`
	PublicJWK  json.RawMessage `bun:"public_jwk,type:jsonb"`
	CreatedAt  time.Time       `bun:"created_at,nullzero,default:now()"`
	RetiredAt  *time.Time      `bun:"retired_at"`
}

// Keys manages the tenants' relying-party signing keys.
type Keys struct{ vault }

// NewKeys returns the key store; box seals private keys.
func NewKeys(db bun.IDB, box *secret.Box) *Keys {
	return &Keys{vault{db: db, box: box, purpose: "rpkey"}}
}

// Generate makes a new current key for a tenant (run it in the provisioning
// transaction); the previous current key, if any, is retired.
func (k *Keys) Generate(ctx context.Context, db bun.IDB, tenantID int64) (string, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", err
	}
	pub := jose.JSONWebKey{Key: &priv.PublicKey, Algorithm: string(jose.RS256), Use: "sig"}
	tp, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", err
	}
	pub.KeyID = base64.RawURLEncoding.EncodeToString(tp)
	pubJSON, err := pub.MarshalJSON()
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", err
	}
	sealed, err := k.seal(der, tenantID, pub.KeyID)
	if err != nil {
		return "", err
	}
	if _, err := db.NewUpdate().Model((*rpKey)(nil)).Set("retired_at = now()").
		Where("tenant_id = ? AND retired_at IS NULL", tenantID).Exec(ctx); err != nil {
		return "", fmt.Errorf("retire signing key: %w", err)
	}
	row := &rpKey{TenantID: tenantID, KID: pub.KeyID, PrivateKey: sealed, PublicJWK: pubJSON}
	if _, err := db.NewInsert().Model(row).Exec(ctx); err != nil {
		return "", fmt.Errorf("store signing key: %w", err)
	}
	return pub.KeyID, nil
}

// Rotate makes a new current key; the old one stays published for a day.
func (k *Keys) Rotate(ctx context.Context, tenantID int64) (string, error) {
	var kid string
	err := k.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		kid, err = k.Generate(ctx, tx, tenantID)
		return err
	})
	return kid, err
}

// Signer returns the tenant's current signing key.
func (k *Keys) Signer(ctx context.Context, tenantID int64) (jose.SigningKey, error) {
	row := new(rpKey)
	err := k.db.NewSelect().Model(row).Where("tenant_id = ? AND retired_at IS NULL", tenantID).Scan(ctx)
	if err != nil {
		return jose.SigningKey{}, fmt.Errorf("tenant signing key: %w", err)
	}
	der, err := k.open(row.PrivateKey, tenantID, row.KID)
	if err != nil {
		return jose.SigningKey{}, err
	}
	priv, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return jose.SigningKey{}, err
	}
	return jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: priv, KeyID: row.KID, Algorithm: string(jose.RS256), Use: "sig"}}, nil
}

// JWKS returns the tenant's public keys: the current one and those retired
// less than a day ago.
func (k *Keys) JWKS(ctx context.Context, tenantID int64) (jose.JSONWebKeySet, error) {
	var rows []rpKey
	err := k.db.NewSelect().Model(&rows).
		Where("tenant_id = ? AND (retired_at IS NULL OR retired_at > now() - ?::interval)", tenantID, fmt.Sprintf("%d seconds", int(retiredGrace.Seconds()))).
		Order("created_at DESC").Scan(ctx)
	if err != nil {
		return jose.JSONWebKeySet{}, err
	}
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{}}
	for _, r := range rows {
		var j jose.JSONWebKey
		if err := j.UnmarshalJSON(r.PublicJWK); err != nil {
			return set, err
		}
		set.Keys = append(set.Keys, j)
	}
	return set, nil
}
