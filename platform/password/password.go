// Package password hashes and checks passwords with argon2id, stored in the
// PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$hash) so that the
// parameters can be raised later without invalidating stored hashes.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/piazza-pa/piazza/platform"
)

// Parameters of new hashes: OWASP's argon2id recommendation (19 MiB, 2 passes).
const (
	memoryKiB = 19 * 1024
	passes    = 2
	threads   = 1
	saltLen   = 16
	keyLen    = 32
)

// The rules a new password must follow.
const (
	MinLength = 10
	MaxLength = 256
)

// ErrTooShort and ErrTooLong refuse a new password.
var (
	ErrTooShort = platform.NewKeyedError(platform.ErrInvalid, "auth.error.password_short", fmt.Sprintf("the password must have at least %d characters", MinLength))
	ErrTooLong  = platform.NewKeyedError(platform.ErrInvalid, "auth.error.password_long", fmt.Sprintf("the password must have at most %d characters", MaxLength))
)

// errFormat means a stored hash is not one this package wrote.
var errFormat = errors.New("password: unrecognised hash format")

// Check says whether a new password is acceptable.
func Check(pw string) error {
	switch n := utf8.RuneCountInString(pw); {
	case n < MinLength:
		return ErrTooShort
	case n > MaxLength:
		return ErrTooLong
	}
	return nil
}

// Hash returns the PHC string of pw.
func Hash(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, passes, memoryKiB, threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, memoryKiB, passes, threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify says whether pw matches the stored hash, in constant time.
func Verify(pw, stored string) (bool, error) {
	parts := strings.Split(stored, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errFormat
	}
	var v int
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, errFormat
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, errFormat
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, errFormat
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// Dummy is a valid hash of no one's password: verify against it when the
// account does not exist, so that the answer takes as long either way.
var Dummy = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Vfhd0vHbF7n7m0Kk7HkHc6mIRn2nWkq0hTAn6FyC1yE"
