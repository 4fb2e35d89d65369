package auth

import "sync/atomic"

// CountHashes makes l count the passwords it hashes or checks (each an
// argon2id run, the expensive part of a request) and returns the count.
func (l *Local) CountHashes() *atomic.Int64 {
	n := new(atomic.Int64)
	l.onHash = func() { n.Add(1) }
	return n
}
