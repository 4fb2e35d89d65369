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

// NavHTML is the page's navigation (the "shell-nav" template) rendered,
// from the shell's kept parts: its entries, the one marked and the
// language's words say all it shows. "" for a page whose shell keeps
// none (the layout then renders the template itself).
func (p Page) NavHTML() (template.HTML, error) {
	if p.shell == nil || p.shell.fragments == nil || p.L == nil || p.Static == nil {
		return "", nil
	}
	// Each part ends with a zero byte, which no translation, section
	// label or path holds.
	var k strings.Builder
	k.Grow(256)
	k.WriteString("nav\x00")
	for _, s := range []string{p.L.Lang, p.Static.Icons,
		// The bundle's words, whichever bundle made p.L.
		p.L.T("shell.navigation"), p.L.T("shell.menu.toggle"), p.L.T("shell.menu.close")} {
		k.WriteString(s)
		k.WriteByte(0)
	}
	for _, l := range p.Nav {
		if l.Active { // a flag of fixed width first: no two lists write one key
			k.WriteByte('*')
		} else {
			k.WriteByte('-')
		}
		k.WriteString(l.Label)
		k.WriteByte(0)
		k.WriteString(l.URL)
		k.WriteByte(0)
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
	var k strings.Builder
	k.Grow(128)
	k.WriteString("languages\x00")
	for _, s := range []string{p.L.Lang, p.Path, p.L.T("common.language")} {
		k.WriteString(s)
		k.WriteByte(0)
	}
	for _, l := range p.Languages {
		k.WriteString(l)
		k.WriteByte(0)
		k.WriteString(p.L.T("language." + l))
		k.WriteByte(0)
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
	var k strings.Builder
	k.Grow(512)
	k.WriteString("user\x00")
	bell := ""
	if p.Unread >= 0 {
		bell = p.L.T("shell.bell", "Count", p.Unread)
	}
	for _, s := range []string{p.L.Lang, p.Static.Icons, p.Asset("icons.svg"), p.User, strconv.Itoa(p.Unread), bell,
		p.Account, p.SignOut, p.CSRF, p.L.T("shell.menu.password"), p.L.T("shell.sign_out")} {
		k.WriteString(s)
		k.WriteByte(0)
	}
	for _, l := range p.Menu {
		if l.More { // a flag of fixed width first, as NavHTML's
			k.WriteByte('+')
		} else {
			k.WriteByte('-')
		}
		k.WriteString(strconv.Itoa(l.Count))
		k.WriteByte(0)
		k.WriteString(l.Label)
		k.WriteByte(0)
		k.WriteString(l.URL)
		k.WriteByte(0)
	}
	return p.shell.fragments.render("shell-user", k.String(), p)
}
