package profile

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/directory"
	"github.com/piazza-pa/piazza/platform/keyset"
)

// Filter narrows the directory: words of a name, bio or competency (each
// the start of a word), a theme, the start of a competency's words, a
// state (for facilitators).
type Filter struct {
	Query, Theme, Competency, State string
}

// list is the directory's name for its cursors; order is its order: by
// the name shown, as the database lowers it, then by id — the order of
// users_directory_idx, which serves every page's start.
const list = "people"

var order = keyset.Order{Key: "lower(" + auth.NameSQL("u") + ")", ID: "u.id", Text: true}

// Directory returns a page of the profiles v may see matching f, by name:
// at most size after cur, and the cursor of the next page ("" for none).
func Directory(ctx context.Context, tx bun.IDB, v Viewer, f Filter, cur keyset.Cursor, size int) ([]Profile, string, error) {
	ps, err := directory.All(ctx, func(ps *[]Profile) *bun.SelectQuery {
		return filtered(order.Page(selectProfiles(tx, v, ps).ColumnExpr(order.Key+" AS list_key"), cur, size), v, f)
	}, "directory")
	if err != nil {
		return nil, "", err
	}
	ps, next := keyset.Cut(ps, size, list, func(p *Profile) keyset.Cursor { return keyset.Cursor{Text: p.ListKey, ID: p.UserID} })
	return ps, next, nil
}

// filtered narrows q to the profiles matching f, each filter through an
// index: the words through those of the names and of the profiles' text
// (the members found, an array, joined by primary key), the theme through
// that of the themes, the competency through the profiles' text (its
// competencies are weight B). Words with nothing to look for match nobody.
func filtered(q *bun.SelectQuery, v Viewer, f Filter) *bun.SelectQuery {
	q = directory.Theme(q, "p.themes", f.Theme)
	if f.Query != "" {
		q = q.Where("u.id = ANY (ARRAY(SELECT wu.id FROM users AS wu WHERE "+nameDoc("wu")+" @@ to_tsquery('simple', ?0)"+
			" UNION ALL SELECT wp.user_id FROM profiles AS wp WHERE wp.search @@ to_tsquery('simple', ?0)))", directory.Prefixes(f.Query, ""))
	}
	if f.Competency != "" {
		q = q.Where("p.search @@ to_tsquery('simple', ?)", directory.Prefixes(f.Competency, "B"))
	}
	if f.State != "" && v.Facilitator {
		q = q.Where("coalesce(p.state, 'draft') = ?", f.State)
	}
	return q
}
