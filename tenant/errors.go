package tenant

import (
	"fmt"

	"github.com/piazza-pa/piazza/platform"
)

// The tenant package's errors; each unwraps to a platform kind.
var (
	ErrNotFound    = fmt.Errorf("tenant %w", platform.ErrNotFound)
	ErrSlugTaken   = fmt.Errorf("slug already taken: %w", platform.ErrConflict)
	ErrHostTaken   = fmt.Errorf("host name already taken: %w", platform.ErrConflict)
	ErrWrongStatus = fmt.Errorf("not possible in the tenant's status: %w", platform.ErrConflict)
	ErrInvalid     = fmt.Errorf("tenant %w", platform.ErrInvalid)
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
