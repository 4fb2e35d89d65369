package document

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/scope"
)

// The kinds of document.
const (
	File = "file"
	Link = "link"
)

// Kinds are the kinds of document, as the list's filter offers them.
var Kinds = []string{File, Link}

// Errors of the module.
var (
	// ErrNotFound is a document, folder, library or version that does not
	// exist or that the viewer may not see.
	ErrNotFound = platform.NewError(platform.ErrNotFound, "no such document")
	// ErrNotEmpty is a folder that still holds folders or documents.
	ErrNotEmpty = platform.NewKeyedError(platform.ErrConflict, "document.error.not_empty", "the folder is not empty")
)

// Document is a file with its versions, or an external link, in a
// library. Title is its name, Body its description (plain text).
type Document struct {
	bun.BaseModel `bun:"table:documents,alias:d"`

	content.Base
	// CommunityID is the library's community (nil: the tenant library).
	CommunityID *int64   `bun:"community_id"`
	FolderID    *int64   `bun:"folder_id"`
	Kind        string   `bun:"kind"`
	Link        string   `bun:"link"`
	Themes      []string `bun:"themes,array"`
	Tags        []int64  `bun:"tags,array"`
	TagNames    string   `bun:"tag_names"`
	// Versions counts the file's versions; Size, MIME and FileName are
	// the last one's.
	Versions int    `bun:"versions"`
	Size     int64  `bun:"size"`
	MIME     string `bun:"mime"`
	FileName string `bun:"file_name"`

	FolderName string `bun:"folder_name,scanonly"`
	// FeedAt is when it was added or last given a version; CommunityName
	// its community's name (read for the dashboard's feed only).
	FeedAt        time.Time `bun:"feed_at,scanonly"`
	CommunityName string    `bun:"community_name,scanonly"`
	// ListKey is the document's place in a list ordered by a text key.
	ListKey string `bun:"list_key,scanonly"`
}

// Library is the document's library.
func (d *Document) Library() int64 {
	if d.CommunityID == nil {
		return 0
	}
	return *d.CommunityID
}

// Folder is the document's folder (0 for the library's root).
func (d *Document) Folder() int64 {
	if d.FolderID == nil {
		return 0
	}
	return *d.FolderID
}

// URL is the address of the document's page.
func (d *Document) URL() string { return "/documents/" + strconv.FormatInt(d.ID, 10) }

// Tag reports whether the document carries tag id.
func (d *Document) Tag(id int64) bool {
	for _, t := range d.Tags {
		if t == id {
			return true
		}
	}
	return false
}

// columns are the documents' columns a page reads (not the search vector).
const columns = `d.id, d.title, d.body, d.language, d.state, d.author_id, d.published_at, d.created_at, d.updated_at,
	d.community_id, d.folder_id, d.kind, d.link, d.themes, d.tags, d.tag_names, d.versions, d.size, d.mime, d.file_name,
	d.scope_kind, d.scope_themes, d.scope_tags, d.scope_communities, d.scope_organizations, d.public`

// listColumns are columns with only the start of the description, as
// much as a row of the library shows (see brief).
var listColumns = content.WithoutBody(columns, "d") + ", left(d.body, " + strconv.Itoa(briefLength+1) + ") AS body"

// selectFor is the query of the documents v may see, with their author's
// and folder's names; selectList the same with listColumns.
func selectFor(tx bun.IDB, v scope.Viewer, dst any) *bun.SelectQuery {
	return selectColumns(tx, v, dst, columns)
}

func selectList(tx bun.IDB, v scope.Viewer, dst any) *bun.SelectQuery {
	return selectColumns(tx, v, dst, listColumns)
}

func selectColumns(tx bun.IDB, v scope.Viewer, dst any, cols string) *bun.SelectQuery {
	q := tx.NewSelect().Model(dst).ColumnExpr(cols).
		ColumnExpr(auth.NameSQL("u") + " AS author_name").Join("LEFT JOIN users AS u ON u.id = d.author_id").
		ColumnExpr("coalesce(df.name, '') AS folder_name").Join("LEFT JOIN document_folders AS df ON df.id = d.folder_id")
	return visible(q, v)
}

// memberSQL: the viewer (?) is an active member of the document's
// community; a community's documents are for its members alone, their
// authors included once they have left.
const memberSQL = `(d.community_id IS NULL OR EXISTS (SELECT 1 FROM community_members AS dm
	WHERE dm.community_id = d.community_id AND dm.user_id = ? AND dm.state = 'active'))`

// visible keeps, of the query q on documents AS d, what v may see: the
// publication scope of the tenant library's documents, the membership of
// a community's.
func visible(q *bun.SelectQuery, v scope.Viewer) *bun.SelectQuery {
	return scope.Filter(q, "d", v).Where(memberSQL, v.P.Arg(v.UserID))
}

// insertDocument records d.
func insertDocument(ctx context.Context, tx bun.IDB, d *Document) error {
	if _, err := tx.NewInsert().Model(d).Returning("id, created_at, updated_at").Exec(ctx); err != nil {
		return fmt.Errorf("create document: %w", err)
	}
	return nil
}

// updateDocument writes d's name, description and classification, its
// folder, link and scope.
func updateDocument(ctx context.Context, tx bun.IDB, d *Document) error {
	_, err := tx.NewUpdate().Model(d).Column("title", "body", "language", "folder_id", "link", "themes", "tags", "tag_names",
		"scope_kind", "scope_themes", "scope_tags", "scope_communities", "scope_organizations", "public").
		Set("updated_at = now()").WherePK().Exec(ctx)
	if err != nil {
		return fmt.Errorf("save document: %w", err)
	}
	return nil
}

// tagNames are the names of the tags ids, for search.
func tagNames(ctx context.Context, tx bun.IDB, ids []int64) (string, error) {
	if len(ids) == 0 {
		return "", nil
	}
	var names []string
	if err := tx.NewSelect().Table("tags").Column("name").Where("id IN (?)", bun.List(ids)).Order("name").Scan(ctx, &names); err != nil {
		return "", fmt.Errorf("tag names: %w", err)
	}
	return strings.Join(names, " "), nil
}

// Version is one of a file's versions, with its bytes' attachment.
type Version struct {
	bun.BaseModel `bun:"table:document_versions,alias:v"`

	ID           int64     `bun:"id,pk,autoincrement"`
	DocumentID   int64     `bun:"document_id"`
	Number       int       `bun:"number"`
	AttachmentID int64     `bun:"attachment_id"`
	RestoredFrom *int      `bun:"restored_from"`
	CreatedBy    *int64    `bun:"created_by"`
	CreatedAt    time.Time `bun:"created_at,nullzero,default:now()"`

	Name     string `bun:"name,scanonly"`
	MIME     string `bun:"mime,scanonly"`
	Size     int64  `bun:"size,scanonly"`
	SHA256   string `bun:"sha256,scanonly"`
	Uploader string `bun:"uploader,scanonly"`
	// StorageKey names the bytes in the file store.
	StorageKey string `bun:"storage_key,scanonly"`
}

// versionsOf lists document id's versions, newest first.
func versionsOf(ctx context.Context, tx bun.IDB, id int64) ([]Version, error) {
	var vs []Version
	err := versionQuery(tx, &vs).Where("v.document_id = ?", id).OrderExpr("v.number DESC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("document versions: %w", err)
	}
	return vs, nil
}

// versionOf is version n of document id.
func versionOf(ctx context.Context, tx bun.IDB, id int64, n int) (*Version, error) {
	return db.One[Version](ctx, versionQuery(tx, nil).Where("v.document_id = ? AND v.number = ?", id, n), ErrNotFound)
}

// versionQuery reads versions with their file and uploader.
func versionQuery(tx bun.IDB, dst any) *bun.SelectQuery {
	q := tx.NewSelect()
	if dst != nil {
		q = q.Model(dst)
	}
	return q.ColumnExpr("v.*, a.name, a.mime, a.size, a.sha256, a.storage_key").ColumnExpr("coalesce(" + auth.NameSQL("u") + ", '') AS uploader").
		Join("JOIN attachments AS a ON a.id = v.attachment_id").Join("LEFT JOIN users AS u ON u.id = v.created_by")
}

// humanSize is n bytes for people: B, KB, MB, one decimal.
func humanSize(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1024*1024:
		return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + " KB"
	}
	return strconv.FormatFloat(float64(n)/(1024*1024), 'f', 1, 64) + " MB"
}
