package content

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/feed"
	"github.com/piazza-pa/piazza/platform/search"
)

// Inbox lists the items waiting for uid's validation (for the inbox).
func (k *Kit[T, P]) Inbox(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	var ts []T
	err := k.Select(tx, k.ViewerAs(ctx, uid), &ts).Where("?TableAlias.state = 'to_validate' AND ?TableAlias.author_id IS DISTINCT FROM ?", uid).
		OrderExpr("?TableAlias.updated_at, ?TableAlias.id").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s to validate: %w", k.Table, err)
	}
	out := make([]feed.Task, 0, len(ts))
	for i := range ts {
		b := P(&ts[i]).Content()
		url := k.URL(b.ID)
		out = append(out, feed.Task{Label: k.Key + ".task.validate", Title: b.Title, Detail: b.AuthorName, URL: url, At: b.UpdatedAt,
			Actions: feed.Decide("workflow.action.approve", url+"/do/approve", "workflow.action.reject", url+"/do/reject")})
	}
	return out, nil
}

// Search finds the items the viewer uid may see matching q, each in the
// text search configuration of its own language.
func (k *Kit[T, P]) Search(ctx context.Context, tx bun.IDB, q string, uid int64, limit int) ([]search.Hit, error) {
	var rows []search.Row
	a := k.Alias
	query := "websearch_to_tsquery(piazza_ts_config(" + a + ".language), ?)"
	sq := tx.NewSelect().TableExpr(k.Table+" AS "+a).ColumnExpr(a+".id, "+a+".title, coalesce("+a+".published_at, "+a+".created_at) AS at").
		ColumnExpr("ts_rank("+a+".search, "+query+") AS rank", q).
		ColumnExpr("ts_headline(piazza_ts_config("+a+".language), "+k.SearchText+", "+query+", ?) AS snippet", q, search.HeadlineOptions).
		Where(a+".search @@ "+query, q)
	err := k.Visible(sq, k.ViewerAs(ctx, uid)).OrderExpr("rank DESC, "+a+".id DESC").Limit(int64(limit)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", k.Table, err)
	}
	return search.Hits(k.Key+".kind", k.Path+"/", rows), nil
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
