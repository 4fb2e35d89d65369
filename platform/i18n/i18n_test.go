package i18n_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
)

func TestPlatformParity(t *testing.T) { i18ntest.CheckParity(t, i18n.Messages) }

func TestChoose(t *testing.T) {
	both := []string{"it", "en"}
	cases := []struct {
		enabled                   []string
		def, user, cookie, accept string
		want                      string
	}{
		{both, "it", "en", "it", "it", "en"},                  // the user's preference first
		{both, "it", "", "en", "it", "en"},                    // then the cookie
		{both, "it", "", "", "en-GB,en;q=0.9,it;q=0.5", "en"}, // then Accept-Language
		{both, "en", "", "", "de-DE", "en"},                   // then the tenant's default
		{[]string{"it"}, "it", "en", "en", "en", "it"},        // never a language the tenant has not enabled
		{both, "it", "fr", "xx", "fr-FR,de", "it"},            // unknown everywhere
	}
	for _, c := range cases {
		if got := i18n.Choose(c.enabled, c.def, c.user, c.cookie, c.accept); got != c.want {
			t.Errorf("Choose(%v, %q, %q, %q, %q) = %q, want %q", c.enabled, c.def, c.user, c.cookie, c.accept, got, c.want)
		}
	}
}

func TestFormatting(t *testing.T) {
	b, err := i18n.New(i18n.Messages)
	if err != nil {
		t.Fatal(err)
	}
	it, en := b.For("it"), b.For("en")
	if it.T("error.not_found.title") != "Pagina non trovata" || en.T("error.not_found.title") != "Page not found" {
		t.Fatal("translations")
	}
	if it.T("no.such.key") != "no.such.key" {
		t.Fatal("a missing key must show as itself")
	}
	if got := it.Number(1234567.5); got != "1.234.567,5" {
		t.Errorf("Italian number: %q", got)
	}
	if got := en.Number(1234567.5); got != "1,234,567.5" {
		t.Errorf("English number: %q", got)
	}
	d := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	if it.Date(d) != "9 marzo 2026" || en.Date(d) != "9 March 2026" {
		t.Errorf("dates: %q %q", it.Date(d), en.Date(d))
	}
}

// TestSharedLocalizers: a supported language's localizer is made once and
// shared, and requests translating at once in both languages each get
// their own language (the memo of messages is the language's); another
// language gets a localizer of its own, kept by nobody.
func TestSharedLocalizers(t *testing.T) {
	b, err := i18n.New(i18n.Messages)
	if err != nil {
		t.Fatal(err)
	}
	if b.For("it") != b.For("it") || b.For("en") != b.For("en") || b.For("it") == b.For("en") {
		t.Fatal("one localizer per supported language")
	}
	if b.For("de") == b.For("de") {
		t.Fatal("a language not supported is not kept")
	}
	if got := b.For("de").T("error.not_found.title"); got != "Pagina non trovata" { // the bundle's default
		t.Errorf("unsupported language: %q", got)
	}
	want := map[string]string{"it": "Pagina non trovata", "en": "Page not found"}
	var wg sync.WaitGroup
	errs := make(chan string, 400)
	for i := range 400 {
		lang := []string{"it", "en"}[i%2]
		wg.Go(func() {
			if got := b.For(lang).T("error.not_found.title"); got != want[lang] {
				errs <- lang + ": " + got
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestAppendDate: every day of several years, in each language, written
// after what the buffer holds, reads as the language writes dates (the
// Italian months by name, day and year in digits; English as Go's
// "2 January 2006").
func TestAppendDate(t *testing.T) {
	b, err := i18n.New(i18n.Messages)
	if err != nil {
		t.Fatal(err)
	}
	it, en := b.For("it"), b.For("en")
	mesi := []string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}
	for d := time.Date(1999, 12, 25, 0, 0, 0, 0, time.UTC); d.Year() < 2032; d = d.AddDate(0, 0, 1) {
		want := fmt.Sprintf("%d %s %d", d.Day(), mesi[d.Month()-1], d.Year())
		if got := string(it.AppendDate([]byte("<td>"), d)); got != "<td>"+want || it.Date(d) != want {
			t.Fatalf("Italian %s: %q, %q", d.Format(time.DateOnly), got, it.Date(d))
		}
		want = d.Format("2 January 2006")
		if got := string(en.AppendDate([]byte("<td>"), d)); got != "<td>"+want || en.Date(d) != want {
			t.Fatalf("English %s: %q, %q", d.Format(time.DateOnly), got, en.Date(d))
		}
	}
}
