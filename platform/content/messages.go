package content

import (
	"embed"
	"io/fs"
	"strings"
)

// Messages are the kit's own message files: the texts of the parts every
// type's pages share (the scope field, the form's actions, an item's state
// and management area, its attachments and comments).
//
//go:embed locale/*.toml
var Messages embed.FS

// kitDir is where the kit's files appear in WithKit's file system.
const kitDir = "kit/"

// WithKit is the type's message files followed by the kit's, as one file
// system for the site's bundle (which loads every locale/*.toml it globs):
// a type passes WithKit(its files) to New.
func WithKit(own fs.FS) fs.FS { return withKit{own} }

// withKit lists the kit's files under kitDir after the type's own.
type withKit struct{ own fs.FS }

func (w withKit) Open(name string) (fs.File, error) {
	if rest, ok := strings.CutPrefix(name, kitDir); ok {
		return Messages.Open(rest)
	}
	return w.own.Open(name)
}

func (w withKit) Glob(pattern string) ([]string, error) {
	own, err := fs.Glob(w.own, pattern)
	if err != nil {
		return nil, err
	}
	kit, err := fs.Glob(Messages, pattern)
	for _, f := range kit {
		own = append(own, kitDir+f)
	}
	return own, err
}
