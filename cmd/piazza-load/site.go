package main

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// site reads back what the load needs of the seeded tenant: its members
// (signed in by signIn) with their communities, and the ids of what they
// may open.
func (s *seeder) site(ctx context.Context) (Site, error) {
	var site Site
	rows, err := s.tx.QueryContext(ctx, `SELECT u.id, coalesce(array_agg(m.community_id ORDER BY m.community_id)
			FILTER (WHERE m.community_id IS NOT NULL), '{}')
		FROM users AS u LEFT JOIN community_members AS m ON m.user_id = u.id AND m.state = 'active'
		WHERE u.status = 'active' GROUP BY u.id ORDER BY u.id`)
	if err != nil {
		return site, err
	}
	defer rows.Close()
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.ID, pgdialect.Array(&m.Communities)); err != nil {
			return site, err
		}
		m.Cookie = s.tokens[m.ID]
		site.Members = append(site.Members, m)
	}
	if err := rows.Err(); err != nil {
		return site, err
	}
	const window = " AND (publish_from IS NULL OR publish_from <= now()) AND (publish_until IS NULL OR publish_until > now())"
	if site.News, err = publishedItems(ctx, s.tx, "news", window); err != nil {
		return site, err
	}
	if site.Discussions, err = publishedItems(ctx, s.tx, "discussions", ""); err != nil {
		return site, err
	}
	if site.Proposals, err = publishedItems(ctx, s.tx, "proposals", "", "closed"); err != nil {
		return site, err
	}
	if err := s.proposers(ctx, &site); err != nil {
		return site, err
	}
	if err := s.projectManagers(ctx, &site); err != nil {
		return site, err
	}
	for _, l := range []struct {
		dst *[]int64
		q   string
	}{
		{&site.Communities, "SELECT id FROM communities WHERE state = 'active' AND kind <> 'closed' ORDER BY id"},
		{&site.Organizations, "SELECT id FROM organizations WHERE state = 'validated' ORDER BY id"},
		{&site.People, `SELECT p.user_id FROM profiles AS p JOIN users AS u ON u.id = p.user_id
			WHERE p.state = 'validated' AND u.status = 'active' ORDER BY 1`},
	} {
		if err := s.tx.NewRaw(l.q).Scan(ctx, l.dst); err != nil {
			return site, err
		}
	}
	return site, nil
}

// publishedItems are the ids of the published items of table (and of
// those in the further states readable as published) for the whole
// tenant, and those of each community.
func publishedItems(ctx context.Context, tx bun.IDB, table, extra string, states ...string) (Items, error) {
	items := Items{ByCommunity: map[int64][]int64{}}
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT id, scope_kind, scope_communities FROM %s
		WHERE state IN (?) AND scope_kind IN ('tenant', 'communities')%s ORDER BY id`, table, extra),
		bun.In(append([]string{"published"}, states...)))
	if err != nil {
		return items, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var kind string
		var comms []int64
		if err := rows.Scan(&id, &kind, pgdialect.Array(&comms)); err != nil {
			return items, err
		}
		if kind == "tenant" {
			items.All = append(items.All, id)
		}
		for _, c := range comms {
			items.ByCommunity[c] = append(items.ByCommunity[c], id)
		}
	}
	return items, rows.Err()
}

// proposers gives each member of site their own published proposals, and
// lists the members with some.
func (s *seeder) proposers(ctx context.Context, site *Site) error {
	own := map[int64][]int64{}
	rows, err := s.tx.QueryContext(ctx, `SELECT author_id, array_agg(id ORDER BY id) FROM proposals
		WHERE state = 'published' AND author_id IS NOT NULL GROUP BY author_id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var uid int64
		var ids []int64
		if err := rows.Scan(&uid, pgdialect.Array(&ids)); err != nil {
			return err
		}
		own[uid] = ids
	}
	for i := range site.Members {
		if site.Members[i].Proposals = own[site.Members[i].ID]; len(site.Members[i].Proposals) > 0 {
			site.Proposers = append(site.Proposers, i)
		}
	}
	return rows.Err()
}

// projectManagers lists the projects with the member who manages each.
func (s *seeder) projectManagers(ctx context.Context, site *Site) error {
	at := make(map[int64]int, len(site.Members))
	for i, m := range site.Members {
		at[m.ID] = i
	}
	var rows []struct {
		ID   int64 `bun:"project_id"`
		User int64 `bun:"user_id"`
	}
	if err := s.tx.NewRaw(`SELECT DISTINCT ON (project_id) project_id, user_id FROM project_members WHERE role = 'manager'
		ORDER BY project_id, user_id`).Scan(ctx, &rows); err != nil {
		return err
	}
	for _, r := range rows {
		if i, ok := at[r.User]; ok {
			site.Projects = append(site.Projects, Project{ID: r.ID, Manager: i})
		}
	}
	return nil
}
