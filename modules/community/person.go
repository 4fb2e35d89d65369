package community

import (
	"context"
	"fmt"
	"strconv"

	"github.com/uptrace/bun"
)

// PersonGroups gives add the active communities that person is an active
// member of and viewer may see (a closed one only to its own members), by
// name, for the person's page.
func (m *Module) PersonGroups(ctx context.Context, tx bun.IDB, person, viewer int64, add func(name, url string)) error {
	var cs []Community
	err := tx.NewSelect().Model(&cs).Column("c.id", "c.name").
		Join("JOIN community_members AS pm ON pm.community_id = c.id AND pm.user_id = ? AND pm.state = 'active'", person).
		Where("c.state = 'active'").Where(visibleSQL, viewer, false).
		OrderExpr("lower(c.name), c.id").Limit(200).Scan(ctx)
	if err != nil {
		return fmt.Errorf("communities of a person: %w", err)
	}
	for _, c := range cs {
		add(c.Name, "/communities/"+strconv.FormatInt(c.ID, 10))
	}
	return nil
}
