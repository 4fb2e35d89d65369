package i18n

import "embed"

// Messages are the platform's own message files (errors, common words).
//
//go:embed locale/*.toml
var Messages embed.FS
