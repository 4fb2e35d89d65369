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

// Overlap is how long a rotated-out federation key stays published in its
// owner's JWKS: statements signed with it (a superior's subordinate
// statement carries the keys it saw) keep verifying until they are renewed.
const Overlap = 48 * time.Hour

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
	RetiredAt  *time.Time      `bun:"retired_at"`
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

// owner is the WHERE clause naming owner's keys.
func owner(q *bun.SelectQuery, id int64) *bun.SelectQuery {
	if id == Installation {
		return q.Where("fk.tenant_id IS NULL")
	}
	return q.Where("fk.tenant_id = ?", id)
}

// context binds a sealed key to its owner and kid.
func sealContext(id int64, kid string) string {
	return "fedkey:" + strconv.FormatInt(id, 10) + ":" + kid
}

// Signer returns owner's current signing key, making one on first use (so
// that tenants provisioned before federation need no backfill; two
// replicas racing to make it end with one, the unique index deciding).
func (k *Keys) Signer(ctx context.Context, id int64) (jose.SigningKey, error) {
	for range 2 {
		row := new(key)
		err := owner(k.db.NewSelect().Model(row), id).Where("fk.retired_at IS NULL").Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := k.generate(ctx, k.db, id, false); err != nil {
				return jose.SigningKey{}, err
			}
			continue
		}
		if err != nil {
			return jose.SigningKey{}, fmt.Errorf("federation key: %w", err)
		}
		return k.open(row, id)
	}
	return jose.SigningKey{}, errors.New("federation key: none after generating one")
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

// Rotate makes a new current key for owner; the previous one stays
// published for Overlap. It returns the new key's id.
func (k *Keys) Rotate(ctx context.Context, id int64) (string, error) {
	db, ok := k.db.(*bun.DB)
	if !ok {
		return k.generate(ctx, k.db, id, true)
	}
	var kid string
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		kid, err = k.generate(ctx, tx, id, true)
		return err
	})
	return kid, err
}

// generate stores a new RSA key for owner; with retire, the current one is
// retired first, otherwise a concurrent first key wins silently.
func (k *Keys) generate(ctx context.Context, db bun.IDB, id int64, retire bool) (string, error) {
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
	if retire {
		q := db.NewUpdate().Model((*key)(nil)).Set("retired_at = now()").Where("retired_at IS NULL")
		if id == Installation {
			q = q.Where("tenant_id IS NULL")
		} else {
			q = q.Where("tenant_id = ?", id)
		}
		if _, err := q.Exec(ctx); err != nil {
			return "", fmt.Errorf("retire federation key: %w", err)
		}
	}
	ins := db.NewInsert().Model(row)
	if !retire {
		ins = ins.On("CONFLICT DO NOTHING")
	}
	if _, err := ins.Exec(ctx); err != nil {
		return "", fmt.Errorf("store federation key: %w", err)
	}
	return pub.KeyID, nil
}

// JWKS returns owner's public federation keys: the current one first, then
// those retired less than Overlap ago.
func (k *Keys) JWKS(ctx context.Context, id int64) (jose.JSONWebKeySet, error) {
	var rows []key
	err := owner(k.db.NewSelect().Model(&rows), id).
		Where("(fk.retired_at IS NULL OR fk.retired_at > now() - ?::interval)", fmt.Sprintf("%d seconds", int(Overlap.Seconds()))).
		OrderExpr("fk.retired_at IS NOT NULL, fk.created_at DESC").Scan(ctx)
	if err != nil {
		return jose.JSONWebKeySet{}, fmt.Errorf("federation keys: %w", err)
	}
	return toSet(rows)
}

func toSet(rows []key) (jose.JSONWebKeySet, error) {
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
