package web

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
	"sync"
)

// The layout's navigation, the same for every page of a site's section
// in a language, is rendered once and kept, by what it shows: executed
// each time, it was a third of the layout's cost (each entry's actions
// called through reflection, each URL through three escapers), and the
// layout is half of a cached dashboard's. So are the language switch (the
// same for every visit of a page in a language) and the member's menu
// (the same from page to page of a member's browser, whose CSRF token it
// holds): 24 and 39 µs of the layout's 81 when executed.

// fragmentLimit bounds how many parts a shell keeps (one to three
// kilobytes each): a site's navigation differs by language and by the
// section marked, a language switch by page, a menu by member's browser,
// and a replica may serve thousands of sites; past the bound a part is
// dropped to make room (any: a part is cheap to render again).
const fragmentLimit = 4096

// fragments renders and keeps the layout's parts that many pages share.
type fragments struct {
	t *template.Template // a clone of the layout, executed for the parts only

	mu   sync.Mutex
	kept map[string]template.HTML
}

func newFragments(layout *template.Template) (*fragments, error) {
	t, err := layout.Clone()
	if err != nil {
		return nil, err
	}
	return &fragments{t: t, kept: map[string]template.HTML{}}, nil
}

// render is the template name executed with p, kept under key (which
// must say all that the template shows of p).
func (f *fragments) render(name, key string, p Page) (template.HTML, error) {
	f.mu.Lock()
	h, ok := f.kept[key]
	f.mu.Unlock()
	if ok {
		return h, nil
	}
	var b bytes.Buffer
	if err := f.t.ExecuteTemplate(&b, name, p); err != nil {
		return "", err
	}
	h = template.HTML(b.String()) //nolint:gosec // html/template's own output
	f.mu.Lock()
	if len(f.kept) >= fragmentLimit {
		for k := range f.kept { // any one
			delete(f.kept, k)
			break
		}
	}
	f.kept[key] = h
	f.mu.Unlock()
	return h, nil
}

// key is the key of a kept part: its parts one after the other, each
// ended by a zero byte, which no translation, label, path or token holds.
type key struct{ strings.Builder }

func newKey(size int, parts ...string) *key {
	k := &key{}
	k.Grow(size)
	k.add(parts...)
	return k
}

func (k *key) add(parts ...string) {
	for _, s := range parts {
		k.WriteString(s)
		k.WriteByte(0)
	}
}

// flag writes a flag of fixed width, first in an entry's parts, so that no
// two lists write one key.
func (k *key) flag(on bool, yes byte) {
	if on {
		k.WriteByte(yes)
	} else {
		k.WriteByte('-')
	}
}

// NavHTML is the page's navigation (the "shell-nav" template) rendered,
// from the shell's kept parts: its entries, the one marked and the
// language's words say all it shows. "" for a page whose shell keeps
// none (the layout then renders the template itself).
func (p Page) NavHTML() (template.HTML, error) {
	if p.shell == nil || p.shell.fragments == nil || p.L == nil || p.Static == nil {
		return "", nil
	}
	k := newKey(256, "nav", p.L.Lang, p.Static.Icons,
		// The bundle's words, whichever bundle made p.L.
		p.L.T("shell.navigation"), p.L.T("shell.menu.toggle"), p.L.T("shell.menu.close"))
	for _, l := range p.Nav {
		k.flag(l.Active, '*')
		k.add(l.Label, l.URL)
	}
	return p.shell.fragments.render("shell-nav", k.String(), p)
}

// LanguagesHTML is the page's language switch (the "shell-languages"
// template) rendered, from the shell's kept parts: the languages, the
// page's own, its path (where each link returns) and their names say all
// it shows. "" for a page whose shell keeps none.
func (p Page) LanguagesHTML() (template.HTML, error) {
	if p.shell == nil || p.shell.fragments == nil || p.L == nil {
		return "", nil
	}
	k := newKey(128, "languages", p.L.Lang, p.Path, p.L.T("common.language"))
	for _, l := range p.Languages {
		k.add(l, p.L.T("language."+l))
	}
	return p.shell.fragments.render("shell-languages", k.String(), p)
}

// UserHTML is the signed-in member's menu (the "shell-user" template)
// rendered, from the shell's kept parts: their name, unread count and
// entries, the CSRF token of the sign-out form and the language's words
// say all it shows (so a part is one browser's, and no other request
// finds it). "" for a page whose shell keeps none.
func (p Page) UserHTML() (template.HTML, error) {
	if p.shell == nil || p.shell.fragments == nil || p.L == nil || p.Static == nil {
		return "", nil
	}
	bell := ""
	if p.Unread >= 0 {
		bell = p.L.T("shell.bell", "Count", p.Unread)
	}
	k := newKey(512, "user", p.L.Lang, p.Static.Icons, p.Asset("icons.svg"), p.User, strconv.Itoa(p.Unread), bell,
		p.Account, p.SignOut, p.CSRF, p.L.T("shell.menu.password"), p.L.T("shell.sign_out"))
	for _, l := range p.Menu {
		k.flag(l.More, '+')
		k.add(strconv.Itoa(l.Count), l.Label, l.URL)
	}
	return p.shell.fragments.render("shell-user", k.String(), p)
}
