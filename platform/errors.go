// Package platform holds the general kinds of error that every module's
// errors unwrap to; the web layer maps each kind to one HTTP status.
package platform

import "errors"

// The kinds of error. Module errors wrap one of these with %w.
var (
	// ErrNotFound: the thing does not exist, or the caller may not know it does.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the input is wrong; the message says how.
	ErrInvalid = errors.New("invalid input")
	// ErrConflict: the input clashes with what exists (a taken slug, say).
	ErrConflict = errors.New("conflict")
	// ErrForbidden: the caller may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrUnavailable: the thing exists but is not serving (a suspended tenant).
	ErrUnavailable = errors.New("unavailable")
)

// NewError returns an error reading msg that unwraps to kind, for a module's
// sentinels: var ErrThreadNotFound = platform.NewError(platform.ErrNotFound, "thread not found").
func NewError(kind error, msg string) error {
	return &kindError{msg: msg, kind: kind}
}

// NewKeyedError is NewError with a message key, so that the web layer shows
// the message in the user's language (msg stays for logs and the CLI).
func NewKeyedError(kind error, key, msg string) error {
	return &kindError{msg: msg, kind: kind, key: key}
}

// MessageKey is the message key of the first keyed error in err's tree,
// or "".
func MessageKey(err error) string {
	if err == nil {
		return ""
	}
	if k, ok := err.(*kindError); ok && k.key != "" {
		return k.key
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return MessageKey(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if k := MessageKey(e); k != "" {
				return k
			}
		}
	}
	return ""
}

type kindError struct {
	msg  string
	kind error
	key  string
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

// Localizable is an error whose message exists in the message files, with
// the values its text names.
type Localizable interface {
	MessageKey() string
	MessageArgs() []any
}

// Translated says whether err carries a message key, so that its message
// can be shown in the user's language.
func Translated(err error) bool {
	var l Localizable
	return errors.As(err, &l) && l.MessageKey() != "" || MessageKey(err) != ""
}

// Localize is err's message in the user's language: t translates a key with
// name/value arguments. An error without a message key shows its own text.
func Localize(err error, t func(key string, args ...any) string) string {
	var l Localizable
	if errors.As(err, &l) && l.MessageKey() != "" {
		return t(l.MessageKey(), l.MessageArgs()...)
	}
	if k := MessageKey(err); k != "" {
		return t(k)
	}
	return err.Error()
}
