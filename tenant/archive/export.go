package archive

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/storage"
)

// Exporter writes tenants into archives.
type Exporter struct {
	DB    *bun.DB
	Store storage.Store
	// Version is the running Piazza's, recorded in the manifest.
	Version string
	// Progress, when set, is told how many members of how many are done.
	Progress func(done, total int)
	// TempDir holds the members while they are written ("" for the
	// system's): each is written there first, so that the manifest, which
	// comes first, can give every member's size and checksum.
	TempDir string
}

// Export writes the tenant with slug to w as one consistent snapshot: its
// registry rows and its schema's data are read in one REPEATABLE READ READ
// ONLY transaction, its files while that transaction is open.
func (x *Exporter) Export(ctx context.Context, slug string, w io.Writer) (*Manifest, error) {
	dir, err := os.MkdirTemp(x.TempDir, "piazza-export-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	s := &spool{dir: dir}
	m, err := x.snapshot(ctx, slug, s)
	if err != nil {
		return nil, err
	}
	m.Members = s.members
	if err := s.write(w, m); err != nil {
		return nil, fmt.Errorf("write the archive: %w", err)
	}
	return m, nil
}

// snapshot spools every member of the tenant's archive and returns the
// manifest (without its members).
func (x *Exporter) snapshot(ctx context.Context, slug string, s *spool) (*Manifest, error) {
	conn, err := x.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	// Not read only: for a tenant in a login group, the login role is
	// granted the tenant's role and revoked it in this transaction
	// (db.InTenantTx); it writes nothing else, and rolls back.
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() //nolint:errcheck // read only: nothing to keep
	g, err := readRegistry(ctx, tx, slug)
	if err != nil {
		return nil, err
	}
	m := &Manifest{Format: Format, FormatVersion: FormatVersion, PiazzaVersion: x.Version,
		Slug: g.Tenant.Slug, Name: g.Tenant.Name, Plan: g.Tenant.Plan, CreatedAt: time.Now().UTC().Truncate(time.Second)}
	for _, part := range []struct {
		name string
		v    any
	}{{tenantName, g.Tenant}, {assetsName, g.Assets}, {idpsName, g.IdPs}, {rulesName, g.Rules}} {
		if err := s.add(part.name, func(w io.Writer) error { return json.NewEncoder(w).Encode(part.v) }); err != nil {
			return nil, err
		}
	}
	var keys []string
	var total int
	scope := db.Scope{Schema: g.Tenant.schema, Role: g.Tenant.role, Login: g.Tenant.login}
	err = db.InTenantTx(ctx, tx, scope, func() error {
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&m.SchemaVersion); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		// Attachments' bytes are the storage's files (platform/attachment).
		if err := tx.NewRaw("SELECT storage_key FROM attachments ORDER BY id").Scan(ctx, &keys); err != nil {
			return fmt.Errorf("list files: %w", err)
		}
		names, err := tables(ctx, tx)
		if err != nil {
			return err
		}
		total = len(s.members) + len(names) + len(keys)
		return x.tables(ctx, conn, tx, names, m, s, total)
	})
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if !fileKey.MatchString(k) {
			return nil, fmt.Errorf("attachment file %q: not a storage key an archive can hold", k)
		}
		err := s.add(filesDir+k, func(w io.Writer) error {
			r, err := x.Store.Open(ctx, slug, k)
			if err != nil {
				return fmt.Errorf("file %s of tenant %s: %w", k, slug, err)
			}
			defer r.Close()
			_, err = io.Copy(w, r)
			return err
		})
		if err != nil {
			return nil, err
		}
		m.Files++
		x.progress(len(s.members), total)
	}
	return m, nil
}

// tables spools each table's rows, COPY text, in load order.
func (x *Exporter) tables(ctx context.Context, conn bun.Conn, tx bun.Tx, names []string, m *Manifest, s *spool, total int) error {
	for _, n := range names {
		cols, err := columns(ctx, tx, n)
		if err != nil {
			return err
		}
		t := Table{Name: n, Member: dataDir + n + ".copy", Columns: cols}
		q := fmt.Sprintf("COPY (SELECT %s FROM %s) TO STDOUT", columnList(cols), pgx.Identifier{n}.Sanitize())
		err = s.add(t.Member, func(w io.Writer) error {
			return db.WithPgx(conn, func(c *pgx.Conn) error {
				tag, err := c.PgConn().CopyTo(ctx, w, q)
				t.Rows = tag.RowsAffected()
				return err
			})
		})
		if err != nil {
			return fmt.Errorf("table %s: %w", n, err)
		}
		m.Tables = append(m.Tables, t)
		x.progress(len(s.members), total)
	}
	return nil
}

func (x *Exporter) progress(done, total int) {
	if x.Progress != nil {
		x.Progress(done, total)
	}
}

// spool keeps the members in files of dir until the archive is written.
type spool struct {
	dir     string
	members []Member
}

// add writes one member through fill, counting and hashing it.
func (s *spool) add(name string, fill func(io.Writer) error) error {
	f, err := os.Create(filepath.Join(s.dir, fmt.Sprint(len(s.members))))
	if err != nil {
		return err
	}
	h := sha256.New()
	cw := &counter{w: io.MultiWriter(f, h)}
	err = fill(cw)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	s.members = append(s.members, Member{Name: name, Size: cw.n, SHA256: hex.EncodeToString(h.Sum(nil))})
	return nil
}

// write writes the tar.gz: the manifest, then every member.
func (s *spool) write(w io.Writer, m *Manifest) error {
	zw := gzip.NewWriter(w)
	tw := tar.NewWriter(zw)
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	hdr := func(name string, size int64) *tar.Header {
		return &tar.Header{Name: name, Size: size, Mode: 0o644, ModTime: m.CreatedAt, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	}
	if err := tw.WriteHeader(hdr(manifestName, int64(len(b)))); err != nil {
		return err
	}
	if _, err := tw.Write(b); err != nil {
		return err
	}
	for i, mem := range s.members {
		if err := tw.WriteHeader(hdr(mem.Name, mem.Size)); err != nil {
			return err
		}
		if err := copyFile(tw, filepath.Join(s.dir, fmt.Sprint(i))); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

func copyFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// counter counts what goes through it.
type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// hashed reads r, hashing what it reads.
type hashed struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (h *hashed) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
