// Package form carries a form's problems, field by field, from the service
// that checks the input to the page that shows each message next to its
// field. Messages are keys, translated at the edge.
package form

import (
	"errors"
	"github.com/gofiber/fiber/v2"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/piazza-pa/piazza/platform"
)

// Errors maps a field's name to the message key of its problem.
type Errors map[string]string

// Add records the problem of field, keeping the first one found.
func (e Errors) Add(field, key string) {
	if _, ok := e[field]; !ok {
		e[field] = key
	}
}

// Err is nil when there is no problem, else an error of kind
// platform.ErrInvalid carrying the problems.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return &Invalid{Fields: e}
}

// Invalid is input refused field by field.
type Invalid struct{ Fields Errors }

func (e *Invalid) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for f, k := range e.Fields {
		keys = append(keys, f+": "+k)
	}
	sort.Strings(keys)
	return "invalid input (" + strings.Join(keys, ", ") + ")"
}

// Unwrap makes the error of kind platform.ErrInvalid.
func (e *Invalid) Unwrap() error { return platform.ErrInvalid }

// FieldsOf returns the problems an error carries, if it is a refused form.
func FieldsOf(err error) (Errors, bool) {
	var inv *Invalid
	if errors.As(err, &inv) {
		return inv.Fields, true
	}
	return nil, false
}

// Translate returns the problems as sentences, by field.
func (e Errors) Translate(t func(key string, args ...any) string) map[string]string {
	out := make(map[string]string, len(e))
	for f, k := range e {
		out[f] = t(k)
	}
	return out
}

// List splits a comma- or newline-separated field into trimmed, distinct,
// non-empty values, at most max of them.
func List(s string, max int) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ';' }) {
		v = strings.TrimSpace(v)
		k := strings.ToLower(v)
		if v == "" || seen[k] || len(out) >= max {
			continue
		}
		seen[k] = true
		out = append(out, v)
	}
	return out
}

// Values reads every value of a field of a posted form, multipart or
// urlencoded.
func Values(c *fiber.Ctx, name string) []string {
	if mf, err := c.MultipartForm(); err == nil {
		return mf.Value[name]
	}
	var out []string
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}

// IDs reads the distinct positive ids among vs (never nil).
func IDs(vs []string) []int64 {
	out := []int64{}
	for _, v := range vs {
		if id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && id > 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
