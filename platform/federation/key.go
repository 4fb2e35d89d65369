package federation

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/secret"
)

// Overlap is how long a superseded federation key stays published in its
// owner's JWKS: what it signed (an entity configuration a resolver keeps)
// keeps verifying until it expires.
const Overlap = 48 * time.Hour

// Prepublish is how long a rotation publishes the next key before it
// signs: a superior's statement lives that long (DefaultLifetime), so every
// statement about the owner carries the new key by the time it signs.
const Prepublish = DefaultLifetime

// Installation is the owner id of the installation's own key (as
// intermediate); a tenant's keys are owned by its id.
const Installation int64 = 0

// key is one row of piazza.federation_keys.
type key struct {
	bun.BaseModel `bun:"table:piazza.federation_keys,alias:fk"`

	KID        string          `bun:"kid,pk"`
	TenantID   *int64          `bun:"tenant_id"`
	PrivateKey []byte          `bun:"private_key"`
	PublicJWK  json.RawMessage `bun:"public_jwk,type:jsonb"`
	CreatedAt  time.Time       `bun:"created_at,nullzero,default:now()"`
	ActiveFrom time.Time       `bun:"active_from,nullzero,default:now()"`
}

// Keys keeps the federation signing keys of the tenants and of the
// installation, distinct from the relying-party keys of platform/idp;
// private keys are sealed with the installation's secret key.
type Keys struct {
	db  bun.IDB
	box *secret.Box
}

// NewKeys returns the key store over db; box seals private keys.
func NewKeys(db bun.IDB, box *secret.Box) *Keys { return &Keys{db: db, box: box} }

// ownerSQL is the condition naming owner id's keys in table alias a.
func ownerSQL(a string, id int64) (string, []any) {
	if id == Installation {
		return a + ".tenant_id IS NULL", nil
	}
	return a + ".tenant_id = ?", []any{id}
}

// sealContext binds a sealed key to its owner and kid.
func sealContext(id int64, kid string) string {
	return "fedkey:" + strconv.FormatInt(id, 10) + ":" + kid
}

// Signer returns owner's signing key: the latest whose time has come. The
// first is made on first use (so that tenants provisioned before the
// federation need no backfill), under a lock so that two replicas make one.
func (k *Keys) Signer(ctx context.Context, id int64) (jose.SigningKey, error) {
	for range 2 {
		row := new(key)
		cond, args := ownerSQL("fk", id)
		err := k.db.NewSelect().Model(row).Where(cond, args...).Where("fk.active_from <= now()").
			Order("fk.active_from DESC").Limit(1).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			if err := k.first(ctx, id); err != nil {
				return jose.SigningKey{}, err
			}
			continue
		}
		if err != nil {
			return jose.SigningKey{}, fmt.Errorf("federation key: %w", err)
		}
		return k.open(row, id)
	}
	return jose.SigningKey{}, errors.New("federation key: none after making one")
}

// first makes owner's first key unless another process just did.
func (k *Keys) first(ctx context.Context, id int64) error {
	return k.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext('piazza.federation_keys'), ?)", int32(id)); err != nil {
			return err
		}
		cond, args := ownerSQL("fk", id)
		n, err := tx.NewSelect().Model((*key)(nil)).Where(cond, args...).Where("fk.active_from <= now()").Count(ctx)
		if err != nil || n > 0 {
			return err
		}
		_, err = k.generate(ctx, tx, id, 0)
		return err
	})
}

func (k *Keys) open(row *key, id int64) (jose.SigningKey, error) {
	der, err := k.box.Open(row.PrivateKey, sealContext(id, row.KID))
	if err != nil {
		return jose.SigningKey{}, fmt.Errorf("federation key %s: %w", row.KID, err)
	}
	priv, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return jose.SigningKey{}, err
	}
	return jose.SigningKey{Algorithm: jose.RS256,
		Key: jose.JSONWebKey{Key: priv, KeyID: row.KID, Algorithm: string(jose.RS256), Use: "sig"}}, nil
}

// Rotate makes owner's next key, published at once and signing after
// ahead (Prepublish for a planned rotation; 0 signs at once, for a key
// thought compromised). The previous key stays published for Overlap after
// the next one takes over. It returns the new key's id and when it signs.
func (k *Keys) Rotate(ctx context.Context, id int64, ahead time.Duration) (string, time.Time, error) {
	kid, err := k.generate(ctx, k.db, id, ahead)
	if err != nil {
		return "", time.Time{}, err
	}
	row := new(key)
	err = k.db.NewSelect().Model(row).Where("kid = ?", kid).Scan(ctx)
	return kid, row.ActiveFrom, err
}

// generate stores a new RSA key for owner, signing after ahead.
func (k *Keys) generate(ctx context.Context, db bun.IDB, id int64, ahead time.Duration) (string, error) {
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
	sealed, err := k.box.Seal(der, sealContext(id, pub.KeyID))
	if err != nil {
		return "", err
	}
	row := &key{KID: pub.KeyID, PrivateKey: sealed, PublicJWK: pubJSON}
	if id != Installation {
		row.TenantID = &id
	}
	q := db.NewInsert().Model(row).
		Value("active_from", "now() + ?::interval", fmt.Sprintf("%d seconds", int(ahead.Seconds())))
	if _, err := q.Exec(ctx); err != nil {
		return "", fmt.Errorf("store federation key: %w", err)
	}
	return pub.KeyID, nil
}

// JWKS returns owner's published federation keys, the next one first:
// those not yet signing, the one signing, and those superseded less than
// Overlap ago.
func (k *Keys) JWKS(ctx context.Context, id int64) (jose.JSONWebKeySet, error) {
	var rows []key
	cond, args := ownerSQL("fk", id)
	ncond, nargs := ownerSQL("n", id)
	err := k.db.NewSelect().Model(&rows).Where(cond, args...).
		Where("NOT EXISTS (SELECT 1 FROM piazza.federation_keys n WHERE "+ncond+
			" AND n.active_from > fk.active_from AND n.active_from <= now() - ?::interval)",
			append(nargs, fmt.Sprintf("%d seconds", int(Overlap.Seconds())))...).
		Order("fk.active_from DESC").Scan(ctx)
	if err != nil {
		return jose.JSONWebKeySet{}, fmt.Errorf("federation keys: %w", err)
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
