package proposal

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/workflow"
)

// ErrNoRelevant is a work group asked for with no relevant respondent to
// put in it.
var ErrNoRelevant = platform.NewKeyedError(platform.ErrConflict, "proposal.error.no_relevant",
	"no respondent has been judged relevant yet")

// relevantSQL lists the respondents of proposal ? judged relevant; no
// other respondent ever enters the work group (nor one from another
// administration, who has no account here).
const relevantSQL = "SELECT author_id FROM proposal_interests WHERE proposal_id = ? AND state = 'relevant' AND author_id IS NOT NULL ORDER BY id"

// WorkGroup makes the work group of proposal id for its proposer, the
// member of ctx: a closed community they manage, whose participants are
// the respondents judged relevant, linked with the proposal both ways
// (proposals.work_group_id, and the community's page asks CommunityOrigin);
// once it exists, it adds the respondents judged relevant since. It says
// how many it added.
func (m *Module) WorkGroup(ctx context.Context, id int64) (added int, err error) {
	err = m.Act(ctx, id, func(ctx context.Context, tx bun.Tx, p *Proposal, vw scope.Viewer, _ workflow.Guard) error {
		if p.Author() != vw.UserID || (p.State != workflow.Published && p.State != Closed) {
			return authz.ErrForbidden
		}
		var relevant []int64
		if err := tx.NewRaw(relevantSQL, p.ID).Scan(ctx, &relevant); err != nil {
			return fmt.Errorf("relevant respondents: %w", err)
		}
		if len(relevant) == 0 {
			return ErrNoRelevant
		}
		if p.WorkGroupID != nil {
			added, err = community.AddParticipants(ctx, tx, *p.WorkGroupID, relevant, vw.UserID)
			return err
		}
		g := &community.Community{Name: cut(p.Title, 120), Description: p.Summary, Themes: p.Topics}
		if err := community.CreateGroup(ctx, tx, g, vw.UserID, relevant); err != nil {
			return err
		}
		added = len(relevant)
		_, err := tx.NewUpdate().Table("proposals").Set("work_group_id = ?", g.ID).Where("id = ?", p.ID).Exec(ctx)
		return err
	})
	return added, err
}

// cut is s cut to at most n characters.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// workGroup makes or completes the work group, and goes back to the
// proposal's management area.
func (m *Module) workGroup(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	if _, err := m.WorkGroup(c.UserContext(), id); err != nil {
		return err
	}
	return redirect.To(c, m.URL(id)+"?done=work_group#manage")
}
