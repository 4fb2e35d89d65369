package community

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/organization"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/workflow"
)

// Guard decides the workflow permissions of uid on an item of contentType
// with scope s written by author: on the item's objects (its communities'
// or the tenant's), with uid's roles in those communities; only the author
// submits their own draft. Content modules share it.
func Guard(ctx context.Context, tx bun.IDB, contentType string, s scope.Scope, author, uid int64) (workflow.Guard, error) {
	rctx, err := WithRoles(ctx, tx, uid, s.Communities...)
	if err != nil {
		return nil, err
	}
	objs := scope.Objects(contentType, s)
	return func(perm string) bool {
		if perm == "submit" && author != uid {
			return false
		}
		for _, o := range objs {
			if authz.Can(rctx, o, perm) {
				return true
			}
		}
		return false
	}, nil
}

// CheckScope refuses, on the form's "scope" field, a scope uid may not
// write to: communities where their role does not create, organisations
// they do not belong to, the tenant when they may not create there. It
// keeps only existing tags.
func CheckScope(ctx context.Context, tx bun.IDB, contentType string, s *scope.Scope, uid int64, errs form.Errors) error {
	if len(s.Communities) > 0 {
		rctx, err := WithRoles(ctx, tx, uid, s.Communities...)
		if err != nil {
			return err
		}
		for _, o := range scope.Objects(contentType, *s) {
			if !authz.Can(rctx, o, "create") {
				errs.Add("scope", "scope.error.not_member")
			}
		}
	}
	if len(s.Organizations) > 0 {
		all, err := organization.WorksForAll(ctx, tx, uid, s.Organizations)
		if err != nil {
			return err
		}
		if !all {
			errs.Add("scope", "scope.error.not_member")
		}
	}
	if s.Kind == scope.Tenant && !authz.Can(ctx, "content/"+contentType, "create") {
		errs.Add("scope", "scope.error.not_member")
	}
	known, err := taxonomy.KnownTags(ctx, tx, s.Tags)
	if known == nil {
		known = []int64{}
	}
	s.Tags = known
	return err
}

// ContentViewer is the request's principal as a viewer of contentType: a guest,
// or a member with the memberships the request preloaded (scope.From);
// Validator when they validate that type's tenant-wide content.
func ContentViewer(ctx context.Context, contentType string) scope.Viewer {
	v := scope.Viewer{Validator: authz.Can(ctx, "content/"+contentType, "validate")}
	if u := auth.UserFromContext(ctx); u != nil {
		v.UserID = u.ID
	}
	return scope.From(ctx, v)
}
