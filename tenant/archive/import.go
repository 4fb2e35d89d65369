package archive

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/tenant"
)

// Importer makes tenants from archives.
type Importer struct {
	Registry *tenant.Registry
	Store    storage.Store
	// Progress, when set, is told how many members of how many are loaded.
	Progress func(done, total int)
	// MaxBytes bounds what the archive may unpack to (its manifest's
	// members and all else the compressed stream holds); 0 means
	// DefaultMaxBytes.
	MaxBytes int64
}

// DefaultMaxBytes is what an archive may unpack to when the importer
// says nothing: 64 GiB.
const DefaultMaxBytes int64 = 64 << 30

// Target is the new tenant an archive becomes.
type Target struct {
	Slug string
	// Hosts are extra host names (<slug>.<base domain> is always added);
	// the archive's own hosts are not taken over.
	Hosts []string
	// Plan overrides the archive's plan ("" keeps it).
	Plan string
}

// Result is what an import made.
type Result struct {
	Tenant   *tenant.Tenant
	Manifest *Manifest
	// SourceHosts are the host names the archived tenant answered on.
	SourceHosts []string
	// OwnLinks are the branding's links to the archived tenant's hosts.
	OwnLinks []string
	// IdPs are the keys of the identity providers, all disabled: those
	// with a client secret need it again before they are enabled.
	IdPs []string
}

// maxManifest bounds the manifest read into memory.
const maxManifest = 64 << 20

// Import reads the archive from r and creates the tenant to.Slug from it:
// the schema at the archive's version, its data, the remaining migrations
// and its registry rows in one transaction, the files under the new tenant
// (removed again if anything fails). The archive is read once, as a stream.
// A Result with an error means the tenant was made but its plan's
// follow-up (billing) failed.
func (im *Importer) Import(ctx context.Context, r io.Reader, to Target) (*Result, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNotArchive, err)
	}
	limit := im.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	unpacked := &budget{r: zr, left: limit, limit: limit}
	tr := tar.NewReader(unpacked)
	m, err := readManifest(tr)
	if unpacked.over {
		return nil, unpacked.err()
	}
	if err != nil {
		return nil, err
	}
	var declared int64
	for _, mem := range m.Members {
		declared += max(mem.Size, 0)
	}
	if declared > limit {
		return nil, fmt.Errorf("%w: its members hold %d bytes, more than the %d allowed (a larger limit: --max-size)", ErrTooLarge, declared, limit)
	}
	if m.SchemaVersion > im.Registry.LatestVersion() {
		return nil, fmt.Errorf("%w: its tenant schema is at version %d, this piazza knows up to %d (written by piazza %s): import it with that version or a later one",
			ErrNewer, m.SchemaVersion, im.Registry.LatestVersion(), m.PiazzaVersion)
	}
	p := tenant.CreateParams{Slug: to.Slug, Name: m.Name, Hosts: to.Hosts, Plan: to.Plan}
	if p.Plan == "" {
		p.Plan = m.Plan
	}
	if err := im.free(ctx, &p); err != nil {
		return nil, err
	}
	l := &loader{im: im, m: m, tr: tr, zr: unpacked}
	conn, err := im.Registry.DB().Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	p.Setup = func(ctx context.Context, tx bun.Tx, t *tenant.Tenant) error { return l.reg.apply(ctx, tx, t) }
	t, err := im.Registry.CreateAt(ctx, conn, p, m.SchemaVersion, func(ctx context.Context, tx bun.Tx, t *tenant.Tenant) error {
		return db.InTenantTx(ctx, tx, t.Scope(), func() error { return l.load(ctx, conn, tx, t) })
	})
	if t == nil {
		l.removeFiles(context.WithoutCancel(ctx), to.Slug)
		if unpacked.over {
			return nil, unpacked.err()
		}
		return nil, err
	}
	// With t, the tenant is there: err is about its plan's side effects
	// (billing), as with a tenant created by hand.
	res := &Result{Tenant: t, Manifest: m, SourceHosts: l.reg.Tenant.Hosts, OwnLinks: l.reg.ownLinks()}
	for _, p := range l.reg.IdPs {
		res.IdPs = append(res.IdPs, p.Key)
	}
	return res, err
}

// free refuses early (before reading the data) a slug or host that is
// taken; the provisioning transaction checks again.
func (im *Importer) free(ctx context.Context, p *tenant.CreateParams) error {
	if err := im.Registry.Validate(p); err != nil {
		return err
	}
	if _, err := im.Registry.Get(ctx, p.Slug); err == nil {
		return fmt.Errorf("%w: %q", tenant.ErrSlugTaken, p.Slug)
	} else if !errors.Is(err, tenant.ErrNotFound) {
		return err
	}
	for _, h := range p.Hosts {
		if _, err := im.Registry.ByHost(ctx, h); err == nil {
			return fmt.Errorf("%w: %q", tenant.ErrHostTaken, h)
		} else if !errors.Is(err, tenant.ErrNotFound) {
			return err
		}
	}
	return nil
}

// readManifest reads the first member, which must be a manifest of a
// format this package reads.
func readManifest(tr *tar.Reader) (*Manifest, error) {
	h, err := tr.Next()
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNotArchive, err)
	}
	if h.Name != manifestName {
		return nil, fmt.Errorf("%w: its first member is %q, not %s", ErrNotArchive, h.Name, manifestName)
	}
	m := new(Manifest)
	if err := json.NewDecoder(io.LimitReader(tr, maxManifest)).Decode(m); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNotArchive, manifestName, err)
	}
	switch {
	case m.Format != Format:
		return nil, fmt.Errorf("%w: its manifest names the format %q", ErrNotArchive, m.Format)
	case m.FormatVersion > FormatVersion:
		return nil, fmt.Errorf("%w: it is in version %d of the format, this piazza reads up to %d (written by piazza %s)",
			ErrNewer, m.FormatVersion, FormatVersion, m.PiazzaVersion)
	case m.FormatVersion < 1 || m.SchemaVersion < 1:
		return nil, fmt.Errorf("%w: its manifest gives no format or schema version", ErrCorrupt)
	}
	return m, nil
}

// loader reads the members after the manifest into the new tenant.
type loader struct {
	im  *Importer
	m   *Manifest
	tr  *tar.Reader
	zr  io.Reader
	reg registry
	// put are the files written to the storage, removed on failure.
	put []string
}

// load reads every member in the manifest's order, inside the new tenant's
// scope: registry rows kept for later, tables copied in, files stored.
func (l *loader) load(ctx context.Context, conn bun.Conn, tx bun.Tx, t *tenant.Tenant) error {
	all, err := allTables(ctx, tx)
	if err != nil {
		return err
	}
	var have []string
	for _, n := range all {
		if n != "schema_migrations" {
			have = append(have, n)
		}
	}
	if err := triggers(ctx, tx, have, false); err != nil {
		return err
	}
	// The migrations' own rows (reference data) are in the archive too.
	if _, err := tx.ExecContext(ctx, "TRUNCATE "+columnList(have)); err != nil {
		return fmt.Errorf("empty the new schema's tables: %w", err)
	}
	known := map[string]bool{}
	for _, n := range have {
		known[n] = true
	}
	byMember := map[string]Table{}
	for _, tb := range l.m.Tables {
		if !known[tb.Name] {
			return fmt.Errorf("%w: table %s is not in the tenant schema at version %d", ErrCorrupt, tb.Name, l.m.SchemaVersion)
		}
		byMember[tb.Member] = tb
	}
	for i, mem := range l.m.Members {
		h, err := l.tr.Next()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: it ends before member %s (truncated?)", ErrCorrupt, mem.Name)
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		if h.Name != mem.Name || h.Size != mem.Size {
			return fmt.Errorf("%w: member %d is %s (%d bytes), the manifest says %s (%d bytes)", ErrCorrupt, i+1, h.Name, h.Size, mem.Name, mem.Size)
		}
		in := &hashed{r: l.tr, h: sha256.New()}
		loadErr := l.member(ctx, conn, t, mem, byMember, in)
		// A damaged member explains a failure to load it: say so first.
		if _, err := io.Copy(io.Discard, in); err != nil {
			return fmt.Errorf("%w: member %s: %v (truncated?)", ErrCorrupt, mem.Name, err)
		}
		if sum := hex.EncodeToString(in.h.Sum(nil)); sum != mem.SHA256 {
			return fmt.Errorf("%w: member %s does not match its checksum", ErrCorrupt, mem.Name)
		}
		if loadErr != nil {
			return loadErr
		}
		if l.im.Progress != nil {
			l.im.Progress(i+1, len(l.m.Members))
		}
	}
	if err := l.end(); err != nil {
		return err
	}
	if err := setSequences(ctx, tx); err != nil {
		return err
	}
	return triggers(ctx, tx, have, true)
}

// end checks that nothing follows the last member and that the compressed
// stream is whole.
func (l *loader) end() error {
	if h, err := l.tr.Next(); err == nil {
		return fmt.Errorf("%w: member %s is not in the manifest", ErrCorrupt, h.Name)
	} else if !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if _, err := io.Copy(io.Discard, l.zr); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return nil
}

// member loads one member from in.
func (l *loader) member(ctx context.Context, conn bun.Conn, t *tenant.Tenant, mem Member, byMember map[string]Table, in *hashed) error {
	switch {
	case mem.Name == tenantName:
		return l.decode(mem.Name, in, &l.reg.Tenant)
	case mem.Name == assetsName:
		if err := l.decode(mem.Name, in, &l.reg.Assets); err != nil {
			return err
		}
		return l.reg.checkAssets()
	case mem.Name == idpsName:
		return l.decode(mem.Name, in, &l.reg.IdPs)
	case mem.Name == rulesName:
		if err := l.decode(mem.Name, in, &l.reg.Rules); err != nil {
			return err
		}
		return l.reg.checkRules()
	case strings.HasPrefix(mem.Name, dataDir):
		tb, ok := byMember[mem.Name]
		if !ok {
			return fmt.Errorf("%w: member %s is no table of the manifest", ErrCorrupt, mem.Name)
		}
		if skipped[tb.Name] {
			return nil // an older archive's credentials: read and checked, not loaded
		}
		return l.table(ctx, conn, tb, in)
	case strings.HasPrefix(mem.Name, filesDir):
		key := strings.TrimPrefix(mem.Name, filesDir)
		if !fileKey.MatchString(key) {
			return fmt.Errorf("%w: member %s does not name a file key", ErrCorrupt, mem.Name)
		}
		l.put = append(l.put, key)
		if err := l.im.Store.Put(ctx, t.Slug, key, in); err != nil {
			return fmt.Errorf("store file %s: %w", key, err)
		}
		return nil
	}
	return fmt.Errorf("%w: unknown member %s", ErrCorrupt, mem.Name)
}

func (l *loader) decode(name string, in io.Reader, v any) error {
	if err := json.NewDecoder(in).Decode(v); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, name, err)
	}
	return nil
}

// table copies one table's rows in, checking their number.
func (l *loader) table(ctx context.Context, conn bun.Conn, tb Table, in io.Reader) error {
	q := fmt.Sprintf("COPY %s (%s) FROM STDIN", pgx.Identifier{tb.Name}.Sanitize(), columnList(tb.Columns))
	return db.WithPgx(conn, func(c *pgx.Conn) error {
		tag, err := c.PgConn().CopyFrom(ctx, in, q)
		if err != nil {
			return fmt.Errorf("load table %s: %w", tb.Name, err)
		}
		if tag.RowsAffected() != tb.Rows {
			return fmt.Errorf("%w: table %s has %d rows, the manifest says %d", ErrCorrupt, tb.Name, tag.RowsAffected(), tb.Rows)
		}
		return nil
	})
}

// budget reads from r until limit bytes are read, then fails with
// ErrTooLarge: a small archive that unpacks to more (a gzip bomb, or a
// manifest that lies) stops there, before it fills the store.
type budget struct {
	r           io.Reader
	left, limit int64
	// over says the limit was passed (whatever error it became on the way).
	over bool
}

func (b *budget) err() error {
	return fmt.Errorf("%w: it unpacks to more than the %d bytes allowed (a larger limit: --max-size)", ErrTooLarge, b.limit)
}

func (b *budget) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// one byte more tells a stream that ends exactly at the limit
		var one [1]byte
		if n, _ := io.ReadFull(b.r, one[:]); n == 0 {
			return 0, io.EOF
		}
		b.over = true
		return 0, b.err()
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

// removeFiles deletes the files written for a tenant whose import failed.
func (l *loader) removeFiles(ctx context.Context, slug string) {
	for _, k := range l.put {
		_ = l.im.Store.Delete(ctx, slug, k)
	}
}
