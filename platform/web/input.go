package web

import (
	"bytes"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
)

// BadRequest is a request refused because it cannot be read (400): the
// message key tells the user why, in their language.
type BadRequest struct{ Key, Msg string }

func (e *BadRequest) Error() string { return e.Msg }

// MessageKey is the key of the message shown to the user.
func (e *BadRequest) MessageKey() string { return e.Key }

// MessageArgs are none: the message names no value (the value may be what
// cannot be shown).
func (e *BadRequest) MessageArgs() []any { return nil }

// Unwrap makes the error answer 400.
func (e *BadRequest) Unwrap() error { return fiber.ErrBadRequest }

// ErrBadText is a request carrying a NUL character or bytes that are not
// UTF-8 text, which no page shows and PostgreSQL does not store.
var ErrBadText = &BadRequest{Key: "error.bad_text", Msg: "the request carries a NUL character or text that is not UTF-8"}

// ErrBadValue is an address whose id, page or cursor is out of range.
var ErrBadValue = &BadRequest{Key: "error.bad_value", Msg: "the address carries a value out of range"}

// RefuseBadText answers ErrBadText to a request whose path, query string,
// form fields (urlencoded, or the text parts of a multipart form: files are
// the upload checks' business), cookies or header values carry a NUL byte or
// invalid UTF-8, before any handler reads them. It runs before sessions and
// CSRF, so that nothing is looked up or written with such text.
func RefuseBadText(c *fiber.Ctx) error {
	req := c.Request()
	// Header values need not be UTF-8 (HTTP allows other bytes there); no
	// header may carry NUL.
	ok := goodText(req.URI().PathOriginal()) && goodText(req.URI().Path()) && all(req.URI().QueryArgs().VisitAll, goodText) &&
		all(req.Header.VisitAllCookie, goodText) && all(req.Header.VisitAll, noNUL) && goodBody(c)
	if !ok {
		return ErrBadText
	}
	return c.Next()
}

// goodBody checks a form's fields; a multipart body that does not parse is
// refused too (its handler would read no field of it).
func goodBody(c *fiber.Ctx) bool {
	req := c.Request()
	ct := req.Header.ContentType()
	switch {
	case bytes.HasPrefix(ct, []byte(fiber.MIMEApplicationForm)):
		return all(req.PostArgs().VisitAll, goodText)
	case bytes.HasPrefix(ct, []byte(fiber.MIMEMultipartForm)):
		mf, err := c.MultipartForm()
		if err != nil {
			return false
		}
		for k, vs := range mf.Value {
			if !goodText([]byte(k)) {
				return false
			}
			for _, v := range vs {
				if !goodText([]byte(v)) {
					return false
				}
			}
		}
	}
	return true
}

// all tells whether every name and value that visit gives is ok.
func all(visit func(func(k, v []byte)), ok func([]byte) bool) bool {
	good := true
	visit(func(k, v []byte) { good = good && ok(k) && ok(v) })
	return good
}

func noNUL(b []byte) bool { return bytes.IndexByte(b, 0) < 0 }

func goodText(b []byte) bool { return noNUL(b) && utf8.Valid(b) }
