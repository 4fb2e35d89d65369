package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// Token returns n random bytes as unpadded URL-safe base64: session
// tokens, e-mailed links, generated passwords (32 bytes give the 43
// characters of a session token).
func Token(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails: crypto/rand crashes the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}

// Digest is the SHA-256 of a token, the form in which a token is stored
// (who reads the database cannot use what it finds).
func Digest(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
