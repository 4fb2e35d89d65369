// Package archive writes a tenant into one file and makes a new tenant from
// such a file: the data of its schema (PostgreSQL COPY text, by table, with
// the columns named), its files (from the storage) and its rows in the
// registry (hosts, branding and its pictures, identity providers without
// their secrets, role rules, plan). It is how a tenant is backed up on its
// own, copied, or moved to another installation. The format is described in
// docs/tenant-archive.md; Format and FormatVersion name it in the manifest.
package archive

import (
	"regexp"
	"time"

	"github.com/piazza-pa/piazza/platform"
)

// Format is the manifest's "format": what says a file is a Piazza tenant archive.
const Format = "piazza-tenant-archive"

// FormatVersion is the version of the format this package writes and the
// newest it reads.
const FormatVersion = 1

// The archive's fixed member names, in the order they are written.
const (
	manifestName = "manifest.json"
	tenantName   = "registry/tenant.json"
	assetsName   = "registry/assets.json"
	idpsName     = "registry/idps.json"
	rulesName    = "registry/rules.json"
	dataDir      = "data/"
	filesDir     = "files/"
)

// The errors of reading an archive; each unwraps to platform.ErrInvalid.
var (
	// ErrNotArchive: the file is not a Piazza tenant archive at all.
	ErrNotArchive = platform.NewError(platform.ErrInvalid, "not a Piazza tenant archive")
	// ErrCorrupt: a Piazza archive, damaged (truncated, a member missing
	// or altered).
	ErrCorrupt = platform.NewError(platform.ErrInvalid, "the tenant archive is damaged")
	// ErrNewer: written by a newer Piazza than this one.
	ErrNewer = platform.NewError(platform.ErrInvalid, "the tenant archive is newer than this piazza")
	// ErrTooLarge: the archive unpacks to more than the import allows.
	ErrTooLarge = platform.NewError(platform.ErrInvalid, "the tenant archive is larger than the import allows")
)

// Manifest is the archive's first member, manifest.json.
type Manifest struct {
	Format        string `json:"format"`
	FormatVersion int    `json:"format_version"`
	PiazzaVersion string `json:"piazza_version"`
	SchemaVersion int    `json:"schema_version"`
	Slug          string `json:"slug"`
	Name          string `json:"name"`
	// Plan is the slug of the tenant's plan, which the importing
	// installation must have (or be told another).
	Plan      string    `json:"plan"`
	CreatedAt time.Time `json:"created_at"`
	// Tables are the schema's tables in the order they are loaded (a table
	// after those its foreign keys point to).
	Tables []Table `json:"tables"`
	// Files is the number of members under files/.
	Files int `json:"files"`
	// Members are every member after the manifest, in the archive's order.
	Members []Member `json:"members"`
}

// Table is one table's data: its member, its columns in the order of each
// COPY line, and its number of rows.
type Table struct {
	Name    string   `json:"name"`
	Member  string   `json:"member"`
	Columns []string `json:"columns"`
	Rows    int64    `json:"rows"`
}

// Member is one member of the archive after the manifest.
type Member struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// fileKey is what a file's key may be in an archive (the keys attachments
// get: hexadecimal), so that no member names a path.
var fileKey = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// skipped are tables whose rows do not travel: the migrations' own
// bookkeeping, and the credentials that would work on the copy as on the
// original: sessions (everyone signs in again on the copy), API tokens
// (their digests are unkeyed: a token of the original would open the
// copy), links e-mailed for a password reset, an invitation or a
// verification, sign-ins under way at an identity provider, and the
// counts of failed sign-ins. Passwords' hashes travel, on purpose: people
// with a local account keep their password on the copy. An archive made
// before a table was added here still brings its rows: the import reads
// and checks them, and leaves them out.
var skipped = map[string]bool{"schema_migrations": true, "sessions": true, "api_tokens": true, "auth_tokens": true,
	"oidc_logins": true, "auth_failures": true}
