// Package workflow moves content items between states. Each content type's
// transitions are data (the tenant's workflow_transitions table): an action
// leads from one state to another and needs a permission, which the caller's
// guard decides for the item at hand. Every transition taken is written to
// the item's history, in the same transaction as the change of state.
package workflow

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/db"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
)

// The states every content type shares.
const (
	Draft      = "draft"
	ToValidate = "to_validate"
	Published  = "published"
	Archived   = "archived"
)

// Errors of a transition.
var (
	ErrNoTransition = platform.NewKeyedError(platform.ErrConflict, "workflow.error.no_transition",
		"this action is not possible in the item's current state")
	ErrForbidden = platform.NewKeyedError(platform.ErrForbidden, "workflow.error.forbidden", "you may not do this")
	ErrNotFound  = platform.NewError(platform.ErrNotFound, "no such item")
	ErrNoteLong  = platform.NewKeyedError(platform.ErrInvalid, "workflow.error.note",
		fmt.Sprintf("a note has at most %d characters", MaxNote))
)

// MaxNote is the longest note of a step, in characters (as the history's
// table allows).
const MaxNote = 1000

// Transition is one step of a content type's workflow.
type Transition struct {
	bun.BaseModel `bun:"table:workflow_transitions"`

	ContentType string `bun:"content_type"`
	Action      string `bun:"action"`
	From        string `bun:"from_state"`
	To          string `bun:"to_state"`
	Permission  string `bun:"permission"`
}

// Guard says whether the actor holds permission on the item at hand.
type Guard func(permission string) bool

// Item names a content item: its type, the table that holds it (with id
// and state columns) and its id.
type Item struct {
	Type, Table string
	ID          int64
}

// Apply takes action on the item for actor: it locks the item, finds the
// transition from its current state, asks may for its permission, changes
// the state and records the step.
func Apply(ctx context.Context, tx bun.IDB, it Item, action string, actor int64, note string, may Guard) (Transition, error) {
	if utf8.RuneCountInString(note) > MaxNote {
		return Transition{}, ErrNoteLong
	}
	var state string
	err := tx.NewSelect().Table(it.Table).Column("state").Where("id = ?", it.ID).For("UPDATE").Scan(ctx, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return Transition{}, ErrNotFound
	}
	if err != nil {
		return Transition{}, fmt.Errorf("workflow: lock item: %w", err)
	}
	var tr Transition
	err = tx.NewSelect().Model(&tr).
		Where("content_type = ? AND action = ? AND from_state = ?", it.Type, action, state).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Transition{}, ErrNoTransition
	}
	if err != nil {
		return Transition{}, fmt.Errorf("workflow: find transition: %w", err)
	}
	if !may(tr.Permission) {
		return Transition{}, ErrForbidden
	}
	if _, err := tx.NewUpdate().Table(it.Table).Set("state = ?", tr.To).Set("updated_at = now()").
		Where("id = ?", it.ID).Exec(ctx); err != nil {
		return Transition{}, fmt.Errorf("workflow: change state: %w", err)
	}
	return tr, Record(ctx, tx, it, tr.Action, tr.From, tr.To, actor, note)
}

// Record writes a step of the item's history (Apply does it; content types
// call it for the creation of an item).
func Record(ctx context.Context, tx bun.IDB, it Item, action, from, to string, actor int64, note string) error {
	s := &Step{ContentType: it.Type, ItemID: it.ID, Action: action, From: from, To: to, Note: note}
	if actor > 0 {
		s.ActorID = &actor
	}
	if _, err := tx.NewInsert().Model(s).Exec(ctx); err != nil {
		return fmt.Errorf("workflow: record history: %w", err)
	}
	return nil
}

// Available lists the actions of contentType open from state that may allows.
func Available(ctx context.Context, tx bun.IDB, contentType, state string, may Guard) ([]Transition, error) {
	var all []Transition
	if err := tx.NewSelect().Conn(db.Prepared(tx, contentType, state)).Model(&all).Where("content_type = $1 AND from_state = $2").
		Order("action").Scan(ctx); err != nil {
		return nil, fmt.Errorf("workflow: transitions: %w", err)
	}
	var out []Transition
	for _, t := range all {
		if may(t.Permission) {
			out = append(out, t)
		}
	}
	return out, nil
}

// Step is one transition taken, as the history keeps it.
type Step struct {
	bun.BaseModel `bun:"table:workflow_history,alias:h"`

	ID          int64     `bun:"id,pk,autoincrement"`
	ContentType string    `bun:"content_type"`
	ItemID      int64     `bun:"item_id"`
	Action      string    `bun:"action"`
	From        string    `bun:"from_state"`
	To          string    `bun:"to_state"`
	ActorID     *int64    `bun:"actor_id"`
	ActorName   string    `bun:"actor_name,scanonly"`
	Note        string    `bun:"note"`
	At          time.Time `bun:"at,nullzero,default:now()"`
}

// History lists the steps of an item, oldest first, with who took them.
func History(ctx context.Context, tx bun.IDB, it Item) ([]Step, error) {
	var steps []Step
	err := tx.NewSelect().Conn(db.Prepared(tx, it.Type, it.ID)).Model(&steps).
		ColumnExpr("?TableColumns").
		ColumnExpr(auth.NameSQL("u")+" AS actor_name").
		Join("LEFT JOIN users AS u ON u.id = h.actor_id").
		Where("h.content_type = $1 AND h.item_id = $2").Order("h.at", "h.id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("workflow: history: %w", err)
	}
	return steps, nil
}
