package secret

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealOpen(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	b, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := b.Seal([]byte("client-secret"), "idp:lazio:spid")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("client-secret")) {
		t.Fatal("sealed value contains the plain text")
	}
	again, _ := b.Seal([]byte("client-secret"), "idp:lazio:spid")
	if bytes.Equal(sealed, again) {
		t.Fatal("two seals of the same value are equal: nonce reused")
	}
	plain, err := b.Open(sealed, "idp:lazio:spid")
	if err != nil || string(plain) != "client-secret" {
		t.Fatalf("open: %q %v", plain, err)
	}
	other, _ := New(bytes.Repeat([]byte{8}, 32))
	tampered := append([]byte{}, sealed...)
	tampered[len(tampered)-1] ^= 1
	for name, open := range map[string]func() ([]byte, error){
		"other context": func() ([]byte, error) { return b.Open(sealed, "idp:puglia:spid") },
		"other key":     func() ([]byte, error) { return other.Open(sealed, "idp:lazio:spid") },
		"tampered":      func() ([]byte, error) { return b.Open(tampered, "idp:lazio:spid") },
		"truncated":     func() ([]byte, error) { return b.Open(sealed[:5], "idp:lazio:spid") },
	} {
		if _, err := open(); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: got %v, want ErrOpen", name, err)
		}
	}
	if _, err := New([]byte("short")); err == nil {
		t.Fatal("a short key was accepted")
	}
}
