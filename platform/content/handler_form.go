package content

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/richtext"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/platform/workflow"
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
	v := FormView[P]{Page: k.Page(c), Item: p, Key: k.Key, Action: action, Kinds: k.Kinds, Themes: taxonomy.Themes, Languages: i18n.Supported}
	if errs != nil {
		v.Errors = errs.Translate(v.L.T)
	}
	uid := auth.UserFromContext(c.UserContext()).ID
	err := k.Tx(c, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if k.Choices != nil {
			if v.Choices, err = k.Choices(ctx, tx, p, uid); err != nil {
				return err
			}
		}
		may, err := k.GuardOf(ctx, tx, p, uid)
		v.Publish = err == nil && may("publish")
		return err
	})
	if err != nil {
		return err
	}
	return web.Render(c, status, k.pages["form.html"], v)
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
	b := p.Content()
	uid := auth.UserFromContext(c.UserContext()).ID
	b.AuthorID, b.State = &uid, workflow.Draft
	err := k.Announcing(c, func(ctx context.Context, tx bun.Tx) error {
		if err := k.check(ctx, tx, p, uid, errs); err != nil {
			return err
		}
		if err := k.insert(ctx, tx, p); err != nil {
			return err
		}
		if err := workflow.Record(ctx, tx, k.Item(p), "create", "", workflow.Draft, uid, ""); err != nil {
			return err
		}
		return k.advance(ctx, tx, p, uid, c.FormValue("action"))
	})
	if fe, ok := form.FieldsOf(err); ok {
		return k.renderForm(c, fiber.StatusUnprocessableEntity, p, k.Path, fe)
	}
	if err != nil {
		return err
	}
	return redirect.To(c, k.URL(b.ID)+"?done=1")
}

// check refuses what uid may not write: a scope they may not write to,
// what the type's Check refuses, and the form's errors.
func (k *Kit[T, P]) check(ctx context.Context, tx bun.IDB, p P, uid int64, errs form.Errors) error {
	if err := k.CheckScope(ctx, tx, k.Name, &p.Content().Scope, uid, errs); err != nil {
		return err
	}
	if k.Check != nil {
		if err := k.Check(ctx, tx, p, uid, errs); err != nil {
			return err
		}
	}
	return errs.Err()
}

// advance takes the form's follow-up action (submit or publish) on a draft.
func (k *Kit[T, P]) advance(ctx context.Context, tx bun.IDB, p P, uid int64, action string) error {
	if action != "submit" && action != "publish" {
		return nil
	}
	may, err := k.GuardOf(ctx, tx, p, uid)
	if err != nil {
		return err
	}
	tr, err := workflow.Apply(ctx, tx, k.Item(p), action, uid, "", may)
	if errors.Is(err, workflow.ErrNoTransition) {
		return nil // saved; the state offers no such step (an edit of a published item)
	}
	if err == nil && tr.To == workflow.Published {
		err = k.published(ctx, tx, p.Content().ID)
	}
	return err
}

// editable loads an item the member uid may edit.
func (k *Kit[T, P]) editable(ctx context.Context, tx bun.IDB, id, uid int64) (P, error) {
	p, err := k.Get(ctx, tx, k.ViewerOf(ctx), id)
	if err != nil {
		return nil, err
	}
	may, err := k.GuardOf(ctx, tx, p, uid)
	if err != nil {
		return nil, err
	}
	if !k.MayEdit(p, uid, may) {
		return nil, authz.ErrForbidden
	}
	return p, nil
}

func (k *Kit[T, P]) editForm(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	uid := auth.UserFromContext(c.UserContext()).ID
	var p P
	if err := k.Tx(c, func(ctx context.Context, tx bun.Tx) error {
		var err error
		p, err = k.editable(ctx, tx, id, uid)
		return err
	}); err != nil {
		return err
	}
	return k.renderForm(c, fiber.StatusOK, p, k.URL(id)+"/edit", nil)
}

// save writes an edited item and takes the form's follow-up action.
func (k *Kit[T, P]) save(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	uid := auth.UserFromContext(c.UserContext()).ID
	in, errs := k.Parse(c)
	err := k.Announcing(c, func(ctx context.Context, tx bun.Tx) error {
		p, err := k.editable(ctx, tx, id, uid)
		if err != nil {
			return err
		}
		b, was := in.Content(), p.Content()
		b.ID, b.AuthorID, b.State = was.ID, was.AuthorID, was.State
		if err := k.check(ctx, tx, in, uid, errs); err != nil {
			return err
		}
		if err := k.Update(ctx, tx, in); err != nil {
			return err
		}
		return k.advance(ctx, tx, in, uid, c.FormValue("action"))
	})
	if fe, ok := form.FieldsOf(err); ok {
		return k.renderForm(c, fiber.StatusUnprocessableEntity, in, k.URL(id)+"/edit", fe)
	}
	if err != nil {
		return err
	}
	return redirect.To(c, k.URL(id)+"?done=1")
}
