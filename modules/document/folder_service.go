package document

import (
	"context"
	"fmt"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/form"
)

// folderPath is the address of folder id's page.
func folderPath(id int64) string { return "/documents/folders/" + strconv.FormatInt(id, 10) }

// CreateFolder adds a folder named name under parent (0: the root) of the
// library of community cid (0: the tenant's), made by the member of ctx,
// and returns its address.
func (m *Module) CreateFolder(ctx context.Context, cid, parent int64, name string) (string, error) {
	uid := auth.UserFromContext(ctx).ID
	var f *Folder
	err := m.kit.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		lib, err := openLibrary(ctx, tx, cid, uid)
		if err != nil {
			return err
		}
		if err := require(ctx, tx, lib, uid, actAdd, 0); err != nil {
			return err
		}
		errs := form.Errors{}
		f = &Folder{CommunityID: lib.Community(), Name: folderName(name, errs), CreatedBy: &uid}
		if err := placeFolder(ctx, tx, f, parent, errs); err != nil {
			return err
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(f).Returning("id, created_at").Exec(ctx); err != nil {
			return fmt.Errorf("create folder: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return folderPath(f.ID), nil
}

// SaveFolder renames folder id and moves it under parent (0: the root of
// its library): the member of ctx may change it; under itself or one of
// its own folders it may not go.
func (m *Module) SaveFolder(ctx context.Context, id, parent int64, name string) error {
	return m.changingFolder(ctx, id, func(ctx context.Context, tx bun.Tx, f *Folder) error {
		errs := form.Errors{}
		f.Name = folderName(name, errs)
		if err := placeFolder(ctx, tx, f, parent, errs); err != nil {
			return err
		}
		if err := errs.Err(); err != nil {
			return err
		}
		_, err := tx.NewUpdate().Model(f).Column("name", "parent_id").WherePK().Exec(ctx)
		return err
	})
}

// RemoveFolder deletes folder id, empty, which the member of ctx may
// change, and returns the address of the folder it was in.
func (m *Module) RemoveFolder(ctx context.Context, id int64) (back string, err error) {
	err = m.changingFolder(ctx, id, func(ctx context.Context, tx bun.Tx, f *Folder) error {
		back = (&Library{CommunityID: f.Library()}).Path()
		if f.ParentID != nil {
			back = folderPath(*f.ParentID)
		}
		if err := emptyFolder(ctx, tx, f.ID); err != nil {
			return err
		}
		_, err := tx.NewDelete().Model(f).WherePK().Exec(ctx)
		return err
	})
	return back, err
}

// changingFolder runs fn on folder id when the member of ctx sees its
// library and may change it.
func (m *Module) changingFolder(ctx context.Context, id int64, fn func(ctx context.Context, tx bun.Tx, f *Folder) error) error {
	uid := auth.UserFromContext(ctx).ID
	if id <= 0 {
		return ErrNotFound
	}
	return m.kit.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		lib, f, err := locate(ctx, tx, Place{Folder: id}, uid)
		if err != nil {
			return err
		}
		if err := require(ctx, tx, lib, uid, actChange, f.Owner()); err != nil {
			return err
		}
		return fn(ctx, tx, f)
	})
}
