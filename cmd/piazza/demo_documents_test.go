package main

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
)

// TestDemoDocuments: the demo seeds a community's library and the tenant
// library, each with nested folders, files with several versions (counted
// in the site's storage) and links.
func TestDemoDocuments(t *testing.T) {
	ctx, e, demo := demoEnv(t)
	var libraries, nested, versioned, links, consistent, stored int
	err := db.InTenant(ctx, e.db, demo.Scope(), func(ctx context.Context, tx bun.Tx) error {
		for q, dst := range map[string]*int{
			"SELECT count(DISTINCT coalesce(community_id, 0)) FROM documents":                                                         &libraries,
			"SELECT count(*) FROM document_folders WHERE parent_id IS NOT NULL":                                                       &nested,
			"SELECT count(*) FROM documents WHERE versions > 1":                                                                       &versioned,
			"SELECT count(*) FROM documents WHERE kind = 'link'":                                                                      &links,
			"SELECT count(*) FROM documents d WHERE versions = (SELECT count(*) FROM document_versions v WHERE v.document_id = d.id)": &consistent,
			"SELECT count(*) FROM attachments WHERE content_type = 'document'":                                                        &stored,
		} {
			if err := tx.QueryRowContext(ctx, q).Scan(dst); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if libraries != 2 || nested < 2 || versioned < 2 || links < 2 || consistent != len(demoLibraries) || stored < 7 {
		t.Errorf("%d libraries, %d nested folders, %d versioned files, %d links, %d documents with their versions, %d stored versions",
			libraries, nested, versioned, links, consistent, stored)
	}
}
