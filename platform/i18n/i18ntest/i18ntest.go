// Package i18ntest checks message files in tests.
package i18ntest

import (
	"io/fs"
	"slices"
	"testing"

	"github.com/piazza-pa/piazza/platform/i18n"
)

// CheckParity fails t when a key exists in one language and not in another;
// every module's tests call it on their message files.
func CheckParity(t *testing.T, src fs.FS) {
	t.Helper()
	keys, err := i18n.Keys(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Supported {
		if _, ok := keys[lang]; !ok {
			t.Errorf("no %s.toml", lang)
		}
	}
	for a, ka := range keys {
		for b, kb := range keys {
			for _, k := range ka {
				if !slices.Contains(kb, k) {
					t.Errorf("%q is in %s.toml but not in %s.toml", k, a, b)
				}
			}
		}
	}
}
