package document

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/form"
)

// Folder is a folder of a library; ParentID nil is the library's root.
type Folder struct {
	bun.BaseModel `bun:"table:document_folders,alias:f"`

	ID          int64     `bun:"id,pk,autoincrement"`
	CommunityID *int64    `bun:"community_id"`
	ParentID    *int64    `bun:"parent_id"`
	Name        string    `bun:"name"`
	CreatedBy   *int64    `bun:"created_by"`
	CreatedAt   time.Time `bun:"created_at,nullzero,default:now()"`
}

// Library is the folder's community id (0: the tenant library).
func (f *Folder) Library() int64 {
	if f.CommunityID == nil {
		return 0
	}
	return *f.CommunityID
}

// Owner is who made the folder (0 when unknown).
func (f *Folder) Owner() int64 {
	if f.CreatedBy == nil {
		return 0
	}
	return *f.CreatedBy
}

// Parent is the folder's parent (0: the root).
func (f *Folder) Parent() int64 {
	if f.ParentID == nil {
		return 0
	}
	return *f.ParentID
}

// maxFolders bounds the folders a folder's page lists, and a folder's depth.
const maxFolders = 200

// folderLock is the first key of the advisory lock taken while a
// library's folders move (the second is the community's id, 0 for the
// tenant's), so that two moves cannot make a cycle between them.
const folderLock = 727_026

// getFolder is folder id, whatever its library (the caller opens it).
func getFolder(ctx context.Context, tx bun.IDB, id int64) (*Folder, error) {
	return db.One[Folder](ctx, tx.NewSelect().Where("f.id = ?", id), ErrNotFound)
}

// libraryWhere narrows a query on alias to the library of community cid
// (a parameter of p; nil: a literal).
func libraryWhere(q *bun.SelectQuery, alias string, cid int64, p *db.Params) *bun.SelectQuery {
	if cid == 0 {
		return q.Where(alias + ".community_id IS NULL")
	}
	return q.Where(alias+".community_id = ?", p.Arg(cid))
}

// subfolders lists folder parent's folders (0: the root's) of library
// cid, by name.
func subfolders(ctx context.Context, tx bun.IDB, cid, parent int64) ([]Folder, error) {
	var fs []Folder
	q := libraryWhere(tx.NewSelect().Model(&fs), "f", cid, nil)
	if parent == 0 {
		q = q.Where("f.parent_id IS NULL")
	} else {
		q = q.Where("f.parent_id = ?", parent)
	}
	if err := q.OrderExpr("lower(f.name), f.id").Limit(maxFolders).Scan(ctx); err != nil {
		return nil, fmt.Errorf("folders: %w", err)
	}
	return fs, nil
}

// allFolders lists library cid's folders, each with its path, by path:
// the choices of where to put a document or a folder.
func allFolders(ctx context.Context, tx bun.IDB, cid int64) ([]Crumb, error) {
	var out []Crumb
	err := tx.NewRaw(`WITH RECURSIVE t AS (
		SELECT id, name::text AS path, 1 AS depth FROM document_folders WHERE parent_id IS NULL AND coalesce(community_id, 0) = ?
		UNION ALL SELECT f.id, t.path || ' / ' || f.name, t.depth + 1 FROM document_folders f JOIN t ON f.parent_id = t.id WHERE t.depth < ?)
		SELECT id, path AS name FROM t ORDER BY lower(path) LIMIT 1000`, cid, maxFolders).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("library folders: %w", err)
	}
	return out, nil
}

// Crumb is a folder on the way from the root: its id and name.
type Crumb struct {
	ID   int64  `bun:"id"`
	Name string `bun:"name"`
}

// breadcrumb is the way from the root to folder id (id included).
func breadcrumb(ctx context.Context, tx bun.IDB, id int64) ([]Crumb, error) {
	var out []Crumb
	err := tx.NewRaw(`WITH RECURSIVE up AS (
		SELECT id, parent_id, name, 0 AS depth FROM document_folders WHERE id = ?
		UNION ALL SELECT f.id, f.parent_id, f.name, up.depth + 1 FROM document_folders f JOIN up ON f.id = up.parent_id WHERE up.depth < ?)
		SELECT id, name FROM up ORDER BY depth DESC`, id, maxFolders).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("breadcrumb: %w", err)
	}
	return out, nil
}

// folderName reads a folder's name from the form: one line, 1 to 200
// characters.
func folderName(s string, errs form.Errors) string {
	s = strings.Join(strings.Fields(s), " ")
	if n := len([]rune(s)); n < 1 || n > 200 {
		errs.Add("name", "document.error.folder_name")
	}
	return s
}

// placeFolder checks that f may go under parent (0: the root) of its
// library: an existing folder of the same library, not f itself nor one
// of its descendants (which would make a cycle), and no sibling of the
// same name. It takes the library's folder lock, held until tx ends.
func placeFolder(ctx context.Context, tx bun.IDB, f *Folder, parent int64, errs form.Errors) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?, ?)", folderLock, int32(f.Library())); err != nil {
		return fmt.Errorf("folder lock: %w", err)
	}
	f.ParentID = nil
	if parent != 0 {
		p, err := getFolder(ctx, tx, parent)
		if err != nil || p.Library() != f.Library() {
			errs.Add("parent", "document.error.parent")
			return nil
		}
		if f.ID != 0 {
			var cycle bool
			if err := tx.QueryRowContext(ctx, `WITH RECURSIVE up AS (SELECT id, parent_id FROM document_folders WHERE id = ?
				UNION SELECT f.id, f.parent_id FROM document_folders f JOIN up ON f.id = up.parent_id)
				SELECT EXISTS (SELECT 1 FROM up WHERE id = ?)`, parent, f.ID).Scan(&cycle); err != nil {
				return fmt.Errorf("folder cycle: %w", err)
			}
			if cycle {
				errs.Add("parent", "document.error.cycle")
				return nil
			}
		}
		f.ParentID = &p.ID
	}
	return sameName(ctx, tx, f, errs)
}

// sameName refuses a name that a sibling of f already has.
func sameName(ctx context.Context, tx bun.IDB, f *Folder, errs form.Errors) error {
	q := libraryWhere(tx.NewSelect().Model((*Folder)(nil)), "f", f.Library(), nil).Where("lower(f.name) = lower(?) AND f.id <> ?", f.Name, f.ID)
	if f.ParentID == nil {
		q = q.Where("f.parent_id IS NULL")
	} else {
		q = q.Where("f.parent_id = ?", *f.ParentID)
	}
	taken, err := q.Exists(ctx)
	if err != nil {
		return fmt.Errorf("folder name: %w", err)
	}
	if taken {
		errs.Add("name", "document.error.folder_taken")
	}
	return nil
}

// emptyFolder refuses to remove folder id while it holds anything.
func emptyFolder(ctx context.Context, tx bun.IDB, id int64) error {
	var full bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM document_folders WHERE parent_id = ?)
		OR EXISTS (SELECT 1 FROM documents WHERE folder_id = ?)`, id, id).Scan(&full); err != nil {
		return fmt.Errorf("folder contents: %w", err)
	}
	if full {
		return ErrNotEmpty
	}
	return nil
}
