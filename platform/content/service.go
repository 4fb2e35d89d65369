package content

import (
	"context"
	"errors"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/workflow"
)

// The service: what members do with a type's items, each in one of the
// tenant's transactions, for the member of ctx. A transaction that may
// publish an item records its announcement in the outbox and dispatches it
// once committed (announcing): there is no other way events leave the kit.

// announcing runs fn in the tenant transaction of ctx and, once it has
// committed, dispatches the events it recorded (notify.Announce) and runs
// what it left for after the commit (AfterCommit).
func (k *Kit[T, P]) announcing(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	ctx, sent := notify.WithOutbox(ctx)
	later := &afterCommit{}
	ctx = context.WithValue(ctx, afterKey{}, later)
	if err := k.Kit.Tx(ctx, fn); err != nil {
		return err
	}
	notify.DispatchAll(ctx, k.Dispatch, k.Slug(ctx), sent())
	for _, f := range later.fns {
		f(context.WithoutCancel(ctx))
	}
	return nil
}

// Announcing runs fn as the kit's own actions run: in the tenant
// transaction of ctx, the events it recorded dispatched and what it left
// to AfterCommit run once it has committed (for a type's actions on
// things of its own, besides its items).
func (k *Kit[T, P]) Announcing(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return k.announcing(ctx, fn)
}

type afterKey struct{}

// afterCommit is what a transaction leaves for after its commit.
type afterCommit struct{ fns []func(ctx context.Context) }

// AfterCommit leaves fn to run once the kit's transaction of ctx has
// committed (in Create, Save, Transition, Act, Announcing), such as
// queueing a job about what it wrote; it never runs when the transaction
// rolls back, nor outside such a transaction. fn reports its own errors:
// what it does must be safe to lose (a schedule catches up).
func AfterCommit(ctx context.Context, fn func(ctx context.Context)) {
	if a, ok := ctx.Value(afterKey{}).(*afterCommit); ok {
		a.fns = append(a.fns, fn)
	}
}

// FormChoices reads what the form of p offers the member of ctx: the
// type's own choices (Type.Choices) and whether they may publish p.
func (k *Kit[T, P]) FormChoices(ctx context.Context, p P) (choices any, publish bool, err error) {
	uid := auth.UserFromContext(ctx).ID
	err = k.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if k.Choices != nil {
			if choices, err = k.Choices(ctx, tx, p, uid); err != nil {
				return err
			}
		}
		may, err := k.GuardOf(ctx, tx, p, uid)
		publish = err == nil && may("publish")
		return err
	})
	return choices, publish, err
}

// Create records p, written by the member of ctx, as a draft and takes
// the form's follow-up action on it (submit or publish; any other: none).
// errs are the form's errors: the item is checked against the database
// too, and all its errors come back together (form.FieldsOf).
func (k *Kit[T, P]) Create(ctx context.Context, p P, errs form.Errors, action string) error {
	uid := auth.UserFromContext(ctx).ID
	b := p.Content()
	b.AuthorID, b.State = &uid, workflow.Draft
	return k.announcing(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := k.check(ctx, tx, p, uid, errs); err != nil {
			return err
		}
		if err := k.insert(ctx, tx, p); err != nil {
			return err
		}
		if err := workflow.Record(ctx, tx, k.Item(p), "create", "", workflow.Draft, uid, ""); err != nil {
			return err
		}
		return k.advance(ctx, tx, p, uid, action)
	})
}

// Editable returns item id when the member of ctx may edit it.
func (k *Kit[T, P]) Editable(ctx context.Context, id int64) (p P, err error) {
	err = k.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		p, err = k.editable(ctx, tx, id, auth.UserFromContext(ctx).ID)
		return err
	})
	return p, err
}

// Save writes in over item id, which the member of ctx may edit (its
// author and state stay), and takes the form's follow-up action; errs as
// in Create.
func (k *Kit[T, P]) Save(ctx context.Context, id int64, in P, errs form.Errors, action string) error {
	uid := auth.UserFromContext(ctx).ID
	return k.announcing(ctx, func(ctx context.Context, tx bun.Tx) error {
		p, err := k.editable(ctx, tx, id, uid)
		if err != nil {
			return err
		}
		b, was := in.Content(), p.Content()
		b.ID, b.AuthorID, b.State = was.ID, was.AuthorID, was.State
		if err := k.check(ctx, tx, in, uid, errs); err != nil {
			return err
		}
		if err := k.Update(ctx, tx, in); err != nil {
			return err
		}
		return k.advance(ctx, tx, in, uid, action)
	})
}

// check refuses what uid may not write: a scope they may not write to,
// what the type's Check refuses, and the form's errors.
func (k *Kit[T, P]) check(ctx context.Context, tx bun.IDB, p P, uid int64, errs form.Errors) error {
	if err := k.CheckScope(ctx, tx, k.Name, &p.Content().Scope, uid, errs); err != nil {
		return err
	}
	if k.Check != nil {
		if err := k.Check(ctx, tx, p, uid, errs); err != nil {
			return err
		}
	}
	return errs.Err()
}

// advance takes the form's follow-up action (submit or publish) on a draft.
func (k *Kit[T, P]) advance(ctx context.Context, tx bun.IDB, p P, uid int64, action string) error {
	if action != "submit" && action != "publish" {
		return nil
	}
	may, err := k.GuardOf(ctx, tx, p, uid)
	if err != nil {
		return err
	}
	tr, err := workflow.Apply(ctx, tx, k.Item(p), action, uid, "", may)
	if errors.Is(err, workflow.ErrNoTransition) {
		return nil // saved; the state offers no such step (an edit of a published item)
	}
	if err == nil && tr.To == workflow.Published {
		err = k.published(ctx, tx, p.Content().ID)
	}
	return err
}

// editable loads an item the member uid may edit.
func (k *Kit[T, P]) editable(ctx context.Context, tx bun.IDB, id, uid int64) (P, error) {
	p, err := k.Get(ctx, tx, k.ViewerOf(ctx), id)
	if err != nil {
		return nil, err
	}
	may, err := k.GuardOf(ctx, tx, p, uid)
	if err != nil {
		return nil, err
	}
	if !k.MayEdit(p, uid, may) {
		return nil, authz.ErrForbidden
	}
	return p, nil
}
