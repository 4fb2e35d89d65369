package profile

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/setting"
	"github.com/piazza-pa/piazza/platform/taxonomy"
)

// The service: what members and facilitators do with profiles, each in one
// of the tenant's transactions, for the member of ctx.

// viewing runs fn in a transaction, with the member of ctx as a viewer.
func (m *Module) viewing(ctx context.Context, fn func(ctx context.Context, tx bun.Tx, vw Viewer) error) error {
	return screen.As(ctx, &m.Kit, viewer, fn)
}

// Directory returns the viewer of ctx and a page of the profiles they see
// matching f, after cur, with the cursor of the next page ("" for none).
func (m *Module) Directory(ctx context.Context, f Filter, cur keyset.Cursor) (vw Viewer, ps []Profile, next string, err error) {
	err = m.viewing(ctx, func(ctx context.Context, tx bun.Tx, v Viewer) error {
		vw = v
		ps, next, err = Directory(ctx, tx, v, f, cur, keyset.Size)
		return err
	})
	return vw, ps, next, err
}

// Card is what a profile's page shows its viewer.
type Card struct {
	Profile *Profile
	Tags    []taxonomy.Tag
	// Own: the viewer's own profile; Decide: it waits for the viewer's validation.
	Own, Decide bool
	// Groups are the person's communities and organisations by module,
	// Contributions their latest items, as the viewer may see them.
	Groups        []Shelf
	Contributions []Link
}

// Card reads member id's profile for the member of ctx, with its tags and
// what the other modules show of the person.
func (m *Module) Card(ctx context.Context, id int64) (*Card, error) {
	v := new(Card)
	err := m.viewing(ctx, func(ctx context.Context, tx bun.Tx, vw Viewer) error {
		var err error
		if v.Profile, err = Get(ctx, tx, vw, id); err != nil {
			return err
		}
		v.Own = id == vw.UserID
		v.Decide = vw.Facilitator && vw.Validation && v.Profile.State == ToValidate
		if v.Tags, err = tagsOf(ctx, tx, v.Profile.Tags); err != nil {
			return err
		}
		v.Groups, v.Contributions, err = m.activity(ctx, tx, id, vw.UserID)
		return err
	})
	return v, err
}

// Own reads the member's own profile, the tenant's tags, and whether the
// tenant validates profiles, for the profile form.
func (m *Module) Own(ctx context.Context) (p *Profile, tags []taxonomy.Tag, validation bool, err error) {
	err = m.viewing(ctx, func(ctx context.Context, tx bun.Tx, vw Viewer) error {
		validation = vw.Validation
		if p, err = Get(ctx, tx, vw, vw.UserID); err != nil {
			return err
		}
		tags, err = taxonomy.Tags(ctx, tx)
		return err
	})
	return p, tags, validation, err
}

// Photo returns member id's photo and its type, to those who may see the
// profile.
func (m *Module) Photo(ctx context.Context, id int64) (b []byte, typ string, err error) {
	err = m.viewing(ctx, func(ctx context.Context, tx bun.Tx, vw Viewer) error {
		if _, err := Get(ctx, tx, vw, id); err != nil {
			return err
		}
		b, typ, err = photo(ctx, tx, id)
		return err
	})
	return b, typ, err
}

// Decide is a facilitator's decision (Validated, NotValidated) on profile
// id waiting for validation.
func (m *Module) Decide(ctx context.Context, id int64, state string) error {
	return m.viewing(ctx, func(ctx context.Context, tx bun.Tx, vw Viewer) error {
		if !vw.Facilitator {
			return authz.ErrForbidden
		}
		if _, err := Get(ctx, tx, vw, id); err != nil {
			return err
		}
		return moveState(ctx, tx, id, state, ToValidate)
	})
}

// Submit sends the member's own profile to the facilitators.
func (m *Module) Submit(ctx context.Context) error {
	uid := auth.UserFromContext(ctx).ID
	return m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return moveState(ctx, tx, uid, ToValidate, Draft, NotValidated)
	})
}

// moveState moves profile uid from one of from to state, else ErrNotWaiting.
func moveState(ctx context.Context, tx bun.IDB, uid int64, state string, from ...string) error {
	ok, err := setState(ctx, tx, uid, state, from...)
	if err == nil && !ok {
		err = ErrNotWaiting
	}
	return err
}

// Save writes the member's own profile from in (checked by the form):
// known tags only; a validated profile that changes goes back to draft
// when the tenant validates profiles.
func (m *Module) Save(ctx context.Context, in *Profile) error {
	uid := auth.UserFromContext(ctx).ID
	return m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		tags, err := taxonomy.KnownTags(ctx, tx, in.Tags)
		if err != nil {
			return err
		}
		on, err := setting.Bool(ctx, tx, setting.ProfileValidation)
		if err != nil {
			return err
		}
		r := &row{UserID: uid, Bio: in.Bio, Competencies: nonNil(in.Competencies), Themes: nonNil(in.Themes),
			Tags: tags, NotifyFrequency: in.NotifyFrequency, ContactOff: in.ContactOff, State: Draft}
		if r.Tags == nil {
			r.Tags = []int64{}
		}
		return save(ctx, tx, r, in.Name, in.Locale, on)
	})
}

// SetPhoto replaces the member's own photo (b, of type typ).
func (m *Module) SetPhoto(ctx context.Context, b []byte, typ string) error {
	uid := auth.UserFromContext(ctx).ID
	return m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error { return setPhoto(ctx, tx, uid, b, typ) })
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
