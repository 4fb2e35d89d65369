package web

import (
	"errors"
	"html"
	"html/template"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
)

// errorPage is the content of an error page.
type errorPage struct {
	Page
	Title, Text, Detail, RequestID string
}

// pageKeys are the message keys of each status's page.
var pageKeys = map[int]string{
	fiber.StatusNotFound:            "error.not_found",
	fiber.StatusForbidden:           "error.forbidden",
	fiber.StatusUnprocessableEntity: "error.invalid",
	fiber.StatusConflict:            "error.conflict",
	fiber.StatusServiceUnavailable:  "error.unavailable",
	fiber.StatusTooManyRequests:     "error.too_many",
	fiber.StatusInternalServerError: "error.server",
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

// errorHandler renders every error as a page in the request's language:
// internals are logged with the request and tenant ids and shown only in
// development.
func errorHandler(shell *Shell, tmpl *template.Template, log *slog.Logger, dev bool) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		status := statusOf(err)
		key, ok := pageKeys[status]
		if !ok {
			key = "error.server"
			if status < 500 {
				key = "error.bad_request"
			}
		}
		site, _ := c.Locals(LocalSiteName).(string)
		if site == "" {
			site = "Piazza"
		}
		pg := shell.NewPage(c, site, "", "")
		loc := pg.L
		p := errorPage{Page: pg, Title: loc.T(key + ".title"), Text: loc.T(key + ".text"), RequestID: requestID(c)}
		if status >= 500 && !errors.Is(err, platform.ErrUnavailable) {
			log.Error("request failed", "err", err, "request_id", p.RequestID, "tenant", c.Locals(LocalTenant), "path", c.Path())
		}
		// The message of a known kind is meant for the user (a bad slug, a
		// missing CSRF token, a suspended site …); Fiber's own untranslated
		// text (the request parser's quotes the request's headers) is shown
		// only in development.
		if status < 500 && status != fiber.StatusNotFound && !fiberText(err) || errors.Is(err, platform.ErrUnavailable) || dev {
			p.Detail = platform.Localize(err, loc.T)
		}
		if status == fiber.StatusServiceUnavailable {
			c.Set(fiber.HeaderRetryAfter, "300")
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		if strings.HasPrefix(c.Path(), APIPrefix) { // a program's request: the API's JSON error
			text := p.Text
			if p.Detail != "" {
				text = p.Detail
			}
			return c.Status(status).JSON(fiber.Map{"error": fiber.Map{"code": apiCode(status), "message": text}})
		}
		if c.Get("HX-Request") == "true" { // shown in place, next to the form
			text := p.Text
			if p.Detail != "" {
				text = p.Detail
			}
			c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
			return c.Status(status).SendString(`<div class="alert alert-danger mt-2 mb-0" role="alert">` + html.EscapeString(text) + `</div>`)
		}
		if err := Render(c, status, tmpl, p); err != nil {
			log.Error("render error page", "err", err)
			return c.Status(status).SendString(p.Title)
		}
		return nil
	}
}

// APIPrefix is where the open API answers (modules/api): an error the
// site answers before the API does (bad text, a suspended site, a site in
// its payment grace period …) is JSON there too, as the API's own are.
const APIPrefix = "/api/"

// apiCodes are the API's codes of error statuses; another status is
// bad_request below 500, server_error from it.
var apiCodes = map[int]string{fiber.StatusBadRequest: "invalid", fiber.StatusUnauthorized: "unauthorized",
	fiber.StatusForbidden: "forbidden", fiber.StatusNotFound: "not_found", fiber.StatusMethodNotAllowed: "method_not_allowed",
	fiber.StatusConflict: "conflict", fiber.StatusRequestEntityTooLarge: "too_large", fiber.StatusTooManyRequests: "rate_limited",
	fiber.StatusServiceUnavailable: "unavailable"}

// apiCode is the API's code of an error status.
func apiCode(status int) string {
	if code, ok := apiCodes[status]; ok {
		return code
	}
	if status < 500 {
		return "bad_request"
	}
	return "server_error"
}

// fiberText says whether err is Fiber's own error, with no message key.
func fiberText(err error) bool {
	var fe *fiber.Error
	return errors.As(err, &fe) && !platform.Translated(err)
}
