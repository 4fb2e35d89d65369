// Package comment is comments on content items: threaded, optionally
// moderated (to validate → published / rejected) and checked against the
// tenant's word blacklist; the thread partial every content page renders.
// Who may see an item, and so its comments, is its module's business: the
// comment routes ask it (modules/comment).
package comment

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/setting"
)

// Partials are the thread's templates ("comments"), for web.Shell.AddPartials.
//
//go:embed templates/*.html
var Partials embed.FS

// The tenant's settings of comments.
const (
	SettingModeration = "comment.moderation"
	SettingBlacklist  = "comment.blacklist"
)

// The states of a comment.
const (
	ToValidate = "to_validate"
	Published  = "published"
	Rejected   = "rejected"
)

// Errors of comments.
var (
	ErrNotFound   = platform.NewError(platform.ErrNotFound, "no such comment")
	ErrNotWaiting = platform.NewKeyedError(platform.ErrConflict, "comment.error.not_waiting", "this comment is not waiting for moderation")
)

// Comment is one comment.
type Comment struct {
	bun.BaseModel `bun:"table:comments,alias:cm"`

	ID          int64      `bun:"id,pk,autoincrement"`
	ContentType string     `bun:"content_type"`
	ItemID      int64      `bun:"item_id"`
	ParentID    *int64     `bun:"parent_id"`
	AuthorID    *int64     `bun:"author_id"`
	Body        string     `bun:"body"`
	State       string     `bun:"state"`
	CreatedAt   time.Time  `bun:"created_at,nullzero,default:now()"`
	DecidedAt   *time.Time `bun:"decided_at"`

	AuthorName string                  `bun:"author_name,scanonly"`
	Depth      int                     `bun:"-"`
	Files      []attachment.Attachment `bun:"-"`
}

// Own says whether the comment is the viewer's.
func (c *Comment) Own(uid int64) bool { return uid > 0 && c.AuthorID != nil && *c.AuthorID == uid }

// Add checks and records a comment of uid (published at once unless the
// tenant moderates comments and uid is not a moderator of the item).
func Add(ctx context.Context, tx bun.IDB, c *Comment, moderator bool) error {
	c.Body = strings.TrimSpace(strings.ReplaceAll(c.Body, "\r\n", "\n"))
	errs := form.Errors{}
	if n := len([]rune(c.Body)); n < 1 || n > 10000 {
		errs.Add("body", "comment.error.body")
	}
	words, err := Blacklist(ctx, tx)
	if err != nil {
		return err
	}
	if blocked(c.Body, words) {
		errs.Add("body", "comment.error.blacklist")
	}
	if c.ParentID != nil {
		ok, err := tx.NewSelect().Table("comments").
			Where("id = ? AND content_type = ? AND item_id = ? AND state = 'published'", *c.ParentID, c.ContentType, c.ItemID).Exists(ctx)
		if err != nil {
			return err
		}
		if !ok {
			errs.Add("body", "comment.error.parent")
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	moderated, err := setting.Bool(ctx, tx, SettingModeration)
	if err != nil {
		return err
	}
	c.State = Published
	if moderated && !moderator {
		c.State = ToValidate
	}
	if _, err := tx.NewInsert().Model(c).Returning("id, created_at").Exec(ctx); err != nil {
		return fmt.Errorf("add comment: %w", err)
	}
	return nil
}

// blocked says whether text holds a blacklisted word (whole words, any case).
func blocked(text string, words []string) bool {
	for _, w := range words {
		if w = strings.TrimSpace(w); w == "" {
			continue
		}
		re, err := regexp.Compile(`(?i)(^|[^\p{L}\p{N}])` + regexp.QuoteMeta(w) + `($|[^\p{L}\p{N}])`)
		if err == nil && re.MatchString(text) {
			return true
		}
	}
	return false
}

// Blacklist reads the tenant's forbidden words.
func Blacklist(ctx context.Context, tx bun.IDB) ([]string, error) {
	var raw []byte
	err := tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", SettingBlacklist).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("comment blacklist: %w", err)
	}
	var words []string
	return words, json.Unmarshal(raw, &words)
}

// SetBlacklist sets the tenant's forbidden words.
func SetBlacklist(ctx context.Context, tx bun.IDB, words []string) error {
	raw, _ := json.Marshal(words)
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?::jsonb)
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`, SettingBlacklist, string(raw))
	return err
}

// Thread is the comments of an item as a viewer sees them, in reading
// order with their depth, and what the partial needs to render them.
type Thread struct {
	L                      *i18n.Localizer
	CSRF                   string
	Type                   string
	ItemID                 int64
	Comments               []Comment
	Open, Member, Moderate bool
	// Viewer is who reads (0 for a guest): they attach files to their own comments.
	Viewer int64
	// Draft and Error are a comment refused in this request, shown again
	// in the form with why (see Refuse); RefusedTo is the comment it
	// answered (0: the item).
	Draft, Error string
	RefusedTo    int64
}

// localRefused is where a refused comment waits for its item's page.
const localRefused = "comment.refused"

type refused struct {
	draft, message string
	to             int64
}

// Refuse hands a refused comment (its text, why, translated, and the
// comment it answered, or nil) to the page of its item rendered in the same
// request (Thread.Refused).
func Refuse(c *fiber.Ctx, cm *Comment, message string) {
	r := refused{draft: cm.Body, message: message}
	if cm.ParentID != nil {
		r.to = *cm.ParentID
	}
	c.Locals(localRefused, r)
}

// Refused puts a comment refused in this request back in its form.
func (t *Thread) Refused(c *fiber.Ctx) {
	if r, ok := c.Locals(localRefused).(refused); ok {
		t.Draft, t.Error, t.RefusedTo = r.draft, r.message, r.to
	}
}

// maxDepth is how deep replies indent.
const maxDepth = 5

// List returns the thread of an item: published comments, plus the
// viewer's own waiting ones, plus all waiting ones for a moderator.
func List(ctx context.Context, tx bun.IDB, contentType string, itemID, uid int64, moderator bool) ([]Comment, error) {
	var cs []Comment
	err := tx.NewSelect().Conn(db.Prepared(tx, contentType, itemID, moderator, uid)).Model(&cs).ColumnExpr("?TableColumns").
		ColumnExpr(auth.NameSQL("u") + " AS author_name").
		Join("LEFT JOIN users AS u ON u.id = cm.author_id").
		Where("cm.content_type = $1 AND cm.item_id = $2").
		Where("(cm.state = 'published' OR (cm.state = 'to_validate' AND ($3 OR cm.author_id = $4)))").
		OrderExpr("cm.created_at, cm.id").Limit(2000).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list comments: %w", err)
	}
	files, err := attachment.OfComments(ctx, tx, contentType, itemID)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		cs[i].Files = files[cs[i].ID]
	}
	return threaded(cs), nil
}

// threaded puts replies under their parents, depth-first.
func threaded(cs []Comment) []Comment {
	children := map[int64][]int{}
	var roots []int
	ids := map[int64]bool{}
	for _, c := range cs {
		ids[c.ID] = true
	}
	for i, c := range cs {
		if c.ParentID != nil && ids[*c.ParentID] {
			children[*c.ParentID] = append(children[*c.ParentID], i)
		} else {
			roots = append(roots, i)
		}
	}
	out := make([]Comment, 0, len(cs))
	var walk func(i, depth int)
	walk = func(i, depth int) {
		c := cs[i]
		c.Depth = min(depth, maxDepth)
		out = append(out, c)
		for _, j := range children[c.ID] {
			walk(j, depth+1)
		}
	}
	for _, i := range roots {
		walk(i, 0)
	}
	return out
}

// Get returns a comment.
func Get(ctx context.Context, tx bun.IDB, id int64) (*Comment, error) {
	return db.One[Comment](ctx, tx.NewSelect().Where("id = ?", id), ErrNotFound)
}

// Moderate publishes or rejects a waiting comment.
func Moderate(ctx context.Context, tx bun.IDB, id int64, publish bool) error {
	state := Rejected
	if publish {
		state = Published
	}
	res, err := tx.NewUpdate().Table("comments").Set("state = ?, decided_at = now()", state).
		Where("id = ? AND state = 'to_validate'", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("moderate comment: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotWaiting
	}
	return nil
}
