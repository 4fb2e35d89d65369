package content

import (
	"io/fs"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
)

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, Messages) }

// TestWithKit: the site's bundle gets a type's messages and the kit's.
func TestWithKit(t *testing.T) {
	own := fstest.MapFS{
		"locale/it.toml": {Data: []byte(`"news.title" = "Notizie"` + "\n")},
		"locale/en.toml": {Data: []byte(`"news.title" = "News"` + "\n")},
	}
	files, err := fs.Glob(WithKit(own), "locale/*.toml")
	if err != nil || !slices.Contains(files, "locale/it.toml") || !slices.Contains(files, "kit/locale/it.toml") {
		t.Fatalf("files: %v %v", files, err)
	}
	b, err := i18n.New(WithKit(own))
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string][2]string{"it": {"Notizie", "Chi può vederlo"}, "en": {"News", "Who can see it"}} {
		l := b.For(lang)
		if got := [2]string{l.T("news.title"), l.T("content.scope.label")}; got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}
