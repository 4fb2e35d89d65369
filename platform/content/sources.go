package content

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/search"
)

// searching is the type's search, for Ranked and Snippets.
func (k *Kit[T, P]) searching() search.Source {
	a := k.Alias
	own := search.OwnLanguage("c.lang")
	return search.Source{Kind: k.Key + ".kind", Prefix: k.Path + "/", What: k.Table,
		From: k.Table + " AS " + a, ID: a + ".id", Config: "piazza_ts_config(" + a + ".language)",
		Query: search.OwnLanguage(a + ".language"), Text: k.SearchText, HTML: k.SearchHTML,
		Carry: a + ".search AS doc, " + a + ".language AS lang", Find: a + ".search @@ " + search.AnyLanguage,
		Match: "c.doc @@ " + own, Rank: "ts_rank(c.doc, " + own + ")", Newest: k.SearchNewest, Stats: k.Table, Languages: true}
}

// Search is the query of the best items after q.After that the viewer
// uid may see matching q.Words, each in the text search configuration of
// its own language, at most q.Limit (search.Run runs it): the GIN index
// finds the candidates in any language, the scope rules keep them, and SQL
// matches the most recent (search.Window) in the item's own language,
// ranks and cuts them (for a common word, the most recent visible items
// are walked until enough match instead).
func (k *Kit[T, P]) Search(ctx context.Context, tx bun.IDB, q search.Query, uid int64) (*search.Part, error) {
	a := k.Alias
	sq := tx.NewSelect().TableExpr(k.Table + " AS " + a).ColumnExpr(a + ".id, " + a + ".title, coalesce(" + a + ".published_at, " + a + ".created_at) AS at")
	v := k.ViewerAs(ctx, uid)
	v.P = q.Params()
	return search.Ranked(tx, k.searching(), k.Visible(sq, v), q), nil
}

// Card is an item on a community's page.
type Card struct {
	Type, Title, URL, Summary, State string
	At                               time.Time
}

// Cards lists community id's items as uid (0 for a guest) may see them.
func (k *Kit[T, P]) Cards(ctx context.Context, tx bun.IDB, id, uid int64, limit int) ([]Card, error) {
	ts, err := k.OfCommunity(ctx, tx, k.ViewerAs(ctx, uid), id, limit)
	out := make([]Card, 0, len(ts))
	for i := range ts {
		p := P(&ts[i])
		b := p.Content()
		c := Card{Type: k.Name, Title: b.Title, URL: k.URL(b.ID), State: b.State, At: b.When()}
		if k.Summary != nil {
			c.Summary = k.Summary(p)
		}
		out = append(out, c)
	}
	return out, err
}

// Target is an item as a member sees it when commenting on it or
// attaching files to it.
type Target struct {
	Title, URL string
	// Open: it takes new comments; Moderate: uid moderates them; Upload:
	// uid may attach files to it.
	Open, Moderate, Upload bool
}

// Target returns item id when uid (0 for a guest) may see it, else an
// error of kind not found.
func (k *Kit[T, P]) Target(ctx context.Context, tx bun.IDB, id, uid int64) (Target, error) {
	p, err := k.Get(ctx, tx, k.ViewerAs(ctx, uid), id)
	if err != nil {
		return Target{}, err
	}
	b := p.Content()
	t := Target{Title: b.Title, URL: k.URL(b.ID), Open: k.Open(p)}
	if uid == 0 {
		return t, nil
	}
	may, err := k.GuardOf(ctx, tx, p, uid)
	if err != nil {
		return t, err
	}
	t.Moderate, t.Upload = may("validate"), k.MayEdit(p, uid, may)
	return t, nil
}
