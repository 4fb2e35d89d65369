package document

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
)

// upload adds the form's file as document :id's next version; a refused
// file is told in the upload form of its page.
func (m *Module) upload(c *fiber.Ctx) error {
	var up Upload
	if fh, err := c.FormFile("file"); err == nil {
		up.File = fh
	}
	return m.versioned(c, m.AddVersion(c.UserContext(), screen.ParamID(c, "id"), up), "version")
}

// restore makes version :n of document :id current again.
func (m *Module) restore(c *fiber.Ctx) error {
	n, _ := strconv.Atoi(c.Params("n"))
	return m.versioned(c, m.Restore(c.UserContext(), screen.ParamID(c, "id"), n), "restored")
}

// versioned answers a new version's outcome err: the document's page with
// its outcome done, or with why the file was refused (422).
func (m *Module) versioned(c *fiber.Ctx, err error, done string) error {
	if fe, ok := form.FieldsOf(err); ok {
		return m.renderShow(c, fiber.StatusUnprocessableEntity, m.kit.T(c, fe["file"]))
	}
	if errors.Is(err, platform.ErrInvalid) {
		return m.renderShow(c, fiber.StatusUnprocessableEntity, m.kit.ErrText(c, err))
	}
	if err != nil {
		return err
	}
	return web.Go(c, "/documents/"+c.Params("id")+"?done="+done+"#versions")
}

// download sends version :n of document :id to whoever may see the
// document, always as a download (never shown in the page, never sniffed).
func (m *Module) download(c *fiber.Ctx) error {
	n, _ := strconv.Atoi(c.Params("n"))
	a, r, err := m.Open(c.UserContext(), screen.ParamID(c, "id"), n)
	if err != nil {
		return err
	}
	return attachment.Send(c, a, r, false)
}
