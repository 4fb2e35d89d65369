package tenant

import (
	"errors"
	"fmt"

	"github.com/piazza-pa/piazza/platform"
)

// The tenant package's errors; each unwraps to a platform kind.
var (
	ErrNotFound    = platform.NewError(platform.ErrNotFound, "no such tenant")
	ErrSlugTaken   = platform.NewKeyedError(platform.ErrConflict, "tenant.error.slug_taken", "slug already taken")
	ErrHostTaken   = platform.NewKeyedError(platform.ErrConflict, "tenant.error.host_taken", "host name already taken")
	ErrWrongStatus = platform.NewError(platform.ErrConflict, "wrong tenant status")
	ErrInvalid     = platform.NewError(platform.ErrInvalid, "invalid tenant data")
)

// invalid reports bad input: key names the sentence in the message files
// (tenant.error.*, with args as name/value pairs), format the same in English
// for the command line and logs.
func invalid(key string, args []any, format string, fargs ...any) error {
	return &InputError{msg: fmt.Sprintf(format, fargs...), key: "tenant.error." + key, args: args}
}

// InputError is bad input, with a message for the person who typed it and
// the field it is about (slug, name, hosts, admin_email) when known.
type InputError struct {
	msg   string
	key   string
	args  []any
	Field string
}

// MessageKey is the error's key in the message files.
func (e *InputError) MessageKey() string { return e.key }

// MessageArgs are the values the message names.
func (e *InputError) MessageArgs() []any { return e.args }

// FieldOf is the input field an error is about, or "".
func FieldOf(err error) string {
	var ie *InputError
	switch {
	case errors.As(err, &ie):
		return ie.Field
	case errors.Is(err, ErrSlugTaken):
		return "slug"
	case errors.Is(err, ErrHostTaken):
		return "hosts"
	}
	return ""
}

// about sets the field of an InputError.
func about(field string, err error) error {
	var ie *InputError
	if errors.As(err, &ie) && ie.Field == "" {
		ie.Field = field
	}
	return err
}

func (e *InputError) Error() string { return e.msg }

// Unwrap lets errors.Is(err, ErrInvalid) and errors.Is(err, platform.ErrInvalid) hold.
func (e *InputError) Unwrap() error { return ErrInvalid }

// takenError is a slug or host already in use, naming it.
type takenError struct {
	kind       error
	key, field string
	value      string
	extra      string
}

func (e *takenError) Error() string {
	return fmt.Sprintf("%v: %q%s", e.kind, e.value, e.extra)
}
func (e *takenError) Unwrap() error      { return e.kind }
func (e *takenError) MessageKey() string { return e.key }
func (e *takenError) MessageArgs() []any { return []any{"Value", e.value} }

func slugTaken(slug, extra string) error {
	return &takenError{kind: ErrSlugTaken, key: "tenant.error.slug_taken", value: slug, extra: extra}
}

func hostTaken(host, extra string) error {
	return &takenError{kind: ErrHostTaken, key: "tenant.error.host_taken", value: host, extra: extra}
}
