package document

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web"
)

// libraryView is the data of a library's page.
type libraryView struct {
	web.Page
	Shelf
	Query                Query
	Kinds, Sorts, Themes []string
	Pager                keyset.Pager
	Message, Error       string
	// Form is the folder form a refusal came from ("new" or "edit"),
	// Errors its problems by field and Name the name it held.
	Form   string
	Errors map[string]string
	Name   string
}

// Path is the address of the page shown.
func (v libraryView) Path() string {
	if v.Folder != nil {
		return folderPath(v.Folder.ID)
	}
	return v.Library.Path()
}

// flashes are the outcomes an action reports on the page it returns to.
var flashes = []string{"folder", "folder_saved", "folder_removed", "removed", "saved", "version", "restored", "created"}

// flash is the message of ?done= (known outcomes only).
func flash(v *web.Page, done string) string {
	for _, f := range flashes {
		if f == done {
			return v.L.T("document.done." + f)
		}
	}
	return ""
}

// showLibrary shows the library page of the request's place (the folder
// :fid, the community :cid's root, else the tenant's) with the documents
// its query asks for.
func (m *Module) showLibrary(c *fiber.Ctx) error {
	at := Place{Community: screen.ParamID(c, "cid"), Folder: screen.ParamID(c, "fid")}
	if (c.Params("cid") != "" && at.Community <= 0) || (c.Params("fid") != "" && at.Folder <= 0) {
		return ErrNotFound // no community or folder has that id (0 would be the tenant library)
	}
	return m.renderLibrary(c, fiber.StatusOK, at, QueryOf(func(k string) string { return c.Query(k) }), libraryView{})
}

// renderLibrary shows the library page at the place with the documents
// q asks for and what v already holds (a refused folder form).
func (m *Module) renderLibrary(c *fiber.Ctx, status int, at Place, q Query, v libraryView) error {
	v.Query = q
	shelf, err := m.Browse(c.UserContext(), at, q)
	if err != nil {
		return err
	}
	v.Page, v.Shelf = m.kit.Page(c), shelf
	v.Kinds, v.Sorts, v.Themes = Kinds, Sorts, taxonomy.Themes
	v.Pager = keyset.Links(v.L, "document.list", v.Path(), v.Query.Keep(), v.Query.After, shelf.Next)
	if v.Message == "" && v.Form == "" {
		v.Message = flash(&v.Page, c.Query("done"))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.kit.Render(c, status, "library.html", v)
}

// createFolder adds a folder where the form says (its library and parent
// folder); a refused name is told in the form, on the page it came from.
func (m *Module) createFolder(c *fiber.Ctx) error {
	cid, parent := idOf(c.FormValue("community")), idOf(c.FormValue("parent"))
	u, err := m.CreateFolder(c.UserContext(), cid, parent, c.FormValue("name"))
	if fe, ok := form.FieldsOf(err); ok {
		return m.refusedFolder(c, Place{Community: cid, Folder: parent}, "new", fe)
	}
	if err != nil {
		return err
	}
	return web.Go(c, u+"?done=folder")
}

// saveFolder renames and moves the folder :fid.
func (m *Module) saveFolder(c *fiber.Ctx) error {
	id := screen.ParamID(c, "fid")
	err := m.SaveFolder(c.UserContext(), id, idOf(c.FormValue("parent")), c.FormValue("name"))
	if fe, ok := form.FieldsOf(err); ok {
		return m.refusedFolder(c, Place{Folder: id}, "edit", fe)
	}
	if err != nil {
		return err
	}
	return web.Go(c, folderPath(id)+"?done=folder_saved")
}

// deleteFolder removes the empty folder :fid; a folder with contents is
// refused on its page.
func (m *Module) deleteFolder(c *fiber.Ctx) error {
	back, err := m.RemoveFolder(c.UserContext(), screen.ParamID(c, "fid"))
	if err != nil {
		return err
	}
	return web.Go(c, back+"?done=folder_removed")
}

// refusedFolder shows the page at the place again with the folder form's
// problems (422), the name as it was typed.
func (m *Module) refusedFolder(c *fiber.Ctx, at Place, which string, fe form.Errors) error {
	v := libraryView{Form: which, Name: strings.TrimSpace(c.FormValue("name"))}
	v.Errors = fe.Translate(m.kit.Shell.I18n.FromContext(c.UserContext()).T)
	return m.renderLibrary(c, fiber.StatusUnprocessableEntity, at, Query{Sort: byName}, v)
}
