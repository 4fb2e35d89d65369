package main

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/storage"
)

// demoSeed writes the demo content in one transaction of the demo tenant,
// keeping the ids that later rows refer to.
type demoSeed struct {
	tx    bun.Tx
	store storage.Store
	slug  string
	admin int64
	// people and communities are the ids of demoPeople and demoCommunities.
	people, communities []int64
}

// seedDemoContent fills a new demo tenant with people, organisations,
// communities, news, discussions, collaboration proposals and document
// libraries across the eight themes; it does nothing when the
// tenant has communities already.
func seedDemoContent(ctx context.Context, tx bun.Tx, store storage.Store, slug string, adminID int64) error {
	if n, err := tx.NewSelect().Table("communities").Count(ctx); err != nil || n > 0 {
		return err
	}
	s := &demoSeed{tx: tx, store: store, slug: slug, admin: adminID}
	for _, step := range []func(context.Context) error{s.seedPeople, s.seedOrganizations, s.seedCommunities,
		s.seedSubCommunity, s.seedNews, s.seedDiscussions, s.seedWaiting, s.seedProposals, s.seedPartnerships, s.seedProject, s.seedDocuments} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// seedPeople adds demoPeople, active, with validated profiles.
func (s *demoSeed) seedPeople(ctx context.Context) error {
	s.people = make([]int64, len(demoPeople))
	for i, p := range demoPeople {
		err := s.tx.QueryRowContext(ctx, `INSERT INTO users (email, display_name, locale, status, email_verified_at)
			VALUES (?, ?, ?, 'active', now()) ON CONFLICT (lower(email)) DO UPDATE SET display_name = EXCLUDED.display_name RETURNING id`,
			p.mail+"@"+s.slug+".example.org", p.name, p.lang).Scan(&s.people[i])
		if err != nil {
			return fmt.Errorf("demo person: %w", err)
		}
		if _, err := s.tx.ExecContext(ctx, `INSERT INTO profiles (user_id, bio, themes, competencies, state) VALUES (?, ?, ?, ?, 'validated')`,
			s.people[i], p.bio, pgArray(p.themes, ","), pgArray(p.skills, ", ")); err != nil {
			return fmt.Errorf("demo profile: %w", err)
		}
	}
	return nil
}

// seedOrganizations adds demoOrganizations, each with a referent (who
// created it) and an employee.
func (s *demoSeed) seedOrganizations(ctx context.Context) error {
	for i, o := range demoOrganizations {
		vat := vatFrom(o.vat)
		var id int64
		err := s.tx.QueryRowContext(ctx, `INSERT INTO organizations (name, vat_number, fiscal_code, legal_form, operating_office, registered_office, themes, competencies, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, o.name, vat, vat, o.form, o.office, o.office,
			pgArray(o.themes, ","), pgArray(o.skills, ", "), s.people[i%len(s.people)]).Scan(&id)
		if err != nil {
			return fmt.Errorf("demo organisation: %w", err)
		}
		for j, p := range []int64{s.people[i%len(s.people)], s.people[(i+4)%len(s.people)]} {
			role := "referent"
			if j > 0 {
				role = "employee"
			}
			if _, err := s.tx.ExecContext(ctx, "INSERT INTO organization_members (organization_id, user_id, role, state) VALUES (?, ?, ?, 'active')", id, p, role); err != nil {
				return err
			}
		}
	}
	return nil
}

// seedCommunities adds demoCommunities with their members (the first one
// manages); the demo admin manages the first two and belongs to the closed
// one.
func (s *demoSeed) seedCommunities(ctx context.Context) error {
	s.communities = make([]int64, len(demoCommunities))
	for i, c := range demoCommunities {
		if err := s.tx.QueryRowContext(ctx, `INSERT INTO communities (name, description, kind, themes, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			c.name, c.desc, c.kind, "{"+c.theme+"}", s.people[c.members[0]]).Scan(&s.communities[i]); err != nil {
			return fmt.Errorf("demo community: %w", err)
		}
		for j, m := range c.members {
			role := "participant"
			if j == 0 {
				role = "manager"
			}
			if err := s.member(ctx, s.communities[i], s.people[m], role, "active"); err != nil {
				return err
			}
		}
		if i < 2 || c.kind == "closed" {
			if err := s.member(ctx, s.communities[i], s.admin, "manager", "active"); err != nil {
				return err
			}
		}
	}
	return nil
}

// member links user uid to community cid with role, in state.
func (s *demoSeed) member(ctx context.Context, cid, uid int64, role, state string) error {
	_, err := s.tx.ExecContext(ctx, "INSERT INTO community_members (community_id, user_id, role, state) VALUES (?, ?, ?, ?)", cid, uid, role, state)
	return err
}

// seedSubCommunity adds a sub-community of the second community, and a
// request to join that community waiting for the demo admin's decision.
func (s *demoSeed) seedSubCommunity(ctx context.Context) error {
	if _, err := s.tx.ExecContext(ctx, `INSERT INTO communities (parent_id, name, description, kind, themes, created_by) VALUES (?, 'Vino e viticoltura', 'Sotto-community dei produttori vitivinicoli.', 'open', '{agrifood}', ?)`,
		s.communities[1], s.people[2]); err != nil {
		return err
	}
	return s.member(ctx, s.communities[1], s.people[4], "participant", "request_sent")
}

// seedNews publishes demoNews, a day apart, each with its history and a
// picture: tenant-wide and public, or in a community by its manager.
func (s *demoSeed) seedNews(ctx context.Context) error {
	for i, n := range demoNews {
		kind, list, public := "tenant", "{}", n.community < 0
		author := s.people[i%len(s.people)]
		if n.community >= 0 {
			kind, list = "communities", fmt.Sprintf("{%d}", s.communities[n.community])
			author = s.people[demoCommunities[n.community].members[0]]
		}
		var id int64
		err := s.tx.QueryRowContext(ctx, `INSERT INTO news (title, summary, body, language, state, author_id, scope_kind, scope_communities, public, published_at)
			VALUES (?, ?, ?, ?, 'published', ?, ?, ?, ?, now() - make_interval(days => ?)) RETURNING id`,
			n.title, n.summary, n.body, langOf(n.title), author, kind, list, public, i).Scan(&id)
		if err != nil {
			return fmt.Errorf("demo news: %w", err)
		}
		if _, err := s.tx.ExecContext(ctx, `INSERT INTO workflow_history (content_type, item_id, action, from_state, to_state, actor_id)
			VALUES ('news', ?, 'create', '', 'draft', ?), ('news', ?, 'publish', 'draft', 'published', ?)`, id, author, id, author); err != nil {
			return err
		}
		if err := demoPicture(ctx, s.tx, s.store, s.slug, id, author, i); err != nil {
			return err
		}
	}
	return nil
}

// demoDiscussions are the demo's discussions: title and body.
var demoDiscussions = []struct{ title, body string }{
	{"Come usare i dati aperti della mobilità?", "Quali dataset vi servirebbero per progettare servizi di mobilità condivisa?"},
	{"Telemedicina nei piccoli comuni", "Esperienze e ostacoli nell'avviare la televisita fuori dai capoluoghi."},
}

// seedDiscussions publishes demoDiscussions, each with a comment and a
// reply to it.
func (s *demoSeed) seedDiscussions(ctx context.Context) error {
	for i, d := range demoDiscussions {
		author := s.people[3+i*3]
		var id int64
		err := s.tx.QueryRowContext(ctx, `INSERT INTO discussions (title, body, language, state, author_id, scope_kind, published_at)
			VALUES (?, ?, 'it', 'published', ?, 'tenant', now() - make_interval(hours => ?)) RETURNING id`, d.title, "<p>"+d.body+"</p>", author, 3+i).Scan(&id)
		if err != nil {
			return fmt.Errorf("demo discussion: %w", err)
		}
		var first int64
		if err := s.tx.QueryRowContext(ctx, `INSERT INTO comments (content_type, item_id, author_id, body) VALUES ('discussion', ?, ?, ?) RETURNING id`,
			id, s.people[7], "Servirebbero gli orari in tempo reale e le posizioni dei mezzi.").Scan(&first); err != nil {
			return err
		}
		if _, err := s.tx.ExecContext(ctx, `INSERT INTO comments (content_type, item_id, parent_id, author_id, body) VALUES ('discussion', ?, ?, ?, ?)`,
			id, first, author, "D'accordo: chiediamolo all'agenzia del trasporto pubblico."); err != nil {
			return err
		}
	}
	return nil
}

// seedWaiting adds one news item waiting for a validator (the demo admin
// validates tenant-wide content).
func (s *demoSeed) seedWaiting(ctx context.Context) error {
	_, err := s.tx.ExecContext(ctx, `INSERT INTO news (title, summary, body, language, state, author_id, scope_kind)
		VALUES ('Nuovo sportello per le imprese innovative', 'Da gennaio un punto unico per le startup.', 'Il nuovo sportello aiuterà le imprese a orientarsi tra bandi e agevolazioni.', 'it', 'to_validate', ?, 'tenant')`, s.people[7])
	return err
}
