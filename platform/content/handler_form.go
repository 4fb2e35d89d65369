package content

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/richtext"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web"
)

// FromForm reads the common part of an item from the form and checks it,
// with the messages of the type whose keys start with key: a title of 3 to
// 200 characters, a body of at most 100,000 bytes, a supported language,
// a scope the form may name.
func FromForm(c *fiber.Ctx, key string) (Base, form.Errors) {
	b := Base{Title: strings.Join(strings.Fields(c.FormValue("title")), " "), Body: richtext.Sanitize(c.FormValue("body")),
		Language: c.FormValue("language"), Scope: scope.FromForm(c)}
	errs := form.Errors{}
	if l := len([]rune(b.Title)); l < 3 || l > 200 {
		errs.Add("title", key+".error.title")
	}
	if len(b.Body) > 100000 {
		errs.Add("body", key+".error.body")
	}
	if !slices.Contains(i18n.Supported, b.Language) {
		errs.Add("language", key+".error.language")
	}
	b.Scope.Check(errs)
	b.Scope.Lists()
	return b, errs
}

// FormView is the data of the form page.
type FormView[P any] struct {
	web.Page
	Item P
	// Key prefixes the type's messages; Action is where the form posts.
	Key, Action              string
	Kinds, Themes, Languages []string
	// Choices are the type's own (Type.Choices).
	Choices        any
	Publish        bool
	Errors         map[string]string
	Error, Message string
}

// Input is a field of the form, for the partial content-input.
type Input struct {
	L *i18n.Localizer
	// Key prefixes the label's message (Key.field.Name); Kind is the
	// input's type; Max its maximum length (0: none).
	Key, Kind, Name, Value, Error string
	Max                           int
}

// Input is the field name of kind holding value, at most max characters
// long (0: no limit), with its error.
func (v FormView[P]) Input(kind, name, value string, max int) Input {
	return Input{L: v.L, Key: v.Key, Kind: kind, Name: name, Value: value, Error: v.Errors[name], Max: max}
}

// renderForm shows the form of p, posted to action, with the choices of
// the member's scopes.
func (k *Kit[T, P]) renderForm(c *fiber.Ctx, status int, p P, action string, errs form.Errors) error {
	choices, publish, err := k.FormChoices(c.UserContext(), p)
	if err != nil {
		return err
	}
	v := FormView[P]{Page: k.Page(c), Item: p, Key: k.Key, Action: action, Kinds: k.Kinds, Themes: taxonomy.Themes,
		Languages: i18n.Supported, Choices: choices, Publish: publish}
	if errs != nil {
		v.Errors = errs.Translate(v.L.T)
	}
	return k.Render(c, status, "form.html", v)
}

func (k *Kit[T, P]) newForm(c *fiber.Ctx) error {
	p := P(new(T))
	b := p.Content()
	b.Language, b.Scope = k.Shell.I18n.FromContext(c.UserContext()).Lang, scope.ForNew(c)
	return k.renderForm(c, fiber.StatusOK, p, k.Path, nil)
}

// create records a draft and, when asked, submits or publishes it at once.
func (k *Kit[T, P]) create(c *fiber.Ctx) error {
	p, errs := k.Parse(c)
	err := k.Create(c.UserContext(), p, errs, c.FormValue("action"))
	if fe, ok := form.FieldsOf(err); ok {
		return k.renderForm(c, fiber.StatusUnprocessableEntity, p, k.Path, fe)
	}
	if err != nil {
		return err
	}
	return redirect.To(c, k.URL(p.Content().ID)+"?done=1")
}

func (k *Kit[T, P]) editForm(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	p, err := k.Editable(c.UserContext(), id)
	if err != nil {
		return err
	}
	return k.renderForm(c, fiber.StatusOK, p, k.URL(id)+"/edit", nil)
}

// save writes an edited item and takes the form's follow-up action.
func (k *Kit[T, P]) save(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	in, errs := k.Parse(c)
	err := k.Save(c.UserContext(), id, in, errs, c.FormValue("action"))
	if fe, ok := form.FieldsOf(err); ok {
		return k.renderForm(c, fiber.StatusUnprocessableEntity, in, k.URL(id)+"/edit", fe)
	}
	if err != nil {
		return err
	}
	return redirect.To(c, k.URL(id)+"?done=1")
}
