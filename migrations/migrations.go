// Package migrations embeds Piazza's SQL migrations: control/ builds the
// control-plane schema (the tenant registry), tenant/ is applied to every
// tenant's schema. Files are named NNNN_name.sql and applied in order; write
// them expand/contract so that old and new binaries can run side by side.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed control/*.sql tenant/*.sql
var files embed.FS

// Control returns the control-plane migrations.
func Control() fs.FS { return sub("control") }

// Tenant returns the migrations applied to every tenant schema.
func Tenant() fs.FS { return sub("tenant") }

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return f
}
