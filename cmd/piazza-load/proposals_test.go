package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/web/webtest"
	"github.com/piazza-pa/piazza/tenant"
)

// zero runs each query of qs, which counts what must not exist, and
// reports those that find something.
func zero(ctx context.Context, t *testing.T, tx bun.Tx, qs map[string]string, args ...any) error {
	t.Helper()
	for what, q := range qs {
		var n int
		if err := tx.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if n != 0 {
			t.Errorf("%s: %d", what, n)
		}
	}
	return nil
}

// byValue counts the rows of table by the value of expr.
func byValue(ctx context.Context, tx bun.Tx, table, expr string) (map[string]int, error) {
	out := map[string]int{}
	rows, err := tx.QueryContext(ctx, fmt.Sprintf("SELECT %s, count(*) FROM %s GROUP BY 1", expr, table))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		var n int
		if err := rows.Scan(&v, &n); err != nil {
			return nil, err
		}
		out[v] = n
	}
	return out, rows.Err()
}

// checkProposals checks that the tenant holds the figures' proposals in
// every state, mostly published, scoped mostly to the whole tenant, with
// their fields filled as a proposer fills them, the history that led each
// to its state, and words that search-common looks for.
func checkProposals(t *testing.T, w *moduletest.World, tn *tenant.Tenant) {
	w.In(t, tn, func(ctx context.Context, tx bun.Tx) error {
		states, err := byValue(ctx, tx, "proposals", "state")
		if err != nil {
			return err
		}
		n := tiny.Proposals
		if states["published"] < n*7/10 || states["closed"] < n/20 || states["closed"] > n/4 ||
			states["draft"] == 0 || states["to_validate"] == 0 || states["archived"] == 0 ||
			states["draft"]+states["to_validate"]+states["archived"] > n/10 || len(states) != 5 {
			t.Errorf("proposals by state: %v of %d; want mostly published, some closed, a few of the others", states, n)
		}
		scopes, err := byValue(ctx, tx, "proposals", "scope_kind")
		if err != nil {
			return err
		}
		if scopes["tenant"] < n*55/100 || scopes["communities"] < n/10 || scopes["interests"] > n/6 || len(scopes) > 3 {
			t.Errorf("proposals by scope: %v of %d; want mostly the whole tenant, some communities", scopes, n)
		}
		var kinds, trls, ips, tagged, withOrg, open int
		err = tx.QueryRowContext(ctx, `SELECT count(DISTINCT kind), count(DISTINCT trl), count(DISTINCT ip_status),
			count(*) FILTER (WHERE tags <> '{}'), count(*) FILTER (WHERE organization_id IS NOT NULL),
			count(*) FILTER (WHERE state = 'published' AND closes_at > now()) FROM proposals`).
			Scan(&kinds, &trls, &ips, &tagged, &withOrg, &open)
		if kinds != 5 || trls < 7 || ips != 5 || tagged == 0 || withOrg == 0 || open < states["published"]*3/4 {
			t.Errorf("%d kinds, %d TRLs, %d IP statuses, %d with tags, %d with an organisation, %d open of %d published",
				kinds, trls, ips, tagged, withOrg, open, states["published"])
		}
		if err := zero(ctx, t, tx, proposalFaults); err != nil {
			return err
		}
		return searchable(ctx, t, tx)
	})
}

// proposalFaults count the proposals that no proposer or workflow would
// have left.
var proposalFaults = map[string]string{
	"published, past their closing date": "SELECT count(*) FROM proposals WHERE state = 'published' AND closes_at <= now()",
	"closed without a past date after their publication": `SELECT count(*) FROM proposals WHERE state = 'closed'
		AND (closes_at IS NULL OR closes_at > now() OR closes_at < published_at)`,
	"without Italy or their language": "SELECT count(*) FROM proposals WHERE NOT ('IT' = ANY (countries) AND language = ANY (languages))",
	"without one to three of the S3 themes": `SELECT count(*) FROM proposals WHERE NOT (cardinality(themes) BETWEEN 1 AND 3
		AND themes <@ (SELECT array_agg(key) FROM themes))`,
	"with a tag the tenant lacks": "SELECT count(*) FROM proposals WHERE NOT tags <@ (SELECT array_agg(id) FROM tags)",
	"of an organisation the proposer is not in": `SELECT count(*) FROM proposals AS p WHERE organization_id IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM organization_members AS m WHERE m.organization_id = p.organization_id
			AND m.user_id = p.author_id AND m.state = 'active')`,
	"in a community the proposer is not in": `SELECT count(*) FROM proposals AS p WHERE scope_kind = 'communities'
		AND NOT EXISTS (SELECT 1 FROM community_members AS m WHERE m.community_id = ANY (p.scope_communities)
			AND m.user_id = p.author_id AND m.state = 'active')`,
	"whose history does not start with their creation": `SELECT count(*) FROM proposals AS p WHERE (SELECT h.action FROM workflow_history AS h
		WHERE h.content_type = 'proposal' AND h.item_id = p.id ORDER BY h.at, h.id LIMIT 1) IS DISTINCT FROM 'create'`,
	"whose history does not lead to their state": `SELECT count(*) FROM proposals AS p WHERE (SELECT h.to_state FROM workflow_history AS h
		WHERE h.content_type = 'proposal' AND h.item_id = p.id ORDER BY h.at DESC, h.id DESC LIMIT 1) IS DISTINCT FROM p.state`,
}

// searchable checks that proposals hold the words search-common asks
// for, in both languages.
func searchable(ctx context.Context, t *testing.T, tx bun.Tx) error {
	for _, v := range []*vocabulary{&italian, &english} {
		missing := []string{}
		for _, word := range commonWords(v) {
			var found bool
			err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM proposals
				WHERE search @@ websearch_to_tsquery(piazza_ts_config(language), ?))`, word).Scan(&found)
			if err != nil {
				return err
			}
			if !found {
				missing = append(missing, word)
			}
		}
		if len(missing) > len(commonWords(v))/4 {
			t.Errorf("proposals lack the common words %v", missing)
		}
	}
	return nil
}

// checkInterests checks that the expressions of interest are in every
// state, in published or closed proposals their authors may see and did
// not write, with the steps that led to their state; and that the work
// groups hold their proposer and the relevant respondents.
func checkInterests(t *testing.T, w *moduletest.World, tn *tenant.Tenant) {
	w.In(t, tn, func(ctx context.Context, tx bun.Tx) error {
		states, err := byValue(ctx, tx, "proposal_interests", "state")
		if err != nil {
			return err
		}
		total := 0
		for _, n := range states {
			total += n
		}
		if len(states) != len(interestStates) || total != tiny.Interests {
			t.Errorf("expressions of interest by state: %v, want %d in the six states", states, tiny.Interests)
		}
		var orgs, groups, proposals int
		err = tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM proposal_interests WHERE organization_id IS NOT NULL),
			(SELECT count(*) FROM proposals WHERE work_group_id IS NOT NULL), (SELECT count(DISTINCT proposal_id) FROM proposal_interests)`).
			Scan(&orgs, &groups, &proposals)
		if orgs == 0 || groups == 0 || proposals < 3 {
			t.Errorf("%d expressions for an organisation, %d work groups, %d proposals with expressions: want some", orgs, groups, proposals)
		}
		return zero(ctx, t, tx, interestFaults)
	})
}

// interestFaults count the expressions of interest and work groups that
// no member or workflow would have left.
var interestFaults = map[string]string{
	"by the proposer": "SELECT count(*) FROM proposal_interests AS i JOIN proposals AS p ON p.id = i.proposal_id WHERE i.author_id = p.author_id",
	"in a proposal neither published nor closed, or not for the tenant or a community": `SELECT count(*) FROM proposal_interests AS i
		JOIN proposals AS p ON p.id = i.proposal_id WHERE p.state NOT IN ('published', 'closed') OR p.scope_kind = 'interests'`,
	"by someone outside the proposal's community": `SELECT count(*) FROM proposal_interests AS i JOIN proposals AS p ON p.id = i.proposal_id
		WHERE p.scope_kind = 'communities' AND NOT EXISTS (SELECT 1 FROM community_members AS m
			WHERE m.community_id = ANY (p.scope_communities) AND m.user_id = i.author_id AND m.state = 'active')`,
	"for an organisation the respondent is not in": `SELECT count(*) FROM proposal_interests AS i WHERE organization_id IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM organization_members AS m WHERE m.organization_id = i.organization_id
			AND m.user_id = i.author_id AND m.state = 'active')`,
	"with a note and no decision, or a decision without a note": `SELECT count(*) FROM proposal_interests
		WHERE (note <> '') <> (state IN ('relevant', 'not_relevant'))`,
	"whose history does not lead to their state": `SELECT count(*) FROM proposal_interests AS i WHERE (SELECT h.to_state FROM workflow_history AS h
		WHERE h.content_type = 'proposal_interest' AND h.item_id = i.id ORDER BY h.at DESC, h.id DESC LIMIT 1) IS DISTINCT FROM i.state`,
	"decided by someone else than the proposer": `SELECT count(*) FROM workflow_history AS h JOIN proposal_interests AS i ON i.id = h.item_id
		JOIN proposals AS p ON p.id = i.proposal_id WHERE h.content_type = 'proposal_interest'
		AND h.action IN ('evaluate', 'relevant', 'not_relevant') AND h.actor_id IS DISTINCT FROM p.author_id`,
	"work groups not closed or not managed by the proposer": `SELECT count(*) FROM proposals AS p JOIN communities AS c ON c.id = p.work_group_id
		WHERE c.kind <> 'closed' OR NOT EXISTS (SELECT 1 FROM community_members AS m WHERE m.community_id = c.id
			AND m.user_id = p.author_id AND m.role = 'manager' AND m.state = 'active')`,
	"work groups of others than the proposer and the relevant respondents": `SELECT count(*) FROM proposals AS p
		WHERE p.work_group_id IS NOT NULL AND (SELECT array_agg(m.user_id ORDER BY m.user_id) FROM community_members AS m
			WHERE m.community_id = p.work_group_id AND m.state = 'active') IS DISTINCT FROM
		(SELECT array_agg(u ORDER BY u) FROM (SELECT p.author_id AS u UNION
			SELECT author_id FROM proposal_interests WHERE proposal_id = p.id AND state = 'relevant') AS r)`,
}

// seen are proposals and members to test what members see.
type seen struct {
	Proposal, Author, Other int64
}

// proposalScope checks, as the seeded members, that a proposal for the
// whole tenant opens for any member, one of a community for its members
// only, a draft for its proposer only, and that a work group's page, to
// its proposer, says it was born from its proposal.
func proposalScope(t *testing.T, w *moduletest.World, tn *tenant.Tenant, s Site) {
	var tenantWide, inCommunity, draft seen
	var groupOf seen // Other is the work group's id
	w.In(t, tn, func(ctx context.Context, tx bun.Tx) error {
		for _, c := range []struct {
			dst *seen
			q   string
		}{
			{&tenantWide, `SELECT p.id, p.author_id, u.id FROM proposals AS p JOIN users AS u ON u.id <> p.author_id
				WHERE p.state = 'published' AND p.scope_kind = 'tenant' AND NOT p.public ORDER BY p.id, u.id DESC LIMIT 1`},
			{&inCommunity, `SELECT p.id, m.user_id, u.id FROM proposals AS p
				JOIN community_members AS m ON m.community_id = p.scope_communities[1] AND m.state = 'active' AND m.user_id <> p.author_id
				JOIN users AS u ON u.id > 2 AND u.id <> p.author_id AND NOT EXISTS (SELECT 1 FROM community_members AS o
					WHERE o.community_id = p.scope_communities[1] AND o.user_id = u.id)
				WHERE p.state = 'published' AND p.scope_kind = 'communities' ORDER BY p.id, m.user_id, u.id LIMIT 1`},
			{&draft, `SELECT p.id, p.author_id, u.id FROM proposals AS p JOIN users AS u ON u.id > 2 AND u.id <> p.author_id
				WHERE p.state = 'draft' ORDER BY p.id, u.id LIMIT 1`},
			{&groupOf, "SELECT id, author_id, work_group_id FROM proposals WHERE work_group_id IS NOT NULL ORDER BY id LIMIT 1"},
		} {
			if err := tx.QueryRowContext(ctx, c.q).Scan(&c.dst.Proposal, &c.dst.Author, &c.dst.Other); err != nil {
				return fmt.Errorf("%s: %w", c.q, err)
			}
		}
		return nil
	})
	for _, c := range []struct {
		who  int64
		path string
		want int
	}{
		{tenantWide.Other, fmt.Sprintf("/proposals/%d", tenantWide.Proposal), 200},
		{inCommunity.Author, fmt.Sprintf("/proposals/%d", inCommunity.Proposal), 200},
		{inCommunity.Other, fmt.Sprintf("/proposals/%d", inCommunity.Proposal), 404},
		{draft.Author, fmt.Sprintf("/proposals/%d", draft.Proposal), 200},
		{draft.Other, fmt.Sprintf("/proposals/%d", draft.Proposal), 404},
	} {
		if code, _ := member(t, w, s, c.who).Get("http://" + s.Host + c.path); code != c.want {
			t.Errorf("member %d opens %s: %d, want %d", c.who, c.path, code, c.want)
		}
	}
	code, page := member(t, w, s, groupOf.Author).Get(fmt.Sprintf("http://%s/communities/%d", s.Host, groupOf.Other))
	if want := fmt.Sprintf(`href="/proposals/%d"`, groupOf.Proposal); code != 200 || !strings.Contains(page, want) {
		t.Errorf("work group %d to its proposer: %d, link to its proposal %v", groupOf.Other, code, strings.Contains(page, want))
	}
}

// member is a browser signed in as the seeded member uid of s.
func member(t *testing.T, w *moduletest.World, s Site, uid int64) *webtest.Browser {
	t.Helper()
	b := webtest.NewBrowser(t, w.Addr)
	u, _ := url.Parse("http://" + s.Host)
	for _, m := range s.Members {
		if m.ID == uid {
			b.Client.Jar.SetCookies(u, []*http.Cookie{{Name: session.CookieName, Value: m.Cookie}})
			return b
		}
	}
	t.Fatalf("no seeded member %d", uid)
	return nil
}

// addTags gives the tenant slug, before it is seeded, two tags for
// proposals to carry.
func addTags(t *testing.T, w *moduletest.World, slug string) {
	tn, err := w.Reg.Create(context.Background(), tenant.CreateParams{Slug: slug, Name: "Ente di prova 1"})
	if err != nil {
		t.Fatal(err)
	}
	w.In(t, tn, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO tags (name) VALUES ('Idrogeno'), ('Manifattura additiva')")
		return err
	})
}
