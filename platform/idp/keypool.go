package idp

import (
	"crypto/rand"
	"crypto/rsa"
	"sync"
)

// RSA keys are made ahead, a few at a time, by one goroutine of the
// process: provisioning a tenant makes two of them (signing and
// encryption) inside its transaction, and a 2048-bit key takes from tens
// to hundreds of milliseconds of one CPU — more than the rest of
// provisioning from a spare schema. Keys made ahead never leave the
// process's memory before they are sealed into their rows, as keys made on
// the spot.

// keysAhead is how many keys wait ready.
const keysAhead = 4

var (
	ready     = make(chan *rsa.PrivateKey, keysAhead)
	startPool sync.Once
)

// MakeKeysAhead starts making keys ahead (a server calls it at start; the
// first key asked for starts it otherwise).
func MakeKeysAhead() {
	startPool.Do(func() {
		go func() {
			for {
				k, err := rsa.GenerateKey(rand.Reader, 2048)
				if err != nil {
					continue
				}
				ready <- k // blocks while keysAhead wait
			}
		}()
	})
}

// newRSAKey is a 2048-bit RSA key: one made ahead when one is ready, else
// a new one.
func newRSAKey() (*rsa.PrivateKey, error) {
	MakeKeysAhead()
	select {
	case k := <-ready:
		return k, nil
	default:
		return rsa.GenerateKey(rand.Reader, 2048)
	}
}
