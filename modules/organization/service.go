package organization

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/membership"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/setting"
)

// The service: what members do with organisations, each in one of the
// tenant's transactions, for the member of ctx.

// viewing runs fn in a transaction, with the member of ctx as a viewer.
func (m *Module) viewing(ctx context.Context, fn func(ctx context.Context, tx bun.Tx, vw Viewer) error) error {
	return screen.As(ctx, &m.Kit, viewer, fn)
}

// visible runs fn on organisation id as the member of ctx sees it.
func (m *Module) visible(ctx context.Context, id int64, fn func(ctx context.Context, tx bun.Tx, vw Viewer, o *Organization) error) error {
	return m.viewing(ctx, func(ctx context.Context, tx bun.Tx, vw Viewer) error {
		o, err := Get(ctx, tx, vw, id)
		if err != nil {
			return err
		}
		return fn(ctx, tx, vw, o)
	})
}

// referent runs fn on organisation id when the member of ctx refers for it
// (or, for admins, any they see).
func (m *Module) referent(ctx context.Context, id int64, fn func(ctx context.Context, tx bun.Tx, o *Organization) error) error {
	return m.visible(ctx, id, func(ctx context.Context, tx bun.Tx, _ Viewer, o *Organization) error {
		if !(o.MyRole == Referent && o.MyState == Active) && !authz.Can(ctx, "admin/organizations", "manage") {
			return authz.ErrForbidden
		}
		return fn(ctx, tx, o)
	})
}

// Create records o, its creator (the member of ctx) as referent; it waits
// for a facilitator when the tenant validates organisations.
func (m *Module) Create(ctx context.Context, o *Organization) error {
	u := auth.UserFromContext(ctx)
	o.CreatedBy = &u.ID
	return m.viewing(ctx, func(ctx context.Context, tx bun.Tx, vw Viewer) error {
		o.State = Validated
		if vw.Validation && !vw.Facilitator {
			o.State = ToValidate
		}
		return insert(ctx, tx, o, u.ID)
	})
}

// Save replaces organisation in.ID's data with in's, for its referents;
// errs are the form's problems, told only to those who may save.
func (m *Module) Save(ctx context.Context, in *Organization, errs form.Errors) error {
	return m.referent(ctx, in.ID, func(ctx context.Context, tx bun.Tx, _ *Organization) error {
		if len(errs) > 0 {
			return errs.Err()
		}
		return update(ctx, tx, in)
	})
}

// Join asks to be linked to organisation id as an employee (or accepts
// the invitation waiting).
func (m *Module) Join(ctx context.Context, id int64) error {
	return m.visible(ctx, id, func(ctx context.Context, tx bun.Tx, vw Viewer, o *Organization) error {
		_, err := people.Join(ctx, tx, o.ID, vw.UserID, Employee, false)
		return err
	})
}

// Leave ends the member's link to organisation id (or their request); the
// last referent stays.
func (m *Module) Leave(ctx context.Context, id int64) error {
	return m.visible(ctx, id, func(ctx context.Context, tx bun.Tx, vw Viewer, o *Organization) error {
		return people.Leave(ctx, tx, o.ID, vw.UserID)
	})
}

// Answer accepts or declines the member's invitation to organisation id.
func (m *Module) Answer(ctx context.Context, id int64, accept bool) error {
	uid := auth.UserFromContext(ctx).ID
	return m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error { return people.Answer(ctx, tx, id, uid, accept) })
}

// Decide is a referent's decision on person uid of organisation id:
// approve, reject, remove, or a role (referent, employee).
func (m *Module) Decide(ctx context.Context, id, uid int64, action string) error {
	return m.referent(ctx, id, func(ctx context.Context, tx bun.Tx, o *Organization) error {
		if action == Referent || action == Employee {
			return people.SetRole(ctx, tx, o.ID, uid, action)
		}
		return people.Decide(ctx, tx, o.ID, uid, action)
	})
}

// Validate is a facilitator's decision (Validated, NotValidated) on
// organisation id waiting for it.
func (m *Module) Validate(ctx context.Context, id int64, state string) error {
	return m.viewing(ctx, func(ctx context.Context, tx bun.Tx, vw Viewer) error {
		if !vw.Facilitator {
			return authz.ErrForbidden
		}
		o, err := Get(ctx, tx, vw, id)
		if err != nil {
			return err
		}
		if o.State != ToValidate {
			return ErrNothing
		}
		_, err = tx.NewUpdate().Table("organizations").Set("state = ?", state).Where("id = ?", o.ID).Exec(ctx)
		return err
	})
}

// Overview is what an organisation's page shows its viewer.
type Overview struct {
	Org *Organization
	// People are the page of the list of people shown (its people, or for
	// those who manage it requests or invitations), Next the cursor of the
	// page after it ("" for none).
	People []Person
	Next   string
	// Manage: the viewer refers for it (or administers); Decide: they
	// validate it; Validation: the tenant validates organisations.
	Manage, Decide, Validation bool
}

// OpenList reads which list of organisation id's people an address asks
// for (membership.Spec.Open): a page not of it is a 404.
func OpenList(ctx context.Context, id int64, state, who, after string) (membership.List, error) {
	return people.Open(ctx, id, state, who, after)
}

// Overview reads organisation id's page for the member of ctx, with page l
// of its people: the people linked to it, and for those who manage it the
// requests and invitations waiting (to others, those lists are not found).
func (m *Module) Overview(ctx context.Context, id int64, l membership.List) (*Overview, error) {
	v := new(Overview)
	err := m.visible(ctx, id, func(ctx context.Context, tx bun.Tx, vw Viewer, o *Organization) error {
		v.Org, v.Validation = o, vw.Validation
		v.Manage = (o.MyRole == Referent && o.MyState == Active) || authz.Can(ctx, "admin/organizations", "manage")
		v.Decide = vw.Facilitator && o.State == ToValidate
		if l.State != Active && !v.Manage {
			return ErrNotFound
		}
		var err error
		v.People, v.Next, err = PeoplePage(ctx, tx, o.ID, l, membership.PageSize)
		return err
	})
	return v, err
}

// List returns the viewer of ctx, a page of the organisations they see
// matching f, after cur, and the cursor of the next page ("" for none).
func (m *Module) List(ctx context.Context, f Filter, cur keyset.Cursor) (vw Viewer, os []Organization, next string, err error) {
	err = m.viewing(ctx, func(ctx context.Context, tx bun.Tx, v Viewer) error {
		vw = v
		os, next, err = List(ctx, tx, v, f, cur, keyset.Size)
		return err
	})
	return vw, os, next, err
}

// Validation says whether the tenant validates new organisations.
func (m *Module) Validation(ctx context.Context) (on bool, err error) {
	err = m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		on, err = setting.Bool(ctx, tx, setting.OrganizationValidation)
		return err
	})
	return on, err
}
