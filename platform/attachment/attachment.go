// Package attachment is files attached to content items: checked on upload
// (size limit; the declared type must match what the bytes are; a list of
// accepted kinds), recorded in the tenant's attachments table, their bytes in
// the storage; and the list partial content pages render. Who may download
// is the item's module's business (modules/file asks it).
package attachment

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/quota"
	"github.com/piazza-pa/piazza/platform/storage"
)

// Partials are the list's templates ("attachments"), for web.Shell.AddPartials.
//
//go:embed templates/*.html
var Partials embed.FS

// MaxSize is the largest file accepted.
const MaxSize = 10 << 20

// ErrNotFound is an attachment that does not exist.
var ErrNotFound = platform.NewError(platform.ErrNotFound, "no such file")

// kinds are the accepted types as the bytes show them, with the extensions
// a name may carry for each.
var kinds = map[string][]string{
	"application/pdf": {".pdf"},
	"image/png":       {".png"},
	"image/jpeg":      {".jpg", ".jpeg"},
	"image/gif":       {".gif"},
	"image/webp":      {".webp"},
	"text/plain":      {".txt", ".csv", ".md"},
	// Office files (docx, xlsx, pptx, odt …) are zip archives to the sniffer.
	"application/zip": {".zip", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"},
}

// Attachment is one file.
type Attachment struct {
	bun.BaseModel `bun:"table:attachments,alias:a"`

	ID          int64     `bun:"id,pk,autoincrement"`
	ContentType string    `bun:"content_type"`
	ItemID      int64     `bun:"item_id"`
	CommentID   *int64    `bun:"comment_id"`
	Name        string    `bun:"name"`
	MIME        string    `bun:"mime"`
	Size        int64     `bun:"size"`
	SHA256      string    `bun:"sha256"`
	StorageKey  string    `bun:"storage_key"`
	UploadedBy  *int64    `bun:"uploaded_by"`
	CreatedAt   time.Time `bun:"created_at,nullzero,default:now()"`
}

// KB is the size in kilobytes, one decimal.
func (a *Attachment) KB() string { return fmt.Sprintf("%.1f", float64(a.Size)/1024) }

// Image says whether the file is shown inline.
func (a *Attachment) Image() bool { return strings.HasPrefix(a.MIME, "image/") }

// CleanName keeps a file name short and printable, without any path.
func CleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	if name == "" || name == "." || name == ".." {
		name = "file"
	}
	return name
}

// Add checks a file and stores it: within MaxSize, of an accepted kind,
// its declared type and name's extension agreeing with its bytes.
func Add(ctx context.Context, tx bun.IDB, store storage.Store, tenant string, a *Attachment, declared string, r io.Reader) error {
	errs := form.Errors{}
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return err
	}
	a.Name = CleanName(a.Name)
	sniffed := strings.Split(http.DetectContentType(data), ";")[0]
	exts, ok := kinds[sniffed]
	dt, _, _ := mime.ParseMediaType(declared)
	switch {
	case len(data) == 0:
		errs.Add("file", "attachment.error.empty")
	case len(data) > MaxSize:
		errs.Add("file", "attachment.error.size")
	case !ok:
		errs.Add("file", "attachment.error.kind")
	case !agrees(dt, sniffed):
		errs.Add("file", "attachment.error.mismatch")
	case !hasExt(a.Name, exts):
		errs.Add("file", "attachment.error.extension")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if err := quota.AddBytes(ctx, tx, int64(len(data))); errors.Is(err, quota.ErrStorage) {
		errs.Add("file", "quota.error.storage")
		return errs.Err()
	} else if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	key := make([]byte, 16)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	a.MIME, a.Size, a.SHA256, a.StorageKey = sniffed, int64(len(data)), hex.EncodeToString(sum[:]), hex.EncodeToString(key)
	if err := store.Put(ctx, tenant, a.StorageKey, bytes.NewReader(data)); err != nil {
		return fmt.Errorf("store attachment: %w", err)
	}
	if _, err := tx.NewInsert().Model(a).Returning("id, created_at").Exec(ctx); err != nil {
		_ = store.Delete(ctx, tenant, a.StorageKey)
		return fmt.Errorf("record attachment: %w", err)
	}
	return nil
}

// agrees says whether the type the browser declared is what the bytes are
// (an office file is declared as itself, and is a zip to the sniffer; text
// may be declared as csv or markdown).
func agrees(declared, sniffed string) bool {
	if declared == sniffed {
		return true
	}
	switch sniffed {
	case "application/zip":
		return strings.HasPrefix(declared, "application/vnd.openxmlformats-officedocument.") ||
			strings.HasPrefix(declared, "application/vnd.oasis.opendocument.") || declared == "application/x-zip-compressed"
	case "text/plain":
		return declared == "text/csv" || declared == "text/markdown"
	case "image/jpeg":
		return declared == "image/pjpeg"
	}
	return false
}

func hasExt(name string, exts []string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range exts {
		if ext == e {
			return true
		}
	}
	return false
}

// List returns an item's attachments (not its comments'). Like OfComments
// it goes prepared: every item's page reads both.
func List(ctx context.Context, tx bun.IDB, contentType string, itemID int64) ([]Attachment, error) {
	var as []Attachment
	p := &db.Params{}
	err := tx.NewSelect().Model(&as).Where("content_type = ? AND item_id = ? AND comment_id IS NULL", p.Arg(contentType), p.Arg(itemID)).
		Order("created_at", "id").Conn(db.Bound(tx, p)).Scan(ctx)
	return as, err
}

// OfComments returns the attachments of an item's comments, by comment.
func OfComments(ctx context.Context, tx bun.IDB, contentType string, itemID int64) (map[int64][]Attachment, error) {
	var as []Attachment
	p := &db.Params{}
	err := tx.NewSelect().Model(&as).Where("content_type = ? AND item_id = ? AND comment_id IS NOT NULL", p.Arg(contentType), p.Arg(itemID)).
		Order("created_at", "id").Conn(db.Bound(tx, p)).Scan(ctx)
	out := map[int64][]Attachment{}
	for _, a := range as {
		out[*a.CommentID] = append(out[*a.CommentID], a)
	}
	return out, err
}

// Get returns an attachment.
func Get(ctx context.Context, tx bun.IDB, id int64) (*Attachment, error) {
	return db.One[Attachment](ctx, tx.NewSelect().Where("id = ?", id), ErrNotFound)
}

// Box is what the partial needs: the list and whether to offer an upload.
type Box struct {
	L      *i18n.Localizer
	CSRF   string
	Type   string
	ItemID int64
	Files  []Attachment
	Upload bool
	// Error is why a file sent in this request was refused (see Refuse).
	Error string
}

// localRefused is where a refused upload's reason waits for its item's page.
const localRefused = "attachment.refused"

// Refuse hands why a file was refused (translated) to the page of its item
// rendered in the same request (Box.Refused).
func Refuse(c *fiber.Ctx, message string) { c.Locals(localRefused, message) }

// Refused shows in the box why a file sent in this request was refused.
func (b *Box) Refused(c *fiber.Ctx) {
	if m, ok := c.Locals(localRefused).(string); ok {
		b.Error = m
	}
}
