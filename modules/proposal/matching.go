package proposal

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/organization"
	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/match"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/platform/workflow"
)

// Partner matching: on an open proposal's page its proposer and the
// facilitators see who could be interested (platform/match) among those
// its scope reaches and not yet involved, and invite them with one click.

// Errors of invitations.
var (
	ErrInvited = platform.NewKeyedError(platform.ErrConflict, "proposal.error.invited",
		"invited to this proposal already")
	ErrInvolved = platform.NewKeyedError(platform.ErrConflict, "proposal.error.involved",
		"takes part in this proposal already")
	ErrUnreached = platform.NewKeyedError(platform.ErrConflict, "proposal.error.unreached",
		"the proposal's scope does not reach them")
	ErrNotOpenInvite = platform.NewKeyedError(platform.ErrConflict, "proposal.error.invite_closed",
		"only an open proposal takes invitations")
)

// panelSize is how many suggestions the panel shows; asked how many are
// asked for, since those the proposal's scope does not reach are left out.
const panelSize, asked = 10, 30

// target is a suggestion's kind and id.
type target struct {
	kind string
	id   int64
}

// matches says whether member uid finds partners for p: its proposer or
// a facilitator (who see its matching panel while it is open).
func matches(ctx context.Context, p *Proposal, uid int64) bool {
	return uid != 0 && (p.Author() == uid || readerOf(ctx, uid).Facilitator)
}

// involved are those already involved in p, whom the panel never
// suggests: its proposer, its respondents and their organisations, the
// members of its work group (or invited to it) and p's organisation
// (the member looking is never suggested either); and, read along, those
// invited to p already.
func involved(ctx context.Context, tx bun.IDB, p *Proposal) (users, orgs []int64, invited map[target]bool, err error) {
	var r struct {
		Users   []int64  `bun:"users,array"`
		Orgs    []int64  `bun:"orgs,array"`
		Kinds   []string `bun:"kinds,array"`
		Targets []int64  `bun:"targets,array"`
	}
	err = tx.NewRaw(`SELECT ARRAY(SELECT author_id FROM proposal_interests WHERE proposal_id = ?0 AND author_id IS NOT NULL) AS users,
		ARRAY(SELECT organization_id FROM proposal_interests WHERE proposal_id = ?0 AND organization_id IS NOT NULL) AS orgs,
		ARRAY(SELECT kind FROM proposal_invitations WHERE proposal_id = ?0 ORDER BY kind, target_id) AS kinds,
		ARRAY(SELECT target_id FROM proposal_invitations WHERE proposal_id = ?0 ORDER BY kind, target_id) AS targets`, p.ID).Scan(ctx, &r)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("involved in proposal: %w", err)
	}
	invited = make(map[target]bool, len(r.Kinds))
	for i, k := range r.Kinds {
		invited[target{k, r.Targets[i]}] = true
	}
	users, orgs = append(r.Users, p.Author()), r.Orgs
	if p.OrganizationID != nil {
		orgs = append(orgs, *p.OrganizationID)
	}
	if p.WorkGroupID != nil {
		ms, err := community.Members(ctx, tx, *p.WorkGroupID, community.Active, community.Invited)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, m := range ms {
			users = append(users, m.UserID)
		}
	}
	return users, orgs, invited, nil
}

// reachedSQL keeps, of the users $1, those with an active account whom
// proposal $2 reaches (prepared: a panel runs it on every view).
var reachedSQL = `SELECT x.id FROM unnest($1::bigint[]) AS x (id) JOIN users AS u ON u.id = x.id AND u.status = 'active'
	JOIN proposals AS p ON p.id = $2 WHERE ` + scope.PublishedFor("p", "x.id")

// recipients are, of each suggestion of ss, who would be told of an
// invitation: the person, or the organisation's active referents; only
// those with an active account whom p's scope reaches.
func recipients(ctx context.Context, tx bun.IDB, pid int64, ss []match.Suggestion) (map[target][]int64, error) {
	var orgs, uids []int64
	for _, s := range ss {
		if s.Kind == match.Organization {
			orgs = append(orgs, s.ID)
		} else {
			uids = append(uids, s.ID)
		}
	}
	referents, err := organization.Referents(ctx, tx, orgs)
	if err != nil {
		return nil, err
	}
	for _, rs := range referents {
		uids = append(uids, rs...)
	}
	var seeing []int64
	err = tx.NewRaw(reachedSQL).Conn(db.Prepared(tx, nonNil(uids), pid)).Scan(ctx, &seeing)
	if err != nil {
		return nil, fmt.Errorf("whom the proposal reaches: %w", err)
	}
	out := map[target][]int64{}
	for _, s := range ss {
		who := []int64{s.ID}
		if s.Kind == match.Organization {
			who = referents[s.ID]
		}
		for _, uid := range who {
			if slices.Contains(seeing, uid) {
				out[target{s.Kind, s.ID}] = append(out[target{s.Kind, s.ID}], uid)
			}
		}
	}
	return out, nil
}

// suggest returns who could be interested in the open proposal p, for
// the member uid looking: at most panelSize, best first, none already
// involved, only those p's scope reaches, those invited already marked.
func suggest(ctx context.Context, tx bun.IDB, p *Proposal, uid int64) ([]match.Suggestion, error) {
	users, orgs, invited, err := involved(ctx, tx, p)
	if err != nil {
		return nil, err
	}
	ss, err := ranked(ctx, tx, p, users, orgs)
	if err != nil {
		return nil, err
	}
	ss = slices.DeleteFunc(ss, func(s match.Suggestion) bool { return s.Kind == match.Person && s.ID == uid })
	if ss, err = match.Shown(ctx, tx, ss); err != nil {
		return nil, err
	}
	reached, err := recipients(ctx, tx, p.ID, ss)
	if err != nil {
		return nil, err
	}
	out := []match.Suggestion{}
	for _, s := range ss {
		t := target{s.Kind, s.ID}
		if len(reached[t]) > 0 && len(out) < panelSize {
			s.Invited = invited[t]
			out = append(out, s)
		}
	}
	return out, nil
}

// nonNil is l, empty rather than nil (an SQL array, not NULL).
func nonNil(l []int64) []int64 {
	if l == nil {
		return []int64{}
	}
	return l
}

// Invite tells the person or organisation (kind, id) of the open proposal
// pid, for its proposer or a facilitator (the member of ctx): a
// notification with the proposal's link, in their language, to the person
// or to each of the organisation's active referents whom the proposal's
// scope reaches. Each is invited once (ErrInvited after); someone the
// directory does not show is not found; nothing is written when refused.
func (m *Module) Invite(ctx context.Context, pid int64, kind string, id int64) error {
	return m.Act(ctx, pid, func(ctx context.Context, tx bun.Tx, p *Proposal, vw scope.Viewer, _ workflow.Guard) error {
		if !matches(ctx, p, vw.UserID) {
			return authz.ErrForbidden
		}
		if !p.Open() {
			return ErrNotOpenInvite
		}
		s, err := match.Candidate(ctx, tx, kind, id)
		if err != nil {
			return err
		}
		users, orgs, _, err := involved(ctx, tx, p)
		if err != nil {
			return err
		}
		if s.Kind == match.Person && (s.ID == vw.UserID || slices.Contains(users, s.ID)) || s.Kind == match.Organization && slices.Contains(orgs, s.ID) {
			return ErrInvolved
		}
		reached, err := recipients(ctx, tx, p.ID, []match.Suggestion{s})
		if err != nil {
			return err
		}
		to := reached[target{s.Kind, s.ID}]
		if len(to) == 0 {
			return ErrUnreached
		}
		return m.invite(ctx, tx, p, s, vw.UserID, to)
	})
}

// invite records the invitation of s to p by uid, unless there is one,
// and tells each of to.
func (m *Module) invite(ctx context.Context, tx bun.IDB, p *Proposal, s match.Suggestion, uid int64, to []int64) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO proposal_invitations (proposal_id, kind, target_id, invited_by) VALUES (?, ?, ?, ?)
		ON CONFLICT (proposal_id, kind, target_id) DO NOTHING`, p.ID, s.Kind, s.ID, uid)
	if err != nil {
		return fmt.Errorf("record invitation: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrInvited
	}
	message := "proposal.notify.invited"
	if s.Kind == match.Organization {
		message = "proposal.notify.invited_organization"
	}
	for _, r := range to {
		e := &notify.Event{ContentType: ContentType, ItemID: p.ID, Title: p.Title, URL: m.URL(p.ID), AuthorID: &uid}
		if err := notify.Tell(ctx, tx, e, r, message); err != nil {
			return err
		}
	}
	return nil
}

// matchList is the panel's list for the partial "match": the suggestions
// of proposal id with the buttons posting its invitations, in l's
// language with the page's CSRF token.
func matchList(l *i18n.Localizer, csrf string, id int64, ss []match.Suggestion) match.List {
	return match.List{L: l, CSRF: csrf, Invite: "/proposals/" + strconv.FormatInt(id, 10) + "/invite", Suggestions: ss}
}

// invitePost invites the person or organisation of the form (kind, id) to
// the proposal of the path; the answer replaces the button (htmx).
func (m *Module) invitePost(c *fiber.Ctx) error {
	pid := screen.ParamID(c, "id")
	id, _ := strconv.ParseInt(c.FormValue("id"), 10, 64)
	if err := m.Invite(c.UserContext(), pid, c.FormValue("kind"), id); err != nil {
		return err
	}
	return web.Done(c, m.URL(pid)+"?done=1#match", m.T(c, "proposal.invited"))
}
