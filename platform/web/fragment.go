package web

import (
	"bytes"
	"html/template"
	"strings"
	"sync"
)

// The layout's navigation, the same for every page of a site's section
// in a language, is rendered once and kept, by what it shows: executed
// each time, it was a third of the layout's cost (each entry's actions
// called through reflection, each URL through three escapers), and the
// layout is half of a cached dashboard's.

// fragmentLimit bounds how many parts a shell keeps (about a kilobyte
// each): a site's navigation differs by language and by the section
// marked, and a replica may serve thousands of sites; past the bound a
// part is dropped to make room (any: a part is cheap to render again).
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
