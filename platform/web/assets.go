package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

//go:embed static
var staticFS embed.FS

// Assets serves the static files (vendored Bootstrap Italia and htmx,
// Piazza's own CSS) under /static/<hash>/, where the hash covers every file:
// a new release changes every URL, so the files can be cached for a year.
// One hash for the tree keeps the stylesheets' relative URLs (fonts) valid.
type Assets struct {
	fsys   fs.FS
	prefix string
}

// NewAssets hashes the embedded static tree.
func NewAssets() (*Assets, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		h.Write([]byte(p))
		h.Write(b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Assets{fsys: sub, prefix: "/static/" + hex.EncodeToString(h.Sum(nil))[:12] + "/"}, nil
}

// URL is the address of a static file, e.g. URL("piazza.css").
func (a *Assets) URL(name string) string { return a.prefix + strings.TrimPrefix(name, "/") }

// Handler serves the files; an old or unknown hash is not found.
func (a *Assets) Handler(c *fiber.Ctx) error {
	p := c.Path()
	if !strings.HasPrefix(p, a.prefix) {
		return fiber.ErrNotFound
	}
	name := path.Clean(strings.TrimPrefix(p, a.prefix))
	if strings.HasSuffix(name, ".sh") {
		return fiber.ErrNotFound
	}
	b, err := fs.ReadFile(a.fsys, name)
	if err != nil {
		return fiber.ErrNotFound
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		c.Set(fiber.HeaderContentType, t)
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set("X-Content-Type-Options", "nosniff")
	return c.Send(b)
}

// Read returns a static file's content (e.g. the vendored stylesheet).
func (a *Assets) Read(name string) ([]byte, error) { return fs.ReadFile(a.fsys, name) }
