package content

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/comment"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/workflow"
)

// Items returns a page of the items the viewer of ctx sees, newest first:
// at most size after cur, and the cursor of the next page ("" for none).
// The member's memberships are read once, so that the scope rules compare
// arrays instead of running subqueries for every row.
func (k *Kit[T, P]) Items(ctx context.Context, cur keyset.Cursor, size int) (ts []T, next string, err error) {
	return k.ItemsWhere(ctx, cur, size, nil)
}

// ItemsWhere is Items of the list narrowed by where (the list's filters).
func (k *Kit[T, P]) ItemsWhere(ctx context.Context, cur keyset.Cursor, size int, where Where) (ts []T, next string, err error) {
	return k.itemsWhere(ctx, cur, size, where, k.Select)
}

// rows are ItemsWhere with only the columns a list page shows
// (Type.ListSelect).
func (k *Kit[T, P]) rows(ctx context.Context, cur keyset.Cursor, size int, where Where) ([]T, string, error) {
	sel := k.ListSelect
	if sel == nil {
		sel = k.Select
	}
	return k.itemsWhere(ctx, cur, size, where, sel)
}

func (k *Kit[T, P]) itemsWhere(ctx context.Context, cur keyset.Cursor, size int, where Where,
	sel SelectFunc) (ts []T, next string, err error) {
	err = k.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ctx, err := scope.Preload(ctx, tx, k.ViewerOf(ctx).UserID)
		if err != nil {
			return err
		}
		ts, next, err = k.listAfter(ctx, tx, k.ViewerOf(ctx), cur, size, where, sel)
		return err
	})
	return ts, next, err
}

// Shown is an item and what its viewer sees around it on its page.
type Shown[P any] struct {
	Item     P
	Comments comment.Thread
	Files    attachment.Box
	Actions  []workflow.Transition
	History  []workflow.Step
	// Edit: the member may edit the item (and attach files to it).
	Edit bool
	// Detail is the type's part of the page (Type.Detail).
	Detail any
}

// Read returns item id as the viewer of ctx sees it: its details, files
// and comments, and, for a member, what they may do to it and its history
// when they wrote it or decide on it.
func (k *Kit[T, P]) Read(ctx context.Context, id int64) (s Shown[P], err error) {
	err = k.Kit.Tx(db.Generic(ctx), func(ctx context.Context, tx bun.Tx) error {
		vw := k.ViewerOf(ctx)
		p, err := k.Get(ctx, tx, vw, id)
		if err != nil {
			return err
		}
		s.Item = p
		if k.Detail != nil {
			if s.Detail, err = k.Detail(ctx, tx, vw, p); err != nil {
				return err
			}
		}
		return k.around(ctx, tx, vw, &s)
	})
	return s, err
}

// around fills what vw sees around s.Item: its files and comments, and
// what a member may do to it.
func (k *Kit[T, P]) around(ctx context.Context, tx bun.IDB, vw scope.Viewer, s *Shown[P]) error {
	p := s.Item
	b := p.Content()
	files, err := attachment.List(ctx, tx, k.Name, b.ID)
	if err != nil {
		return err
	}
	s.Files = attachment.Box{Type: k.Name, ItemID: b.ID, Files: files}
	var may workflow.Guard = func(string) bool { return false }
	if uid := vw.UserID; uid > 0 {
		if may, err = k.GuardOf(ctx, tx, p, uid); err != nil {
			return err
		}
		if err := k.deciding(ctx, tx, uid, may, s); err != nil {
			return err
		}
	}
	moderate := vw.UserID > 0 && may("validate")
	cs, err := comment.List(ctx, tx, k.Name, b.ID, vw.UserID, moderate)
	s.Comments = comment.Thread{Type: k.Name, ItemID: b.ID, Comments: cs, Open: k.Open(p),
		Member: vw.UserID > 0, Moderate: moderate, Viewer: vw.UserID}
	return err
}

// deciding fills what member uid, who may what may says, does with
// s.Item: whether they edit it, its next steps and, when they wrote it or
// decide on it, its history.
func (k *Kit[T, P]) deciding(ctx context.Context, tx bun.IDB, uid int64, may workflow.Guard, s *Shown[P]) error {
	p := s.Item
	b := p.Content()
	s.Edit = k.MayEdit(p, uid, may)
	s.Files.Upload = s.Edit
	var err error
	if s.Actions, err = workflow.Available(ctx, tx, k.Name, b.State, may); err != nil {
		return err
	}
	if b.Author() == uid || may("validate") || may("publish") {
		s.History, err = workflow.History(ctx, tx, k.Item(p))
	}
	return err
}

// Transition takes workflow action on item id, which the member of ctx
// sees, with their note.
func (k *Kit[T, P]) Transition(ctx context.Context, id int64, action, note string) error {
	return k.announcing(ctx, func(ctx context.Context, tx bun.Tx) error {
		p, vw, may, err := k.Acting(ctx, tx, id)
		if err != nil {
			return err
		}
		tr, err := workflow.Apply(ctx, tx, k.Item(p), action, vw.UserID, note, may)
		if err == nil && tr.To == workflow.Published {
			err = k.published(ctx, tx, id)
		}
		return err
	})
}

// Act runs a type's own action on item id in a tenant transaction: fn gets
// the item (when the member of ctx sees it), who they are and what they
// may do to it.
func (k *Kit[T, P]) Act(ctx context.Context, id int64, fn func(ctx context.Context, tx bun.Tx, p P, vw scope.Viewer, may workflow.Guard) error) error {
	return k.announcing(ctx, func(ctx context.Context, tx bun.Tx) error {
		p, vw, may, err := k.Acting(ctx, tx, id)
		if err != nil {
			return err
		}
		return fn(ctx, tx, p, vw, may)
	})
}
