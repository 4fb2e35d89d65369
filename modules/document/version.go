package document

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/storage"
)

// Upload is the file of a form (File nil: none was sent).
type Upload struct{ File *multipart.FileHeader }

// store is how the upload's bytes become an attachment: checked as every
// attachment is (size, kind, type and name agreeing with the bytes, the
// site's storage quota before anything is stored).
func (u Upload) store(ctx context.Context, tx bun.IDB, m *Module) func(a *attachment.Attachment) error {
	return func(a *attachment.Attachment) error {
		return attachment.AddFile(ctx, tx, m.files, slugOf(ctx), a, u.File)
	}
}

// written are the bytes a transaction stored, removed again from the
// storage if it rolls back.
type written struct{ keys []string }

// write runs fn in the tenant's transaction of ctx as the kit's actions
// run (what it announced is dispatched once committed); if it fails, the
// files it stored leave the storage, so that nothing of it remains.
func (m *Module) write(ctx context.Context, fn func(ctx context.Context, tx bun.Tx, w *written) error) error {
	w := &written{}
	err := m.kit.Announcing(ctx, func(ctx context.Context, tx bun.Tx) error { return fn(ctx, tx, w) })
	if err != nil {
		for _, k := range w.keys {
			_ = m.files.Delete(context.WithoutCancel(ctx), slugOf(ctx), k)
		}
	}
	return err
}

// drop removes the attachments of document id (its versions' bytes, once
// its versions are gone), and their bytes once the transaction commits.
func (m *Module) drop(ctx context.Context, tx bun.IDB, id int64) error {
	var keys []string
	err := tx.NewRaw("DELETE FROM attachments WHERE content_type = ? AND item_id = ? AND comment_id IS NULL RETURNING storage_key",
		ContentType, id).Scan(ctx, &keys)
	if err != nil {
		return fmt.Errorf("drop versions: %w", err)
	}
	slug := slugOf(ctx)
	content.AfterCommit(ctx, func(ctx context.Context) {
		for _, k := range keys {
			_ = m.files.Delete(ctx, slug, k)
		}
	})
	return nil
}

// addVersion stores d's next version by uid through store, restoring
// the version numbered restored (nil: a new file), and makes it current.
func (m *Module) addVersion(ctx context.Context, tx bun.IDB, w *written, d *Document, uid int64,
	store func(a *attachment.Attachment) error, restored *int) error {
	a := &attachment.Attachment{ContentType: ContentType, ItemID: d.ID, UploadedBy: &uid}
	if err := store(a); err != nil {
		return err
	}
	w.keys = append(w.keys, a.StorageKey)
	return record(ctx, tx, d.ID, uid, a, restored)
}

// record makes attachment a, stored by uid, document id's next version
// (restoring the version numbered restored, nil for none), its current,
// and brings the document back to the top of the dashboard's feed.
func record(ctx context.Context, tx bun.IDB, id, uid int64, a *attachment.Attachment, restored *int) error {
	var n int
	err := tx.QueryRowContext(ctx, `INSERT INTO document_versions (document_id, number, attachment_id, restored_from, created_by)
		SELECT ?, coalesce(max(number), 0) + 1, ?, ?, ? FROM document_versions WHERE document_id = ? RETURNING number`,
		id, a.ID, restored, uid, id).Scan(&n)
	if err != nil {
		return fmt.Errorf("record version: %w", err)
	}
	_, err = tx.NewUpdate().Table("documents").Set("versions = ?, size = ?, mime = ?, file_name = ?, updated_at = now(), feed_at = now()", n, a.Size, a.MIME, a.Name).
		Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("current version: %w", err)
	}
	return nil
}

// Seed stores data, named name and of type declared, as the next version
// of document id by uid, in the caller's transaction of a tenant whose
// files store keeps under slug (the demo's documents).
func Seed(ctx context.Context, tx bun.IDB, store storage.Store, slug string, id, uid int64, name, declared string, data []byte) error {
	a := &attachment.Attachment{ContentType: ContentType, ItemID: id, UploadedBy: &uid, Name: name}
	if err := attachment.Add(ctx, tx, store, slug, a, declared, bytes.NewReader(data)); err != nil {
		return err
	}
	return record(ctx, tx, id, uid, a, nil)
}

// AddVersion uploads the form's file as the next version of document id,
// a file the member of ctx may change; a refused file is an error on the
// form's field "file" and leaves nothing written.
func (m *Module) AddVersion(ctx context.Context, id int64, file Upload) error {
	uid := auth.UserFromContext(ctx).ID
	return m.write(ctx, func(ctx context.Context, tx bun.Tx, w *written) error {
		d, _, err := m.acting(ctx, tx, id, uid)
		if err != nil {
			return err
		}
		if d.Kind != File {
			return ErrNotFound
		}
		if err := m.addVersion(ctx, tx, w, d, uid, file.store(ctx, tx, m), nil); err != nil {
			return err
		}
		return announce(ctx, tx, d, uid, "document.notify.versioned")
	})
}

// Restore makes version n of document id current again as a new version
// holding its very bytes (counted against the storage as any upload).
func (m *Module) Restore(ctx context.Context, id int64, n int) error {
	uid := auth.UserFromContext(ctx).ID
	return m.write(ctx, func(ctx context.Context, tx bun.Tx, w *written) error {
		d, _, err := m.acting(ctx, tx, id, uid)
		if err != nil {
			return err
		}
		old, err := versionOf(ctx, tx, d.ID, n)
		if err != nil {
			return err
		}
		r, err := m.files.Open(ctx, slugOf(ctx), old.StorageKey)
		if err != nil {
			return fmt.Errorf("restore version: %w", err)
		}
		defer r.Close()
		store := func(a *attachment.Attachment) error {
			a.Name = old.Name
			return attachment.Add(ctx, tx, m.files, slugOf(ctx), a, old.MIME, r)
		}
		if err := m.addVersion(ctx, tx, w, d, uid, store, &old.Number); err != nil {
			return err
		}
		return announce(ctx, tx, d, uid, "document.notify.versioned")
	})
}

// Open returns version n of document id and its bytes to the viewer of ctx
// when they may see the document; the caller closes the bytes.
func (m *Module) Open(ctx context.Context, id int64, n int) (*attachment.Attachment, io.ReadCloser, error) {
	var a *attachment.Attachment
	err := m.kit.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		d, err := m.kit.Get(ctx, tx, m.kit.ViewerOf(ctx), id)
		if err != nil {
			return err
		}
		v, err := versionOf(ctx, tx, d.ID, n)
		if err != nil {
			return err
		}
		a, err = attachment.Get(ctx, tx, v.AttachmentID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	r, err := m.files.Open(ctx, slugOf(ctx), a.StorageKey)
	if err != nil {
		return nil, nil, err
	}
	return a, r, nil
}
