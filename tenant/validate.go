package tenant

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/piazza-pa/piazza/config"
)

// reserved are slugs that would shadow a service host or confuse people.
var reserved = map[string]bool{
	"admin": true, "www": true, "api": true, "app": true, "auth": true, "login": true,
	"static": true, "assets": true, "cdn": true, "mail": true, "smtp": true, "imap": true,
	"ftp": true, "status": true, "health": true, "metrics": true, "operator": true,
	"console": true, "dashboard": true, "support": true, "help": true, "docs": true,
	"blog": true, "root": true, "system": true, "piazza": true,
	"localhost": true, "internal": true,
}

// CheckSlug says what is wrong with a slug, or nil.
func CheckSlug(s string) error {
	switch {
	case s == "":
		return invalid("slug_empty", nil, "the slug is empty: give 2 to 40 lower-case letters, digits or hyphens")
	case len(s) < 2 || len(s) > 40:
		return invalid("slug_length", []any{"Slug", s, "Count", utf8.RuneCountInString(s)}, "slug %q has %d characters: it must have 2 to 40", s, utf8.RuneCountInString(s))
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return invalid("slug_char", []any{"Slug", s, "Char", string(r)}, "slug %q contains %q: only lower-case letters a-z, digits and hyphens are allowed", s, r)
		}
	}
	if s[0] == '-' || s[len(s)-1] == '-' {
		return invalid("slug_hyphen", []any{"Slug", s}, "slug %q must not start or end with a hyphen", s)
	}
	if strings.Contains(s, "--") {
		return invalid("slug_hyphens", []any{"Slug", s}, "slug %q must not contain two hyphens in a row", s)
	}
	if reserved[s] {
		return invalid("slug_reserved", []any{"Slug", s}, "slug %q is reserved: choose another", s)
	}
	return nil
}

// checkName trims a display name and says what is wrong with it.
func checkName(n string) (string, error) {
	n = strings.TrimSpace(n)
	switch {
	case n == "":
		return "", invalid("name_empty", nil, "the name is empty: give the administration's display name")
	case utf8.RuneCountInString(n) > 200:
		return "", invalid("name_long", nil, "the name is longer than 200 characters")
	case !utf8.ValidString(n) || strings.ContainsFunc(n, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "", invalid("name_control", nil, "the name contains control characters")
	}
	return n, nil
}

// NormalizeHost lower-cases a host name, drops a trailing dot and checks it.
func NormalizeHost(h string) (string, error) {
	h = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(h), "."))
	if err := config.CheckHost(h); err != nil {
		return "", invalid("host", []any{"Host", h}, "%v", err)
	}
	return h, nil
}

// checkEmail checks the first admin's e-mail address (optional).
func checkEmail(e string) (string, error) {
	e = strings.TrimSpace(e)
	if e == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || len(e) > 254 || !strings.Contains(e[strings.LastIndexByte(e, '@'):], ".") && !strings.HasSuffix(e, "@localhost") {
		return "", invalid("email", []any{"Email", e}, "%q is not an e-mail address", e)
	}
	return e, nil
}
