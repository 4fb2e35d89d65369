package exchange

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/piazza-pa/piazza/modules/exchange/share"
	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/keyset"
)

// The control plane's side of the exchange (migrations/control/0015):
// every query here names the control schema and runs on the pool, never
// in a tenant's transaction (whose role may not read it).

// ErrNotFound is a snapshot that does not exist, or that the viewer's
// tenant may not see.
var ErrNotFound = platform.NewError(platform.ErrNotFound, "no such opportunity")

// ErrAlready is an interest the member expressed already.
var ErrAlready = platform.NewKeyedError(platform.ErrConflict, "exchange.error.already", "you expressed your interest already")

// Snapshot is an opportunity as the exchange shows it.
type Snapshot struct {
	bun.BaseModel `bun:"table:piazza.exchange_snapshots,alias:s"`

	ID         int64      `bun:"id,pk,autoincrement"`
	TenantID   int64      `bun:"tenant_id"`
	ItemType   string     `bun:"item_type"`
	ItemID     int64      `bun:"item_id"`
	Title      string     `bun:"title"`
	Summary    string     `bun:"summary"`
	Kind       string     `bun:"kind"`
	Themes     []string   `bun:"themes,array"`
	Countries  []string   `bun:"countries,array"`
	Stage      string     `bun:"stage"`
	ClosesAt   *time.Time `bun:"closes_at"`
	Language   string     `bun:"language"`
	OriginName string     `bun:"origin_name"`
	SourceAt   time.Time  `bun:"source_at"`
	UpdatedAt  time.Time  `bun:"updated_at,nullzero,default:now()"`
}

// visibleTo keeps, of a query on snapshots AS s, those a member of tenant
// me sees: of tenants other than me, active and taking part, not past
// their closing date.
func visibleTo(q *bun.SelectQuery, me int64) *bun.SelectQuery {
	return q.Where("s.tenant_id <> ?", me).
		Where("EXISTS (SELECT 1 FROM piazza.exchange_members AS em JOIN piazza.tenants AS t ON t.id = em.tenant_id AND t.status = 'active' WHERE em.tenant_id = s.tenant_id)").
		Where("(s.closes_at IS NULL OR s.closes_at > now())")
}

// listOrder is the list's order: the newest change first.
var listOrder = keyset.Order{Key: "s.updated_at", ID: "s.id", Desc: true}

// Filter is what the list is narrowed to.
type Filter struct {
	Query, Theme, Kind, Country, Type string
}

// list reads a page of the opportunities a member of tenant me sees.
func list(ctx context.Context, db bun.IDB, me int64, f Filter, c keyset.Cursor, size int) ([]Snapshot, error) {
	var out []Snapshot
	q := visibleTo(db.NewSelect().Model(&out), me)
	if f.Query != "" {
		q = q.Where("s.search @@ websearch_to_tsquery('simple', ?)", f.Query)
	}
	if f.Theme != "" {
		q = q.Where("s.themes @> ARRAY[?]::text[]", f.Theme)
	}
	if f.Kind != "" {
		q = q.Where("s.kind = ?", f.Kind)
	}
	if f.Country != "" {
		q = q.Where("s.countries @> ARRAY[?]::text[]", f.Country)
	}
	if f.Type != "" {
		q = q.Where("s.item_type = ?", f.Type)
	}
	if err := listOrder.Page(q, c, size).Scan(ctx); err != nil {
		return nil, fmt.Errorf("exchange list: %w", err)
	}
	return out, nil
}

// get reads snapshot id as a member of tenant me sees it.
func get(ctx context.Context, db bun.IDB, me, id int64) (*Snapshot, error) {
	s := new(Snapshot)
	err := visibleTo(db.NewSelect().Model(s), me).Where("s.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("exchange opportunity: %w", err)
	}
	return s, nil
}

// put writes tenant t's snapshot of item typ/id, or removes it (s nil).
func put(ctx context.Context, db bun.IDB, tenantID int64, origin, typ string, id int64, s *share.Snapshot) error {
	if s == nil {
		_, err := db.NewDelete().TableExpr("piazza.exchange_snapshots").
			Where("tenant_id = ? AND item_type = ? AND item_id = ?", tenantID, typ, id).Exec(ctx)
		return err
	}
	themes, countries := s.Themes, s.Countries
	if themes == nil {
		themes = []string{}
	}
	if countries == nil {
		countries = []string{}
	}
	_, err := db.NewRaw(`INSERT INTO piazza.exchange_snapshots
		(tenant_id, item_type, item_id, title, summary, kind, themes, countries, stage, closes_at, language, origin_name, source_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, item_type, item_id) DO UPDATE SET title = excluded.title, summary = excluded.summary,
			kind = excluded.kind, themes = excluded.themes, countries = excluded.countries, stage = excluded.stage,
			closes_at = excluded.closes_at, language = excluded.language, origin_name = excluded.origin_name,
			source_at = excluded.source_at, updated_at = now()`,
		tenantID, typ, id, clip(s.Title, 300), clip(s.Summary, 2000), clip(s.Kind, 60), pgdialect.Array(themes), pgdialect.Array(countries),
		clip(s.Stage, 200), s.ClosesAt, clip(s.Language, 10), clip(origin, 200), s.At).Exec(ctx)
	return err
}

// Leave takes tenant id out of the exchange's list at once: its snapshots
// go (its membership stays unless it opts out).
func Leave(ctx context.Context, db bun.IDB, id int64) error {
	if _, err := db.NewDelete().TableExpr("piazza.exchange_snapshots").Where("tenant_id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("exchange leave: %w", err)
	}
	return nil
}

// join makes tenant id take part, by who; it says whether it did not
// already.
func join(ctx context.Context, db bun.IDB, id int64, who string) (bool, error) {
	res, err := db.NewRaw(`INSERT INTO piazza.exchange_members (tenant_id, joined_by) VALUES (?, ?)
		ON CONFLICT (tenant_id) DO NOTHING`, id, who).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("exchange join: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// optOut takes tenant id out of the exchange, its snapshots with it, in
// one transaction; it says whether it took part.
func optOut(ctx context.Context, db *bun.DB, id int64) (was bool, err error) {
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().TableExpr("piazza.exchange_members").Where("tenant_id = ?", id).Exec(ctx)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		was = n > 0
		return Leave(ctx, tx, id)
	})
	return was, err
}

// membership is when tenant id joined, by whom (nil: it does not take part).
type membership struct {
	JoinedBy string    `bun:"joined_by"`
	JoinedAt time.Time `bun:"joined_at"`
}

func member(ctx context.Context, db bun.IDB, id int64) (*membership, error) {
	m := new(membership)
	err := db.NewSelect().TableExpr("piazza.exchange_members").Column("joined_by", "joined_at").Where("tenant_id = ?", id).Scan(ctx, m)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return m, err
}

// clip cuts s to at most n characters.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
