package profile

import (
	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
)

type mailboxView struct {
	web.Page
	*Mailbox
	Message, Error string
}

// messages shows the member's messages, received and sent.
func (m *Module) messages(c *fiber.Ctx) error {
	b, err := m.Mailbox(c.UserContext())
	if err != nil {
		return err
	}
	v := mailboxView{Page: m.Page(c), Mailbox: b}
	if c.Query("sent") != "" {
		v.Message = v.L.T("profile.contact.sent")
	}
	return m.Render(c, fiber.StatusOK, "messages.html", v)
}

type letterView struct {
	web.Page
	*Letter
	Message, Error string
	// Text is the answer being written, Errors its problems, Max its
	// longest length.
	Text   string
	Errors map[string]string
	Max    int
}

// message shows one of the member's messages, with the form to answer it.
func (m *Module) message(c *fiber.Ctx) error {
	return m.renderMessage(c, fiber.StatusOK, "", nil)
}

func (m *Module) renderMessage(c *fiber.Ctx, status int, text string, errs map[string]string) error {
	l, err := m.Read(c.UserContext(), screen.ParamID(c, "id"))
	if err != nil {
		return err
	}
	return m.Render(c, status, "message.html", letterView{Page: m.Page(c), Letter: l, Text: text, Errors: errs, Max: MaxMessage})
}

// reply sends the member's answer to the sender of a message they received.
func (m *Module) reply(c *fiber.Ctx) error {
	text, errs := parseMessage(c)
	var err error
	if len(errs) == 0 {
		err = m.Reply(c.UserContext(), screen.ParamID(c, "id"), text)
	}
	status, shown, err := m.refusal(c, errs, err)
	if err != nil {
		return err
	}
	if status != 0 {
		return m.renderMessage(c, status, text, shown)
	}
	return redirect.To(c, "/profile/messages?sent=1")
}
