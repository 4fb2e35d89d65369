package main

import (
	"context"
	"fmt"

	"github.com/piazza-pa/piazza/modules/document"
)

// demoLibraries are the demo's documents: the library of a community
// (demoCommunities' index; -1 for the tenant library), the path of
// folders it sits in, its name and description, and either a link or
// the versions of its file (each by the demo admin or by the
// community's manager, in turns).
var demoLibraries = []struct {
	community   int
	path        []string
	title, desc string
	link        string
	versions    []string
}{
	{7, []string{"Verbali", "2025"}, "Verbale della riunione di marzo", "Presenze, decisioni e prossimi passi del tavolo.", "",
		[]string{"Bozza del verbale.\n", "Verbale approvato dal tavolo.\n", "Verbale approvato, con le firme.\n"}},
	{7, []string{"Verbali", "2025"}, "Ordine del giorno di aprile", "Punti in discussione alla prossima riunione.", "",
		[]string{"1. Piattaforma dati\n2. Varie\n"}},
	{7, []string{"Materiali"}, "Linee guida AgID sulla transizione digitale", "Il riferimento nazionale per i comuni.", "https://www.agid.gov.it/", nil},
	{-1, []string{"Modulistica", "Bandi"}, "Bando innovazione 2025 — modulo di domanda", "Il modulo da compilare per partecipare al bando.", "",
		[]string{"Modulo di domanda, prima edizione.\n", "Modulo di domanda, edizione corretta.\n"}},
	{-1, []string{"Modulistica"}, "Regolamento per l'uso della piattaforma", "Le regole che valgono per tutti i membri.", "",
		[]string{"Regolamento della piattaforma.\n"}},
	{-1, nil, "Portale Open Data della Regione", "I dati aperti regionali.", "https://www.dati.lombardia.it/", nil},
}

// seedDocuments fills a community's library and the tenant library with
// nested folders, files with versions and links; the tenant library's
// first document is public, the others for the site's members.
func (s *demoSeed) seedDocuments(ctx context.Context) error {
	folders := map[string]int64{}
	for i, d := range demoLibraries {
		var cid any
		kind, list, author := "tenant", "{}", s.admin
		if d.community >= 0 {
			cid, kind, list = s.communities[d.community], "communities", fmt.Sprintf("{%d}", s.communities[d.community])
		}
		folder, err := s.folderPath(ctx, folders, cid, d.path)
		if err != nil {
			return err
		}
		doc, docKind := int64(0), "file"
		if d.link != "" {
			docKind = "link"
		}
		err = s.tx.QueryRowContext(ctx, `INSERT INTO documents (community_id, folder_id, kind, title, body, link, themes, author_id, scope_kind,
			scope_communities, public, created_at, updated_at, published_at) VALUES (?, ?, ?, ?, ?, ?, '{smart_communities}', ?, ?, ?, ?,
			now() - make_interval(days => ?), now() - make_interval(days => ?), now() - make_interval(days => ?)) RETURNING id`,
			cid, folder, docKind, d.title, d.desc, d.link, author, kind, list, d.community < 0 && i == 3, 10-i, 10-i, 10-i).Scan(&doc)
		if err != nil {
			return fmt.Errorf("demo document: %w", err)
		}
		for v, text := range d.versions {
			by := s.admin
			if v%2 == 1 && d.community >= 0 {
				by = s.people[demoCommunities[d.community].members[0]]
			}
			if err := document.Seed(ctx, s.tx, s.store, s.slug, doc, by, fmt.Sprintf("documento-%d.txt", i+1), "text/plain", []byte(text)); err != nil {
				return fmt.Errorf("demo version: %w", err)
			}
		}
	}
	return nil
}

// folderPath is the folder at path in the library of community cid (nil
// for the tenant's), made as needed (nil for the root).
func (s *demoSeed) folderPath(ctx context.Context, made map[string]int64, cid any, path []string) (any, error) {
	var parent any
	key := fmt.Sprint(cid)
	for _, name := range path {
		key += "/" + name
		if id, ok := made[key]; ok {
			parent = id
			continue
		}
		var id int64
		if err := s.tx.QueryRowContext(ctx, "INSERT INTO document_folders (community_id, parent_id, name, created_by) VALUES (?, ?, ?, ?) RETURNING id",
			cid, parent, name, s.admin).Scan(&id); err != nil {
			return nil, fmt.Errorf("demo folder: %w", err)
		}
		made[key], parent = id, id
	}
	return parent, nil
}
