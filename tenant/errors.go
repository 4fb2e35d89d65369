package tenant

import (
	"errors"
	"fmt"

	"github.com/piazza-pa/piazza/platform"
)

// The tenant package's errors; each unwraps to a platform kind.
var (
	ErrNotFound    = platform.NewError(platform.ErrNotFound, "no such tenant")
	ErrSlugTaken   = platform.NewError(platform.ErrConflict, "slug already taken")
	ErrHostTaken   = platform.NewError(platform.ErrConflict, "host name already taken")
	ErrWrongStatus = platform.NewError(platform.ErrConflict, "wrong tenant status")
	ErrInvalid     = platform.NewError(platform.ErrInvalid, "invalid tenant data")
)

// invalid reports bad input in a sentence meant for the person who typed it.
func invalid(format string, args ...any) error {
	return &InputError{msg: fmt.Sprintf(format, args...)}
}

// InputError is bad input, with a message for the person who typed it and
// the field it is about (slug, name, hosts, admin_email) when known.
type InputError struct {
	msg   string
	Field string
}

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
