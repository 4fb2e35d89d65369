package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/modules/document"
	"github.com/piazza-pa/piazza/platform/storage"
)

// folderNames are the folders libraries hold (Italian and English, as
// their tenants write them); a folder of the first three kinds is now and
// then split by year.
var folderNames = []string{"Verbali", "Materiali", "Modulistica", "Presentazioni", "Relazioni", "Dati aperti", "Minutes", "Reports"}

// linkSites are the addresses link documents lead to.
var linkSites = []string{"https://www.dati.lombardia.it/", "https://www.agid.gov.it/", "https://www.regione.lombardia.it/",
	"https://commission.europa.eu/", "https://www.istat.it/", "https://een.ec.europa.eu/"}

// library is where a seeded document goes: a community's library (its
// index in s.communities) or the tenant's (-1).
type library struct {
	community int
	folders   []int64 // made so far, top level and nested
}

// seedStore is where the documents' versions go: the folder dir, or the
// server's file store as its configuration names it (PIAZZA_STORAGE_URL
// and its keys, else the data directory's files), checked first, so that
// an installation whose files are in a bucket serves the seeded ones.
func seedStore(ctx context.Context, dir string) (storage.Store, error) {
	if dir != "" {
		return storage.Disk{Dir: dir}, nil
	}
	cfg, err := config.Load(os.LookupEnv, config.ModeTool)
	if err != nil {
		return nil, fmt.Errorf("configuration:\n%w", err)
	}
	st, err := storage.Open(cfg.Storage, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := st.Check(ctx); err != nil {
		return nil, fmt.Errorf("the file store %s cannot be used: %w", cfg.Storage, err)
	}
	return st, nil
}

// seedDocuments fills the document libraries: three documents in five in
// a community's library (written by one of its members), the others in
// the tenant's, scoped as news are (for the whole tenant, half of those
// public, or for the people interested in some themes); each library has
// a few folders, some with a folder per year inside, and one document in
// four sits at its root. Four documents in five are files with one to
// three versions (small text files, stored as uploads are: checked,
// counted against the tenant's storage, in the server's file store), the
// others links. Dates are spread over the three years as
// the news', each version a week after the one before.
func (s *seeder) seedDocuments(ctx context.Context, slug string, store storage.Store) error {
	n := s.f.Documents
	libs := map[int]*library{}
	for i := range n {
		lang, author := s.language(), s.person()
		cidx, kind, themes, public := -1, "tenant", "", false
		var cid any
		comms := "{}"
		switch r := s.rng.IntN(20); {
		case r < 12 && len(s.communities) > 0:
			cidx = s.rng.IntN(len(s.communities))
			if m := s.members[cidx]; len(m) > 0 {
				author = m[s.rng.IntN(len(m))]
			}
			cid, kind, comms = s.communities[cidx], "communities", fmt.Sprintf("{%d}", s.communities[cidx])
		case r < 19:
			public = s.rng.IntN(2) == 0
		default:
			kind, themes = "interests", s.someThemes()
		}
		lib := libs[cidx]
		if lib == nil {
			lib = &library{community: cidx}
			if err := s.folders(ctx, lib, cid, author); err != nil {
				return err
			}
			libs[cidx] = lib
		}
		var folder any
		if s.rng.IntN(4) > 0 && len(lib.folders) > 0 {
			folder = lib.folders[s.rng.IntN(len(lib.folders))]
		}
		w := s.writer(lang)
		docKind, link := "file", ""
		if s.rng.IntN(5) == 0 {
			docKind, link = "link", linkSites[s.rng.IntN(len(linkSites))]
		}
		ago := int64(n-i)*int64(spanMinutes/max(n, 1)) + s.rng.Int64N(max(int64(spanMinutes/max(n, 1)), 1))
		var id int64
		err := s.tx.QueryRowContext(ctx, `INSERT INTO documents (community_id, folder_id, kind, title, body, link, language, themes, author_id,
				scope_kind, scope_themes, scope_communities, public, created_at, updated_at, published_at, feed_at)
			SELECT ?, ?, ?, ?, ?, ?, ?, string_to_array(?, ','), ?, ?, string_to_array(?, ','), ?::bigint[], ?, t, t, t, t
			FROM (SELECT now() - make_interval(mins => ?) AS t) AS at RETURNING id`,
			cid, folder, docKind, clip(w.title(), 200), clip(w.sentences(1+s.rng.IntN(2)), 2000), link, lang, s.someThemes(), author,
			kind, themes, comms, public, ago).Scan(&id)
		if err != nil {
			return fmt.Errorf("document: %w", err)
		}
		if docKind == "link" {
			continue
		}
		for v := range 1 + s.rng.IntN(3) {
			text := w.sentences(3+s.rng.IntN(3)) + "\n\n" + w.sentences(3+s.rng.IntN(3)) + "\n"
			if err := document.Seed(ctx, s.tx, store, slug, id, author, fmt.Sprintf("documento-%d-v%d.txt", id, v+1), "text/plain", []byte(text)); err != nil {
				return fmt.Errorf("document %d, version %d: %w", id, v+1, err)
			}
		}
	}
	// document.Seed dates each version now: spread them after the
	// document's creation, a week apart, and date the document's place in
	// the feed by its last version.
	_, err := s.tx.ExecContext(ctx, `
		UPDATE document_versions AS v SET created_at = least(now(), d.created_at + make_interval(days => 7 * (v.number - 1)))
			FROM documents AS d WHERE d.id = v.document_id;
		UPDATE attachments AS a SET created_at = v.created_at FROM document_versions AS v WHERE v.attachment_id = a.id;
		UPDATE documents AS d SET feed_at = coalesce((SELECT max(v.created_at) FROM document_versions AS v WHERE v.document_id = d.id), d.published_at),
			updated_at = coalesce((SELECT max(v.created_at) FROM document_versions AS v WHERE v.document_id = d.id), d.published_at)`)
	return err
}

// folders makes a library's folders: two to four of folderNames, the
// first ones split by year now and then.
func (s *seeder) folders(ctx context.Context, lib *library, cid any, by int64) error {
	names := pickN(s.rng, folderNames, 2+s.rng.IntN(3))
	for i, name := range names {
		var top int64
		if err := s.tx.QueryRowContext(ctx, `INSERT INTO document_folders (community_id, name, created_by) VALUES (?, ?, ?) RETURNING id`,
			cid, name, by).Scan(&top); err != nil {
			return fmt.Errorf("folder: %w", err)
		}
		lib.folders = append(lib.folders, top)
		if i > 0 || s.rng.IntN(3) != 0 {
			continue
		}
		for _, year := range []string{"2024", "2025", "2026"} {
			var sub int64
			if err := s.tx.QueryRowContext(ctx, `INSERT INTO document_folders (community_id, parent_id, name, created_by) VALUES (?, ?, ?, ?) RETURNING id`,
				cid, top, year, by).Scan(&sub); err != nil {
				return fmt.Errorf("folder: %w", err)
			}
			lib.folders = append(lib.folders, sub)
		}
	}
	return nil
}
