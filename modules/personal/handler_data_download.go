package personal

import (
	"archive/zip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"os"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/site"
	"github.com/piazza-pa/piazza/tenant"
)

// ErrBusy: the person's previous archive is still being made or sent.
var ErrBusy = platform.NewKeyedError(platform.ErrConflict, "personal.error.busy",
	"your previous download is still in progress: wait for it to finish")

// sendIdle is how long the sending of an archive may make no progress
// before the connection is closed. The server's write timeout covers a
// whole response; an archive of many files on a slow link takes longer,
// so each chunk sent gives the next one this long instead.
const sendIdle = 60 * time.Second

// downloads are the people whose archive is being made or sent, one at a
// time each (by tenant and user id), on this replica.
type downloads struct {
	mu   sync.Mutex
	busy map[[2]int64]bool
}

func (d *downloads) take(k [2]int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.busy[k] {
		return false
	}
	if d.busy == nil {
		d.busy = map[[2]int64]bool{}
	}
	d.busy[k] = true
	return true
}

func (d *downloads) give(k [2]int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.busy, k)
}

// download sends the signed-in member's archive. It is made while the
// request holds its place among those the server works on: the rows in
// one short read-only transaction, then the uploaded files' bytes with no
// transaction open, into a temporary file that is sent afterwards and
// removed once sent (or once the client goes away). A second download of
// the same person while one is made or sent is refused.
func (m *Module) download(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u, t, s := auth.UserFromContext(ctx), tenant.FromContext(ctx), site.FromContext(ctx)
	key := [2]int64{t.ID, u.ID}
	if !m.downloads.take(key) {
		return ErrBusy
	}
	sent := false
	defer func() {
		if !sent {
			m.downloads.give(key)
		}
	}()
	roles, err := authz.Roles(ctx, m.DB, u.Subject(), t.Domain())
	if err != nil {
		return err
	}
	if roles == nil {
		roles = []string{}
	}
	letters, err := exchangeInterests(ctx, m.DB, t.ID, u.ID)
	if err != nil {
		return err
	}
	l := m.Shell.I18n.FromContext(ctx)
	now := time.Now().UTC()
	extra := map[string]any{"roles.json": roles, "exchange_interests.json": letters}
	a := &archive{store: m.files, slug: t.Slug, uid: u.ID, now: now, extra: extra,
		readme: func(file string) string { return l.T("personal.file." + fileKey(file)) }}
	intro := l.T("personal.readme", "Site", s.Name, "Date", l.Date(now))
	f, err := os.CreateTemp("", "piazza-personal-*.zip")
	if err != nil {
		return fmt.Errorf("personal data archive: %w", err)
	}
	sp := &spool{File: f, conn: c.Context().Conn(), done: func() { m.downloads.give(key) }}
	size, err := m.spool(ctx, s.Scope, a, f, intro, fileNames(extra))
	if err != nil {
		sp.done = nil
		_ = sp.Close()
		return err
	}
	name := "piazza-" + t.Slug + "-" + now.Format("20060102") + ".zip"
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("X-Content-Type-Options", "nosniff")
	sent = true
	c.Context().SetBodyStream(sp, int(size)) // closed by the server once sent, or when the client is gone
	return nil
}

// exchangeInterests are the person's expressions of interest sent to
// other administrations through the exchange, kept by the control plane
// (its mailbox, and the replies that came back), as a JSON array.
func exchangeInterests(ctx context.Context, idb bun.IDB, tenantID, uid int64) (json.RawMessage, error) {
	var out string
	err := idb.QueryRowContext(ctx, `SELECT coalesce(json_agg(x ORDER BY x.id), '[]')::text FROM (
		SELECT m.id, m.item_type, m.item_title, d.name AS administration, m.respondent AS your_name, m.organization, m.message,
			m.state, m.created_at, m.delivered_at,
			(SELECT coalesce(json_agg(json_build_object('state', r.state, 'note', r.note, 'evaluated_at', r.evaluated_at)
				ORDER BY r.evaluated_at, r.id), '[]') FROM piazza.exchange_replies r WHERE r.mailbox_id = m.id) AS replies
		FROM piazza.exchange_mailbox m JOIN piazza.tenants d ON d.id = m.to_tenant_id
		WHERE m.from_tenant_id = ? AND m.from_user_id = ?) x`, tenantID, uid).Scan(&out)
	if err != nil {
		return nil, fmt.Errorf("personal data archive: exchange: %w", err)
	}
	return json.RawMessage(out), nil
}

// spool writes the archive to f and returns its size, f back at its
// start: the rows in a read-only, repeatable-read transaction of the
// tenant (so that every file tells the same moment), then the files'
// bytes from the store after it has ended.
func (m *Module) spool(ctx context.Context, scope db.Scope, a *archive, f *os.File, intro string, names []string) (int64, error) {
	zw := zip.NewWriter(f)
	a.zw = zw
	var files []upload
	pool, err := db.PoolFor(ctx, m.DB, scope) // the tenant's login group
	if err != nil {
		return 0, err
	}
	err = pool.RunInTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}, func(ctx context.Context, tx bun.Tx) error {
		if err := db.Enter(ctx, tx, scope); err != nil {
			return err
		}
		a.tx = tx
		var err error
		files, err = a.write(ctx, intro, names)
		return err
	})
	a.tx = bun.Tx{}
	if err != nil {
		return 0, fmt.Errorf("personal data archive: %w", err)
	}
	if err := a.writeFiles(ctx, files); err != nil {
		return 0, fmt.Errorf("personal data archive: %w", err)
	}
	if err := zw.Close(); err != nil {
		return 0, fmt.Errorf("personal data archive: %w", err)
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	return size, err
}

// spool is an archive's temporary file as the response's body: each read
// gives the connection sendIdle more to take it, and closing it removes
// the file and lets the person download again.
type spool struct {
	*os.File
	conn net.Conn
	done func()
	once sync.Once
}

func (s *spool) Read(p []byte) (int, error) {
	if s.conn != nil {
		_ = s.conn.SetWriteDeadline(time.Now().Add(sendIdle))
	}
	return s.File.Read(p)
}

func (s *spool) Close() error {
	s.once.Do(func() {
		if err := s.File.Close(); err != nil {
			slog.Warn("personal data archive: close", "err", err)
		}
		if err := os.Remove(s.File.Name()); err != nil {
			slog.Warn("personal data archive: remove", "err", err)
		}
		if s.done != nil {
			s.done()
		}
	})
	return nil
}

// fileKey is the message key's last part for an archive's file name.
func fileKey(file string) string {
	switch file {
	case "files/":
		return "files_dir"
	}
	return file[:len(file)-len(".json")]
}

func encodeJSON(w io.Writer, v any) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(v)
}
