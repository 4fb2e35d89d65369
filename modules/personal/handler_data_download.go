package personal

import (
	"archive/zip"
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/site"
	"github.com/piazza-pa/piazza/tenant"
)

// download streams the signed-in member's archive. Their roles come from
// the control plane first; then the archive is written as it is read, in
// one read-only tenant transaction opened for the response's body.
func (m *Module) download(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u, t, s := auth.UserFromContext(ctx), tenant.FromContext(ctx), site.FromContext(ctx)
	roles, err := authz.Roles(ctx, m.DB, u.Subject(), t.Domain())
	if err != nil {
		return err
	}
	if roles == nil {
		roles = []string{}
	}
	l := m.Shell.I18n.FromContext(ctx)
	now := time.Now().UTC()
	name := "piazza-" + t.Slug + "-" + now.Format("20060102") + ".zip"
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("X-Content-Type-Options", "nosniff")
	extra := map[string]any{"roles.json": roles}
	a := &archive{store: m.files, slug: t.Slug, uid: u.ID, now: now, extra: extra,
		readme: func(file string) string { return l.T("personal.file." + fileKey(file)) }}
	intro := l.T("personal.readme", "Site", s.Name, "Date", l.Date(now))
	scope, uid := s.Scope, u.ID
	// The body writer runs once the handler has returned: it keeps nothing
	// of the request but the values above.
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		bg := context.WithoutCancel(ctx)
		if err := m.stream(bg, scope, a, w, intro, fileNames(extra)); err != nil {
			slog.ErrorContext(bg, "personal data archive cut short", "site", s.ID, "user", uid, "err", err)
		}
	})
	return nil
}

// stream writes the archive to w inside a read-only, repeatable-read
// transaction of the tenant.
func (m *Module) stream(ctx context.Context, scope db.Scope, a *archive, w io.Writer, intro string, names []string) error {
	zw := zip.NewWriter(w)
	a.zw = zw
	pool, err := db.PoolFor(ctx, m.DB, scope) // the tenant's login group
	if err != nil {
		return err
	}
	err = pool.RunInTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}, func(ctx context.Context, tx bun.Tx) error {
		if err := db.Enter(ctx, tx, scope); err != nil {
			return err
		}
		a.tx = tx
		return a.write(ctx, intro, names)
	})
	if err != nil {
		return err // no central directory: the client sees a broken archive, not a short one
	}
	return zw.Close()
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
