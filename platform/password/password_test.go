package password

import (
	"errors"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/platform"
)

func TestHashVerify(t *testing.T) {
	h, err := Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(h, "horse") {
		t.Fatalf("hash %q", h)
	}
	h2, _ := Hash("correct horse battery staple")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt reused")
	}
	for pw, want := range map[string]bool{"correct horse battery staple": true, "correct horse battery stapl": false, "": false} {
		if ok, err := Verify(pw, h); err != nil || ok != want {
			t.Errorf("Verify(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	if _, err := Verify("x", "$2a$10$bcrypt"); err == nil {
		t.Error("a foreign hash format was accepted")
	}
	if ok, err := Verify("anything", Dummy); err != nil || ok {
		t.Errorf("dummy hash: %v %v", ok, err)
	}
}

func TestCheck(t *testing.T) {
	if err := Check("short"); !errors.Is(err, platform.ErrInvalid) {
		t.Errorf("short: %v", err)
	}
	if err := Check(strings.Repeat("a", 257)); !errors.Is(err, ErrTooLong) {
		t.Errorf("long: %v", err)
	}
	if err := Check("àèìòù àèìòù"); err != nil {
		t.Errorf("accented: %v", err)
	}
}
