package dashboard

import "io/fs"

// Messages are the module's message files, for the site's bundle.
func (m *Module) Messages() fs.FS { return Messages }
