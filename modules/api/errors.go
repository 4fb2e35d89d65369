package api

import (
	"errors"
	"log/slog"
	"sort"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/web"
)

// Problem is an error answer: {"error": {"code", "message", "field"}}.
// Code is stable for programs, Message a sentence in the request's
// language, Field the parameter or body field at fault ("" for none).
type Problem struct {
	Status int    `json:"-"`
	Code   string `json:"code"`
	// Key is the message key of Message (api.error.<code> when empty).
	Key     string `json:"-"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func (p *Problem) Error() string { return p.Code + " " + p.Field }

// The problems every resource may answer.
var (
	errUnauthorized = &Problem{Status: fiber.StatusUnauthorized, Code: "unauthorized"}
	errTokenNeeded  = &Problem{Status: fiber.StatusUnauthorized, Code: "token_required"}
	errReadOnly     = &Problem{Status: fiber.StatusForbidden, Code: "read_only_token"}
	errNotFound     = &Problem{Status: fiber.StatusNotFound, Code: "not_found"}
	errTooMany      = &Problem{Status: fiber.StatusTooManyRequests, Code: "rate_limited"}
)

// invalid is a bad value of field (400).
func invalid(field string) *Problem {
	return &Problem{Status: fiber.StatusBadRequest, Code: "invalid", Field: field, Key: "api.error.invalid." + field}
}

// conflict is a write the item refuses in its state (409), told by the
// module's own message key.
func conflict(key string) *Problem {
	return &Problem{Status: fiber.StatusConflict, Code: "conflict", Key: key}
}

// fail answers p as JSON, its message in the request's language.
func (m *Module) fail(c *fiber.Ctx, p *Problem) error {
	q := *p
	key := q.Key
	if key == "" {
		key = "api.error." + q.Code
	}
	q.Message = m.T(c, key)
	if q.Status == fiber.StatusUnauthorized {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="api"`)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(q.Status).JSON(fiber.Map{"error": q})
}

// answer answers err as JSON: a Problem as it is; a refused form by its
// first field (in name order, so that the answer is the same each time);
// an item the reader may not see as 404; anything else as 500, logged
// with the request and tenant and shown to nobody.
func (m *Module) answer(c *fiber.Ctx, err error) error {
	var p *Problem
	if errors.As(err, &p) {
		return m.fail(c, p)
	}
	if fields, ok := form.FieldsOf(err); ok {
		names := make([]string, 0, len(fields))
		for f := range fields {
			names = append(names, f)
		}
		sort.Strings(names)
		return m.fail(c, &Problem{Status: fiber.StatusBadRequest, Code: "invalid", Field: names[0], Key: fields[names[0]]})
	}
	switch {
	case errors.Is(err, platform.ErrNotFound):
		return m.fail(c, errNotFound)
	case errors.Is(err, platform.ErrForbidden):
		return m.fail(c, &Problem{Status: fiber.StatusForbidden, Code: "forbidden"})
	case errors.Is(err, platform.ErrConflict) && platform.MessageKey(err) != "":
		return m.fail(c, conflict(platform.MessageKey(err)))
	}
	slog.ErrorContext(c.UserContext(), "api request failed", "err", err, "request_id", c.Locals(web.LocalRequestID),
		"tenant", c.Locals(web.LocalTenant), "path", c.Path())
	return m.fail(c, &Problem{Status: fiber.StatusInternalServerError, Code: "server_error"})
}
