package idp

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/secret"
)

// retiredGrace is how long a rotated-out key stays published (and, for an
// encryption key, still decrypts), so that what was signed or encrypted
// just before the rotation still verifies or opens.
const retiredGrace = 24 * time.Hour

// rpKey is one row of piazza.tenant_rp_keys (signing keys) or of
// piazza.tenant_rp_enc_keys (encryption keys).
type rpKey struct {
	bun.BaseModel `bun:"table:piazza.tenant_rp_keys,alias:k"`

	TenantID   int64           `bun:"tenant_id,pk"`
	KID        string          `bun:"kid,pk"`
	PrivateKey []byte          `bun:"private_key"`
	PublicJWK  json.RawMessage `bun:"public_jwk,type:jsonb"`
	CreatedAt  time.Time       `bun:"created_at,nullzero,default:now()"`
	RetiredAt  *time.Time      `bun:"retired_at"`
}

// keyUse is what a kind of key is for: its table, its JWK "use" and "alg",
// and the purpose its private keys are sealed for.
type keyUse struct{ table, use, alg, purpose string }

var (
	sigUse = keyUse{table: "piazza.tenant_rp_keys AS k", use: "sig", alg: string(jose.RS256), purpose: "rpkey"}
	encUse = keyUse{table: "piazza.tenant_rp_enc_keys AS k", use: "enc", alg: string(jose.RSA_OAEP_256), purpose: "rpenckey"}
)

// Keys manages the tenants' relying-party keys: a signing key (request
// objects, private_key_jwt) and an encryption key (the SPID/CIE UserInfo).
type Keys struct{ sig, enc vault }

// NewKeys returns the key store; box seals private keys.
func NewKeys(db bun.IDB, box *secret.Box) *Keys {
	return &Keys{sig: vault{db: db, box: box, purpose: sigUse.purpose}, enc: vault{db: db, box: box, purpose: encUse.purpose}}
}

func (k *Keys) vault(u keyUse) vault {
	if u == encUse {
		return k.enc
	}
	return k.sig
}

// Generate makes a new current signing key and a new current encryption key
// for a tenant (run it in the provisioning transaction); the previous
// current keys, if any, are retired. It returns the signing key's id.
func (k *Keys) Generate(ctx context.Context, db bun.IDB, tenantID int64) (string, error) {
	kid, err := k.generate(ctx, db, tenantID, sigUse)
	if err != nil {
		return "", err
	}
	if _, err := k.generate(ctx, db, tenantID, encUse); err != nil {
		return "", err
	}
	return kid, nil
}

// generate makes a new current key of use u, retiring the current one.
func (k *Keys) generate(ctx context.Context, db bun.IDB, tenantID int64, u keyUse) (string, error) {
	row, err := k.newKey(tenantID, u)
	if err != nil {
		return "", err
	}
	if _, err := db.NewUpdate().Model((*rpKey)(nil)).ModelTableExpr(u.table).Set("retired_at = now()").
		Where("tenant_id = ? AND retired_at IS NULL", tenantID).Exec(ctx); err != nil {
		return "", fmt.Errorf("retire %s key: %w", u.use, err)
	}
	if _, err := db.NewInsert().Model(row).ModelTableExpr(u.table).Exec(ctx); err != nil {
		return "", fmt.Errorf("store %s key: %w", u.use, err)
	}
	return row.KID, nil
}

// newKey makes an RSA key of use u, its kid the JWK thumbprint, sealed for
// its row.
func (k *Keys) newKey(tenantID int64, u keyUse) (*rpKey, error) {
	priv, err := newRSAKey()
	if err != nil {
		return nil, err
	}
	pub := jose.JSONWebKey{Key: &priv.PublicKey, Algorithm: u.alg, Use: u.use}
	tp, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, err
	}
	pub.KeyID = base64.RawURLEncoding.EncodeToString(tp)
	pubJSON, err := pub.MarshalJSON()
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	sealed, err := k.vault(u).seal(der, tenantID, pub.KeyID)
	if err != nil {
		return nil, err
	}
	return &rpKey{TenantID: tenantID, KID: pub.KeyID, PrivateKey: sealed, PublicJWK: pubJSON}, nil
}

// Rotate makes new current signing and encryption keys; the old ones stay
// published (and the old encryption key still decrypts) for a day. It
// returns the new keys' ids.
func (k *Keys) Rotate(ctx context.Context, tenantID int64) (sigKID, encKID string, err error) {
	err = k.sig.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if sigKID, err = k.generate(ctx, tx, tenantID, sigUse); err != nil {
			return err
		}
		encKID, err = k.generate(ctx, tx, tenantID, encUse)
		return err
	})
	return sigKID, encKID, err
}

// EnsureEncryption gives a tenant provisioned before encryption keys
// existed its first one; it does nothing when the tenant has one (two
// replicas racing both end with the same single current key).
func (k *Keys) EnsureEncryption(ctx context.Context, tenantID int64) error {
	n, err := k.enc.db.NewSelect().ModelTableExpr(encUse.table).Where("tenant_id = ? AND retired_at IS NULL", tenantID).Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	row, err := k.newKey(tenantID, encUse)
	if err != nil {
		return err
	}
	_, err = k.enc.db.NewInsert().Model(row).ModelTableExpr(encUse.table).On("CONFLICT DO NOTHING").Exec(ctx)
	return err
}

// private opens a row's private key.
func (k *Keys) private(row *rpKey, u keyUse) (any, error) {
	der, err := k.vault(u).open(row.PrivateKey, row.TenantID, row.KID)
	if err != nil {
		return nil, err
	}
	return x509.ParsePKCS8PrivateKey(der)
}

// Signer returns the tenant's current signing key.
func (k *Keys) Signer(ctx context.Context, tenantID int64) (jose.SigningKey, error) {
	row := new(rpKey)
	err := k.sig.db.NewSelect().Model(row).Where("tenant_id = ? AND retired_at IS NULL", tenantID).Scan(ctx)
	if err != nil {
		return jose.SigningKey{}, fmt.Errorf("tenant signing key: %w", err)
	}
	priv, err := k.private(row, sigUse)
	if err != nil {
		return jose.SigningKey{}, err
	}
	return jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: priv, KeyID: row.KID, Algorithm: string(jose.RS256), Use: "sig"}}, nil
}

// ErrNoKey is an encrypted message for a key the tenant does not have (or
// no longer has: retired more than a day ago).
var ErrNoKey = errors.New("no such encryption key")

// Decrypter returns the tenant's encryption key of kid, current or retired
// less than a day ago; with kid "" the current one.
func (k *Keys) Decrypter(ctx context.Context, tenantID int64, kid string) (*rsa.PrivateKey, error) {
	var rows []rpKey
	q := k.enc.db.NewSelect().Model(&rows).ModelTableExpr(encUse.table).Where("tenant_id = ?", tenantID)
	if kid == "" {
		q = q.Where("retired_at IS NULL")
	} else {
		q = q.Where("kid = ? AND (retired_at IS NULL OR retired_at > now() - ?::interval)", kid, graceInterval())
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("tenant encryption key: %w", err)
	}
	if len(rows) == 0 {
		return nil, ErrNoKey
	}
	priv, err := k.private(&rows[0], encUse)
	if err != nil {
		return nil, err
	}
	rk, ok := priv.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("tenant encryption key %s is not an RSA key", rows[0].KID)
	}
	return rk, nil
}

func graceInterval() string { return fmt.Sprintf("%d seconds", int(retiredGrace.Seconds())) }

// JWKS returns the tenant's public keys: the current signing and encryption
// keys and those retired less than a day ago.
func (k *Keys) JWKS(ctx context.Context, tenantID int64) (jose.JSONWebKeySet, error) {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{}}
	for _, u := range []keyUse{sigUse, encUse} {
		var rows []rpKey
		err := k.sig.db.NewSelect().Model(&rows).ModelTableExpr(u.table).
			Where("tenant_id = ? AND (retired_at IS NULL OR retired_at > now() - ?::interval)", tenantID, graceInterval()).
			Order("created_at DESC").Scan(ctx)
		if err != nil {
			return jose.JSONWebKeySet{}, err
		}
		for _, r := range rows {
			var j jose.JSONWebKey
			if err := j.UnmarshalJSON(r.PublicJWK); err != nil {
				return set, err
			}
			set.Keys = append(set.Keys, j)
		}
	}
	return set, nil
}
