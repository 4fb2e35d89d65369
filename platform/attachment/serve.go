package attachment

import (
	"context"
	"io"
	"mime"
	"mime/multipart"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/storage"
)

// AddFile is Add for the file fh of a form (nil: none was sent), named as
// the browser sent it: no file, or one larger than MaxSize, is refused on
// the form's field "file" before any byte is read.
func AddFile(ctx context.Context, tx bun.IDB, store storage.Store, tenant string, a *Attachment, fh *multipart.FileHeader) error {
	errs := form.Errors{}
	switch {
	case fh == nil:
		errs.Add("file", "attachment.error.empty")
	case fh.Size > MaxSize:
		errs.Add("file", "attachment.error.size")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	a.Name = fh.Filename
	return Add(ctx, tx, store, tenant, a, fh.Header.Get("Content-Type"), f)
}

// Send answers with a's bytes, read from r, under the headers that keep a
// file from being run by the browser: its sniffed type, never sniffed
// again (nosniff), in a sandbox, not cached by others, and as a download
// unless inline (pictures shown in a page). The bytes are streamed from r
// after the handler returns (never the whole file in memory), and r is
// closed once sent.
func Send(c *fiber.Ctx, a *Attachment, r io.ReadCloser, inline bool) error {
	disposition := "attachment"
	if inline {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentType, a.MIME)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType(disposition, map[string]string{"filename": a.Name}))
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Context().SetBodyStream(r, int(a.Size))
	return nil
}
