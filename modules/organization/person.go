package organization

import (
	"context"
	"fmt"
	"strconv"

	"github.com/uptrace/bun"
)

// PersonGroups gives add the organisations that person works for (an
// active link) and viewer may see, by name, for the person's page.
func (m *Module) PersonGroups(ctx context.Context, tx bun.IDB, person, uid int64, add func(name, url string)) error {
	v, err := viewer(ctx, tx)
	if err != nil {
		return err
	}
	v.UserID = uid
	var os []Organization
	err = selectFor(tx, v, &os).
		Join("JOIN organization_members AS pm ON pm.organization_id = o.id AND pm.user_id = ? AND pm.state = 'active'", person).
		OrderExpr("lower(o.name), o.id").Limit(200).Scan(ctx)
	if err != nil {
		return fmt.Errorf("organisations of a person: %w", err)
	}
	for _, o := range os {
		add(o.Name, "/organizations/"+strconv.FormatInt(o.ID, 10))
	}
	return nil
}
