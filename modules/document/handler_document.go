package document

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web"
)

// showView is the data of a document's page.
type showView struct {
	web.Page
	Shown
	Message, Error string
	// FileError is why a file sent to this page (a new version, a
	// restored one) was refused.
	FileError string
}

func (m *Module) show(c *fiber.Ctx) error { return m.renderShow(c, fiber.StatusOK, "") }

// renderShow shows the page of document :id with status and fileError
// (a refused version's reason, "" for none).
func (m *Module) renderShow(c *fiber.Ctx, status int, fileError string) error {
	s, err := m.Read(c.UserContext(), screen.ParamID(c, "id"))
	if err != nil {
		return err
	}
	v := showView{Page: m.kit.Page(c), Shown: s, FileError: fileError}
	if fileError == "" {
		v.Message = flash(&v.Page, c.Query("done"))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.kit.Render(c, status, "show.html", v)
}

// formView is the data of the document form.
type formView = content.FormView[*Document]

// renderForm shows the form of d, posted to action, with its problems.
func (m *Module) renderForm(c *fiber.Ctx, status int, d *Document, action string, errs form.Errors) error {
	choices, err := m.Choices(c.UserContext(), d)
	if err != nil {
		return err
	}
	v := formView{Page: m.kit.Page(c), Item: d, Key: "document", Action: action, Kinds: scope.Kinds, Themes: taxonomy.Themes,
		Languages: i18n.Supported, Choices: choices}
	if errs != nil {
		v.Errors = errs.Translate(v.L.T)
	}
	return m.kit.Render(c, status, "form.html", v)
}

// newForm is the form of a new document in the library and folder the
// address names (?community=, ?folder=).
func (m *Module) newForm(c *fiber.Ctx) error {
	d := &Document{Kind: File}
	if id := idOf(c.Query("community")); id != 0 {
		d.CommunityID = &id
	}
	if id := idOf(c.Query("folder")); id != 0 {
		d.FolderID = &id
	}
	d.Language, d.Scope = m.kit.Shell.I18n.FromContext(c.UserContext()).Lang, scope.Scope{Kind: scope.Tenant}
	return m.renderForm(c, fiber.StatusOK, d, "/documents", nil)
}

// create adds the form's document (and its file's first version).
func (m *Module) create(c *fiber.Ctx) error {
	d, errs, up := fromForm(c)
	err := m.Create(c.UserContext(), d, errs, up)
	if fe, ok := form.FieldsOf(err); ok {
		return m.renderForm(c, fiber.StatusUnprocessableEntity, d, "/documents", fe)
	}
	if err != nil {
		return err
	}
	return web.Go(c, d.URL()+"?done=created")
}

func (m *Module) editForm(c *fiber.Ctx) error {
	d, err := m.Editable(c.UserContext(), screen.ParamID(c, "id"))
	if err != nil {
		return err
	}
	return m.renderForm(c, fiber.StatusOK, d, d.URL()+"/edit", nil)
}

// save writes the form over document :id.
func (m *Module) save(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	in, errs, _ := fromForm(c)
	err := m.Save(c.UserContext(), id, in, errs)
	if fe, ok := form.FieldsOf(err); ok {
		in.ID = id
		return m.renderForm(c, fiber.StatusUnprocessableEntity, in, in.URL()+"/edit", fe)
	}
	if err != nil {
		return err
	}
	return web.Go(c, "/documents/"+strconv.FormatInt(id, 10)+"?done=saved")
}

// remove deletes document :id and goes back to its folder.
func (m *Module) remove(c *fiber.Ctx) error {
	back, err := m.Remove(c.UserContext(), screen.ParamID(c, "id"))
	if err != nil {
		return err
	}
	return web.Go(c, back+"?done=removed")
}
