package profile

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
)

type showView struct {
	web.Page
	Card
	Message, Error string
	// Text is the message being written to the person, Errors its
	// problems (by field id), Max its longest length.
	Text   string
	Errors map[string]string
	Max    int
}

func (m *Module) show(c *fiber.Ctx) error {
	return m.renderShow(c, fiber.StatusOK, "", nil)
}

// renderShow shows a person's page: with the message being written to
// them (text) and its problems when it was refused.
func (m *Module) renderShow(c *fiber.Ctx, status int, text string, errs map[string]string) error {
	v := showView{Page: m.Page(c), Text: text, Errors: errs, Max: MaxMessage}
	switch {
	case c.Query("sent") != "":
		v.Message = v.L.T("profile.contact.sent")
	case c.Query("done") != "":
		v.Message = v.L.T("profile.done")
	}
	card, err := m.Card(c.UserContext(), screen.ParamID(c, "id"))
	if err != nil {
		return err
	}
	v.Card = *card
	return m.Render(c, status, "show.html", v)
}

// contact sends the member's message to the person of the page.
func (m *Module) contact(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	text, errs := parseMessage(c)
	var err error
	if len(errs) == 0 {
		err = m.Write(c.UserContext(), id, text)
	}
	status, shown, err := m.refusal(c, errs, err)
	if err != nil {
		return err
	}
	if status != 0 {
		return m.renderShow(c, status, text, shown)
	}
	return redirect.To(c, "/people/"+strconv.FormatInt(id, 10)+"?sent=1")
}

// parseMessage reads the text of a message (field "message") and checks
// its length.
func parseMessage(c *fiber.Ctx) (string, form.Errors) {
	text := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\x00", "").Replace(c.FormValue("message"))
	text = strings.TrimSpace(text)
	errs := form.Errors{}
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		errs.Add("message", "profile.error.message_empty")
	case n > MaxMessage:
		errs.Add("message", "profile.error.message_long")
	}
	return text, errs
}

// refusal is the status and the problems (by field id, translated) to
// show a message's form again with when the text (errs) or the sending
// (err) was refused; any other error is returned as it is.
func (m *Module) refusal(c *fiber.Ctx, errs form.Errors, err error) (int, map[string]string, error) {
	switch {
	case len(errs) > 0:
		return fiber.StatusUnprocessableEntity, errs.Translate(m.Shell.I18n.FromContext(c.UserContext()).T), nil
	case errors.Is(err, ErrContactLimit):
		return fiber.StatusTooManyRequests, map[string]string{"message": m.ErrText(c, err)}, nil
	}
	return 0, nil, err
}
