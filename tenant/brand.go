package tenant

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/i18n"
)

// Look is one version of a tenant's branding.
type Look struct {
	// Name is the display name ("" keeps the registry's).
	Name string `json:"name,omitempty"`
	// Primary is the primary colour, #rrggbb ("" for Bootstrap Italia's).
	Primary string `json:"primary,omitempty"`
	// Logo is the SHA-256 of the logo among the tenant's assets ("" for none).
	Logo string `json:"logo,omitempty"`
	// Favicon is the SHA-256 of the favicon ("" for none).
	Favicon string `json:"favicon,omitempty"`
	// Languages are the enabled languages (nil: all), Language the default.
	Languages []string `json:"languages,omitempty"`
	Language  string   `json:"language,omitempty"`
	// HeaderLinks and FooterLinks are the site's own links.
	HeaderLinks []Link `json:"header_links,omitempty"`
	FooterLinks []Link `json:"footer_links,omitempty"`
	// Off are the keys of the modules switched off.
	Off []string `json:"off,omitempty"`
	// Intro is the site's introduction on the guest home, by language
	// (plain text, paragraphs separated by blank lines).
	Intro map[string]string `json:"intro,omitempty"`
}

// IntroIn is the site's introduction in lang, else in the site's default
// language, else in Piazza's (else ""), and the language it is written in.
func (l Look) IntroIn(lang string) (text, in string) {
	for _, k := range []string{lang, l.Language, i18n.Default} {
		if s := l.Intro[k]; s != "" {
			return s, k
		}
	}
	return "", ""
}

// Link is a labelled link of the header or footer.
type Link struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// Brand is the published look and the draft being previewed.
type Brand struct {
	Published Look  `json:"published"`
	Draft     *Look `json:"draft,omitempty"`
}

// Editing is the look the admin edits: the draft, else the published one.
func (b Brand) Editing() Look {
	if b.Draft != nil {
		return *b.Draft
	}
	return b.Published
}

// Asset is an uploaded brand image.
type Asset struct {
	bun.BaseModel `bun:"table:piazza.tenant_assets,alias:as"`

	TenantID    int64  `bun:"tenant_id,pk"`
	SHA256      string `bun:"sha256,pk"`
	ContentType string `bun:"content_type"`
	Data        []byte `bun:"data"`
}

// SaveDraft records the look an admin is previewing.
func (r *Registry) SaveDraft(ctx context.Context, id int64, l Look) error {
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	_, err = r.db.NewUpdate().Model((*Tenant)(nil)).
		Set("brand = jsonb_set(brand, '{draft}', ?::jsonb)", string(b)).Set("updated_at = now()").
		Where("id = ?", id).Exec(ctx)
	if err == nil {
		r.changed(id)
	}
	return err
}

// Publish makes the draft the published look, on every replica at once.
func (r *Registry) Publish(ctx context.Context, id int64) error {
	res, err := r.db.NewUpdate().Model((*Tenant)(nil)).
		Set("brand = jsonb_build_object('published', brand->'draft')").
		Set("name = coalesce(nullif(btrim(brand->'draft'->>'name'), ''), name)").Set("updated_at = now()").
		Where("id = ? AND brand->'draft' IS NOT NULL", id).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: nothing to publish", ErrWrongStatus)
	}
	r.changed(id)
	return nil
}

// PutAsset stores an image (already checked) and returns its address.
func (r *Registry) PutAsset(ctx context.Context, id int64, contentType string, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	a := &Asset{TenantID: id, SHA256: hex.EncodeToString(sum[:]), ContentType: contentType, Data: data}
	if _, err := r.db.NewInsert().Model(a).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return "", fmt.Errorf("store image: %w", err)
	}
	return a.SHA256, nil
}

// GetAsset returns one of a tenant's images.
func (r *Registry) GetAsset(ctx context.Context, id int64, sha string) (*Asset, error) {
	a := new(Asset)
	err := r.db.NewSelect().Model(a).Where("tenant_id = ? AND sha256 = ?", id, sha).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return a, err
}
