// Package i18n translates the interface: message files per module and for
// the platform (locale/<lang>.toml, go-i18n), the choice of a request's
// language among the tenant's enabled ones, and the formatting of dates and
// numbers per language.
package i18n

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// Supported are the languages Piazza's interface is translated into; a
// tenant enables a subset.
var Supported = []string{"it", "en"}

// Default is the language when nothing else decides.
const Default = "it"

// Bundle holds every message of every module.
type Bundle struct {
	b *goi18n.Bundle
	// shared holds one localizer per supported language, made once: every
	// page asks for one, and making it parses the language and builds a
	// printer.
	shared sync.Map // lang → *Localizer
}

// New loads locale/<lang>.toml from each file system (the platform's and
// each module's).
func New(sources ...fs.FS) (*Bundle, error) {
	b := goi18n.NewBundle(language.Italian)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, src := range sources {
		files, err := fs.Glob(src, "locale/*.toml")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if _, err := b.LoadMessageFileFS(src, f); err != nil {
				return nil, fmt.Errorf("messages %s: %w", f, err)
			}
		}
	}
	return &Bundle{b: b}, nil
}

// Keys returns, per language file, the message ids of one source: a test
// compares them across languages.
func Keys(src fs.FS) (map[string][]string, error) {
	files, err := fs.Glob(src, "locale/*.toml")
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, f := range files {
		b, err := fs.ReadFile(src, f)
		if err != nil {
			return nil, err
		}
		m := map[string]any{}
		if err := toml.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out[strings.TrimSuffix(path.Base(f), ".toml")] = keys
	}
	return out, nil
}

// Localizer translates for one language. It is shared between requests:
// never modify one.
type Localizer struct {
	Lang string
	l    *goi18n.Localizer
	p    *message.Printer
	// plain caches the messages that take no arguments, by key: a page
	// asks for dozens of them.
	plain *sync.Map // key → string
}

// For returns the localizer of lang: the bundle's own for a supported
// language, a new one for another (kept by nobody, so that a request
// cannot grow the bundle).
func (b *Bundle) For(lang string) *Localizer {
	if l, ok := b.shared.Load(lang); ok {
		return l.(*Localizer)
	}
	l := &Localizer{Lang: lang, l: goi18n.NewLocalizer(b.b, lang), p: message.NewPrinter(language.Make(lang)), plain: &sync.Map{}}
	if slices.Contains(Supported, lang) {
		kept, _ := b.shared.LoadOrStore(lang, l)
		return kept.(*Localizer)
	}
	return l
}

// T translates key; args are name/value pairs for the message's template
// ({{.Name}}). A missing key shows as the key itself, so that it is noticed.
func (l *Localizer) T(key string, args ...any) string {
	if len(args) == 0 && l.plain != nil {
		if s, ok := l.plain.Load(key); ok {
			return s.(string)
		}
		s := l.t(key)
		l.plain.Store(key, s)
		return s
	}
	return l.t(key, args...)
}

func (l *Localizer) t(key string, args ...any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok {
			data[k] = args[i+1]
		}
	}
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: key, TemplateData: data})
	if err != nil {
		return key
	}
	return s
}

// Number formats n with the language's separators (1.234,5 / 1,234.5).
func (l *Localizer) Number(n float64) string { return l.p.Sprint(number.Decimal(n)) }

// Date formats t as the language writes dates.
func (l *Localizer) Date(t time.Time) string { return string(l.AppendDate(make([]byte, 0, 24), t)) }

// AppendDate writes t to b as Date does (for pages that write many dates
// into one buffer).
func (l *Localizer) AppendDate(b []byte, t time.Time) []byte {
	if l.Lang == "en" {
		return t.AppendFormat(b, "2 January 2006")
	}
	b = strconv.AppendInt(b, int64(t.Day()), 10)
	b = append(append(append(b, ' '), mesi[t.Month()-1]...), ' ')
	return strconv.AppendInt(b, int64(t.Year()), 10)
}

var mesi = [...]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}

// Choose picks the request's language: the user's preference, then the
// cookie, then Accept-Language, then the tenant's default — always among
// the tenant's enabled languages.
func Choose(enabled []string, def, userPref, cookie, acceptLanguage string) string {
	ok := func(l string) bool {
		for _, e := range enabled {
			if e == l {
				return true
			}
		}
		return false
	}
	for _, c := range []string{userPref, cookie} {
		if c = strings.ToLower(strings.TrimSpace(c)); c != "" && ok(c) {
			return c
		}
	}
	if tags, _, err := language.ParseAcceptLanguage(acceptLanguage); err == nil {
		for _, t := range tags {
			base, _ := t.Base()
			if ok(base.String()) {
				return base.String()
			}
		}
	}
	if ok(def) {
		return def
	}
	if len(enabled) > 0 {
		return enabled[0]
	}
	return Default
}

// Zone is where the platform's dates and times are meant (the
// administrations it serves are Italian): form inputs, digest hours.
var Zone = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Rome"); err == nil {
		return l
	}
	return time.UTC
}()
