package content

import (
	"context"

	"github.com/piazza-pa/piazza/platform/scope"
)

// MayModerate says whether uid may decide on any item of the type: they
// validate the type's items, or manage a community (whose items are its
// managers' to decide on). Unknown memberships count as maybe.
func (k *Kit[T, P]) MayModerate(ctx context.Context, uid int64) bool {
	v := scope.From(ctx, k.ViewerAs(ctx, uid))
	return v.Validator || v.M == nil || len(v.M.Managed) > 0
}

// Waits is the inbox's probe of the items waiting for validation: nothing
// for a member who may decide on none; for a validator of the type (or a
// member whose memberships are unknown), whether any item of another
// author waits; for a community's manager, whether one waits in a
// community they manage — as the scope rules show items waiting for
// validation to their deciders (through the type's index of the items
// waiting).
func (k *Kit[T, P]) Waits(ctx context.Context, uid int64) (string, []any, bool) {
	v := scope.From(ctx, k.ViewerAs(ctx, uid))
	waiting := "EXISTS (SELECT 1 FROM " + k.Table + " WHERE state = 'to_validate' AND author_id IS DISTINCT FROM ?"
	switch {
	case v.Validator || v.M == nil:
		return waiting + ")", []any{uid}, true
	case len(v.M.Managed) > 0:
		return waiting + " AND scope_kind = 'communities' AND scope_communities && ?::bigint[])", []any{uid, v.M.Managed}, true
	}
	return "", nil, false
}
