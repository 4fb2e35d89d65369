package auth

import (
	"errors"

	"github.com/piazza-pa/piazza/platform/password"
)

// fieldOf is the id of the form field that err is about: the e-mail
// address or the new password when err names one, else fallback (the
// field to correct first, "" for none).
func fieldOf(err error, fallback string) string {
	switch {
	case errors.Is(err, ErrInvalidEmail):
		return "email"
	case errors.Is(err, password.ErrTooShort), errors.Is(err, password.ErrTooLong):
		return "password"
	}
	return fallback
}

// summarise moves a view's error about one field into its error summary
// (Errors), which links to that field.
func summarise(v *view) {
	if v.Error == "" || v.Field == "" {
		return
	}
	v.Errors = map[string]string{v.Field: v.Error}
	v.Error = ""
}
