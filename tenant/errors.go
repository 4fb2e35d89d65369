package tenant

import (
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

// InputError is bad input, with a message for the person who typed it.
type InputError struct{ msg string }

func (e *InputError) Error() string { return e.msg }

// Unwrap lets errors.Is(err, ErrInvalid) and errors.Is(err, platform.ErrInvalid) hold.
func (e *InputError) Unwrap() error { return ErrInvalid }
