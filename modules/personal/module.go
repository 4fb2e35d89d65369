// Package personal is what the GDPR asks of an administration about one
// person of its site: a member downloads everything the site holds about
// them (an archive of JSON files, one per kind, with their uploaded files
// and a README in their language), and a tenant admin erases a person
// (their personal data cleared, their contributions kept under "former
// member" or deleted, their sign-in ended for good), recorded in the
// audit trail without the erased data.
//
// Both are about a person across every module's tables, so both are here,
// in SQL over the tenant's schema, rather than spread over the modules:
// TestKindsCoverEveryUserColumn fails when a table names a user that the
// export and the erasure do not know of, and the erasure test reads every
// text column of the schema for what was erased.
package personal

import (
	"context"
	"embed"
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/storage"
)

//go:embed templates/*.html
var templates embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Deps are what the module needs: its pages', and the store of the
// files people uploaded.
type Deps struct {
	screen.Deps
	Files storage.Store
	// EndSession ends a sign-in at its identity provider (its tokens
	// revoked there) as at sign-out; nil when there are none.
	EndSession func(ctx context.Context, method, idToken, back string) string
}

// Module is the person's data: download and erasure.
type Module struct {
	screen.Kit
	files      storage.Store
	downloads  downloads
	endSession func(ctx context.Context, method, idToken, back string) string
}

// New parses the module's pages.
func New(d Deps) (*Module, error) {
	k, err := screen.New(d.Deps, templates, Messages, template.FuncMap{})
	if err != nil {
		return nil, err
	}
	return &Module{Kit: k, files: d.Files, endSession: d.EndSession}, nil
}

// Routes registers the member's download (a POST with the form's CSRF
// token: the archive is made for who asks, when they ask) and the admin's
// erasure, behind the admin area's permission.
func (m *Module) Routes(r fiber.Router) {
	r.Post("/profile/data", auth.RequireMember, m.download)
	a := r.Group("/admin/people", authz.Require("admin/area", "manage"))
	a.Get("/:id<int>/erase", m.eraseForm)
	a.Post("/:id<int>/erase", m.erase)
}
