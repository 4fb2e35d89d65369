package web

import (
	"bytes"
	"errors"
	"html/template"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
)

// page is the content of an error page, in Italian and English until the
// interface is translated per request (web-shell work).
type page struct {
	Status           int
	TitleIT, TitleEN string
	TextIT, TextEN   string
	Detail           string
	RequestID        string
}

var pages = map[int]page{
	fiber.StatusNotFound: {TitleIT: "Pagina non trovata", TitleEN: "Page not found",
		TextIT: "L'indirizzo non corrisponde a nessuna pagina di questo sito.", TextEN: "The address matches no page of this site."},
	fiber.StatusForbidden: {TitleIT: "Accesso negato", TitleEN: "Access denied",
		TextIT: "Non hai i permessi per questa operazione.", TextEN: "You are not allowed to do this."},
	fiber.StatusUnprocessableEntity: {TitleIT: "Dati non validi", TitleEN: "Invalid input",
		TextIT: "Controlla i dati inseriti e riprova.", TextEN: "Check what you entered and try again."},
	fiber.StatusConflict: {TitleIT: "Conflitto", TitleEN: "Conflict",
		TextIT: "L'operazione è in conflitto con lo stato attuale.", TextEN: "The operation conflicts with the current state."},
	fiber.StatusServiceUnavailable: {TitleIT: "Servizio non disponibile", TitleEN: "Service unavailable",
		TextIT: "Questo sito non è disponibile in questo momento. Riprova più tardi.", TextEN: "This site is not available right now. Please try again later."},
	fiber.StatusInternalServerError: {TitleIT: "Errore del server", TitleEN: "Server error",
		TextIT: "Si è verificato un errore. Se il problema continua, comunica il codice qui sotto.", TextEN: "Something went wrong. If it keeps happening, report the code below."},
}

// statusOf maps an error to its HTTP status by kind.
func statusOf(err error) int {
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		return fe.Code
	case errors.Is(err, platform.ErrNotFound):
		return fiber.StatusNotFound
	case errors.Is(err, platform.ErrInvalid):
		return fiber.StatusUnprocessableEntity
	case errors.Is(err, platform.ErrConflict):
		return fiber.StatusConflict
	case errors.Is(err, platform.ErrForbidden):
		return fiber.StatusForbidden
	case errors.Is(err, platform.ErrUnavailable):
		return fiber.StatusServiceUnavailable
	}
	return fiber.StatusInternalServerError
}

// errorHandler renders every error as a page: internals are logged with the
// request and tenant ids and shown only in development.
func errorHandler(tmpl *template.Template, log *slog.Logger, dev bool) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		status := statusOf(err)
		p, ok := pages[status]
		if !ok {
			p = pages[fiber.StatusInternalServerError]
			if status < 500 {
				p = page{TitleIT: "Richiesta non valida", TitleEN: "Bad request", TextIT: "La richiesta non può essere elaborata.", TextEN: "The request cannot be processed."}
			}
		}
		p.Status = status
		p.RequestID = requestID(c)
		if status >= 500 && !errors.Is(err, platform.ErrUnavailable) {
			log.Error("request failed", "err", err, "request_id", p.RequestID, "tenant", c.Locals(LocalTenant), "path", c.Path())
		}
		if status < 500 && status != fiber.StatusNotFound || errors.Is(err, platform.ErrUnavailable) {
			// The message of a known kind is meant for the user (a bad slug, a
			// missing CSRF token …).
			p.Detail = err.Error()
		} else if dev {
			p.Detail = err.Error()
		}
		if status == fiber.StatusServiceUnavailable {
			c.Set(fiber.HeaderRetryAfter, "300")
		}
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, "error.html", p); err != nil {
			log.Error("render error page", "err", err)
			return c.Status(status).SendString(p.TitleEN)
		}
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Status(status).Send(buf.Bytes())
	}
}
