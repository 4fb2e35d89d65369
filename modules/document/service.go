package document

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/workflow"
	"github.com/piazza-pa/piazza/tenant"
)

// The service: what people do in the libraries, each in one of the
// tenant's transactions, for the member (or guest) of ctx.

// uidOf is the member of ctx (0 for a guest).
func uidOf(ctx context.Context) int64 {
	if u := auth.UserFromContext(ctx); u != nil {
		return u.ID
	}
	return 0
}

// Place names a page of a library: a folder (its library is the
// folder's), else a community's library's root (0: the tenant library's).
type Place struct{ Community, Folder int64 }

// Shelf is a page of a library as its viewer sees it.
type Shelf struct {
	Library *Library
	// Folder is the folder shown (nil: the root), Crumbs the way to it.
	Folder *Folder
	Crumbs []Crumb
	// Folders are its folders (none when searching), Documents a page of
	// its documents (or of the library's, searching), Next the cursor of
	// the page after it.
	Folders   []Folder
	Documents []Document
	Next      string
	// Add: the viewer may add folders and documents here; Change: rename,
	// move or remove the folder shown, to one of Choices (the library's
	// folders).
	Add, Change bool
	Choices     []Crumb
}

// Browse reads the page of the library at the place for the viewer of
// ctx, with the documents q asks for.
func (m *Module) Browse(ctx context.Context, at Place, q Query) (s Shelf, err error) {
	uid := uidOf(ctx)
	err = m.kit.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if s.Library, s.Folder, err = locate(ctx, tx, at, uid); err != nil {
			return err
		}
		if ctx, err = scope.Preload(ctx, tx, uid); err != nil {
			return err
		}
		var fid int64
		if s.Folder != nil {
			fid = s.Folder.ID
			if s.Crumbs, err = breadcrumb(ctx, tx, fid); err != nil {
				return err
			}
		}
		if s.Documents, s.Next, err = listDocuments(ctx, tx, m.kit.ViewerOf(ctx), s.Library, fid, q); err != nil {
			return err
		}
		if !q.Searching() {
			if s.Folders, err = subfolders(ctx, tx, s.Library.CommunityID, fid); err != nil {
				return err
			}
		}
		return s.mayDo(ctx, tx, uid)
	})
	return s, err
}

// mayDo fills what uid may do on the shelf.
func (s *Shelf) mayDo(ctx context.Context, tx bun.IDB, uid int64) error {
	var err error
	if s.Add, err = allowed(ctx, tx, s.Library, uid, actAdd, 0); err != nil || s.Folder == nil {
		return err
	}
	if s.Change, err = allowed(ctx, tx, s.Library, uid, actChange, s.Folder.Owner()); err != nil || !s.Change {
		return err
	}
	s.Choices, err = allFolders(ctx, tx, s.Library.CommunityID)
	return err
}

// locate opens the library of a place, and its folder (nil at a root).
func locate(ctx context.Context, tx bun.IDB, at Place, uid int64) (*Library, *Folder, error) {
	if at.Folder == 0 {
		lib, err := openLibrary(ctx, tx, at.Community, uid)
		return lib, nil, err
	}
	f, err := getFolder(ctx, tx, at.Folder)
	if err != nil {
		return nil, nil, err
	}
	lib, err := openLibrary(ctx, tx, f.Library(), uid)
	return lib, f, err
}

// Shown is a document's page as its viewer sees it.
type Shown struct {
	Document *Document
	Library  *Library
	Crumbs   []Crumb
	Versions []Version
	// Change: the viewer may edit, version, restore and remove it.
	Change bool
}

// Read returns document id as the viewer of ctx sees it.
func (m *Module) Read(ctx context.Context, id int64) (s Shown, err error) {
	uid := uidOf(ctx)
	err = m.kit.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if s.Document, err = m.kit.Get(ctx, tx, m.kit.ViewerOf(ctx), id); err != nil {
			return err
		}
		if s.Library, err = openLibrary(ctx, tx, s.Document.Library(), uid); err != nil {
			return err
		}
		if s.Document.FolderID != nil {
			if s.Crumbs, err = breadcrumb(ctx, tx, *s.Document.FolderID); err != nil {
				return err
			}
		}
		if s.Versions, err = versionsOf(ctx, tx, id); err != nil {
			return err
		}
		s.Change, err = allowed(ctx, tx, s.Library, uid, actChange, s.Document.Author())
		return err
	})
	return s, err
}

// acting loads document id for the member uid who changes it: the
// document (if they see it) locked until tx ends, and its library.
func (m *Module) acting(ctx context.Context, tx bun.IDB, id, uid int64) (*Document, *Library, error) {
	d, err := m.kit.Get(ctx, tx, m.kit.ViewerOf(ctx), id)
	if err != nil {
		return nil, nil, err
	}
	lib, err := openLibrary(ctx, tx, d.Library(), uid)
	if err != nil {
		return nil, nil, err
	}
	if err := require(ctx, tx, lib, uid, actChange, d.Author()); err != nil {
		return nil, nil, err
	}
	if _, err := tx.ExecContext(ctx, "SELECT 1 FROM documents WHERE id = ? FOR UPDATE", id); err != nil {
		return nil, nil, err
	}
	return d, lib, nil
}

// check refuses, on the form's fields, what d may not hold in lib: a
// folder of another library, a scope uid may not write to (the tenant
// library's; a community's documents are for its members); it keeps known
// tags, and their names for search.
func (m *Module) check(ctx context.Context, tx bun.IDB, lib *Library, d *Document, uid int64, errs form.Errors) error {
	if d.FolderID != nil {
		f, err := getFolder(ctx, tx, *d.FolderID)
		if err != nil || f.Library() != lib.CommunityID {
			errs.Add("folder", "document.error.folder")
		}
	}
	d.CommunityID = lib.Community()
	if lib.CommunityID != 0 {
		d.Scope = scope.Scope{Kind: scope.Communities, Communities: []int64{lib.CommunityID}}
		d.Scope.Lists()
	} else if err := m.kit.CheckScope(ctx, tx, ContentType, &d.Scope, uid, errs); err != nil {
		return err
	}
	known, err := taxonomy.KnownTags(ctx, tx, d.Tags)
	if err != nil {
		return err
	}
	if d.Tags = known; d.Tags == nil {
		d.Tags = []int64{}
	}
	d.TagNames, err = tagNames(ctx, tx, d.Tags)
	return err
}

// Create records d, added by the member of ctx to the library of its
// CommunityID (0: the tenant's), with its first version from the form's
// file for a file; errs are the form's errors, all told together with
// those found against the database.
func (m *Module) Create(ctx context.Context, d *Document, errs form.Errors, file Upload) error {
	uid := auth.UserFromContext(ctx).ID
	return m.write(ctx, func(ctx context.Context, tx bun.Tx, w *written) error {
		lib, err := openLibrary(ctx, tx, d.Library(), uid)
		if err != nil {
			return err
		}
		if err := require(ctx, tx, lib, uid, actAdd, 0); err != nil {
			return err
		}
		checkKind(d, true, file, errs)
		if err := m.check(ctx, tx, lib, d, uid, errs); err != nil {
			return err
		}
		if err := errs.Err(); err != nil {
			return err
		}
		now := time.Now()
		d.AuthorID, d.State, d.PublishedAt = &uid, workflow.Published, &now
		if err := insertDocument(ctx, tx, d); err != nil {
			return err
		}
		if d.Kind == File {
			if err := m.addVersion(ctx, tx, w, d, uid, file.store(ctx, tx, m), nil); err != nil {
				return err
			}
		}
		return announce(ctx, tx, d, uid, "document.notify.added")
	})
}

// Save writes in's name, description, classification, folder, link and
// scope over document id, which the member of ctx may change.
func (m *Module) Save(ctx context.Context, id int64, in *Document, errs form.Errors) error {
	uid := auth.UserFromContext(ctx).ID
	return m.write(ctx, func(ctx context.Context, tx bun.Tx, _ *written) error {
		d, lib, err := m.acting(ctx, tx, id, uid)
		if err != nil {
			return err
		}
		in.ID, in.Kind, in.AuthorID = d.ID, d.Kind, d.AuthorID
		checkKind(in, false, Upload{}, errs)
		if err := m.check(ctx, tx, lib, in, uid, errs); err != nil {
			return err
		}
		if err := errs.Err(); err != nil {
			return err
		}
		return updateDocument(ctx, tx, in)
	})
}

// Remove deletes document id, which the member of ctx may change, with its
// versions; their bytes leave the storage once that is committed. It
// returns the address of the folder it was in.
func (m *Module) Remove(ctx context.Context, id int64) (back string, err error) {
	uid := auth.UserFromContext(ctx).ID
	err = m.write(ctx, func(ctx context.Context, tx bun.Tx, _ *written) error {
		d, lib, err := m.acting(ctx, tx, id, uid)
		if err != nil {
			return err
		}
		back = lib.Path()
		if d.FolderID != nil {
			back = folderPath(*d.FolderID)
		}
		if _, err := tx.NewDelete().Model((*Document)(nil)).Where("id = ?", id).Exec(ctx); err != nil {
			return err
		}
		return m.drop(ctx, tx, id)
	})
	return back, err
}

// announce tells those who see document d of its being added or versioned
// by uid (message: the sentence's key): the members of its community, or
// whom the scope of a document of the tenant library reaches — the same
// condition that shows it in the library (a community's document carries
// its community as its scope).
func announce(ctx context.Context, tx bun.IDB, d *Document, uid int64, message string) error {
	return notify.Announce(ctx, tx, &notify.Event{ContentType: ContentType, ItemID: d.ID, Title: d.Title, URL: d.URL(),
		AuthorID: &uid, Scope: d.Scope, Message: message})
}

// slugOf is the tenant of ctx's name in the file store.
func slugOf(ctx context.Context) string { return tenant.FromContext(ctx).Slug }
