package content

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// PersonContributions gives add the latest published items (at most
// limit) that person wrote and viewer (0 for a guest) may see, newest
// first, for the person's page: the message key of the type's kind, the
// title, the address and the date.
func (k *Kit[T, P]) PersonContributions(ctx context.Context, tx bun.IDB, person, viewer int64, limit int,
	add func(kind, title, url string, at time.Time)) error {
	var ts []T
	q := k.Select(tx, k.ViewerAs(ctx, viewer), &ts).Where("?TableAlias.author_id = ? AND ?TableAlias.state = 'published'", person)
	if err := k.newest(q, limit).Scan(ctx); err != nil {
		return fmt.Errorf("%s by person: %w", k.Table, err)
	}
	for i := range ts {
		b := P(&ts[i]).Content()
		add(k.Key+".kind", b.Title, k.URL(b.ID), b.When())
	}
	return nil
}
