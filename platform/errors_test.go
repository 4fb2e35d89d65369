package platform

import (
	"errors"
	"fmt"
	"testing"
)

func TestMessageKey(t *testing.T) {
	plain := NewError(ErrForbidden, "refused")
	keyed := NewKeyedError(ErrForbidden, "auth.oidc.nonce", "nonce mismatch")
	for name, c := range map[string]struct {
		err  error
		want string
	}{
		"keyed":                 {keyed, "auth.oidc.nonce"},
		"wrapped":               {fmt.Errorf("sign-in: %w", keyed), "auth.oidc.nonce"},
		"behind an unkeyed one": {fmt.Errorf("%w: %w", plain, keyed), "auth.oidc.nonce"},
		"none":                  {plain, ""},
		"nil":                   {nil, ""},
		"foreign":               {errors.New("x"), ""},
	} {
		if got := MessageKey(c.err); got != c.want {
			t.Errorf("%s: %q, want %q", name, got, c.want)
		}
	}
	if !errors.Is(fmt.Errorf("%w: %w", plain, keyed), ErrForbidden) {
		t.Error("kind lost")
	}
}
