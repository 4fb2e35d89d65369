package membership_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/membership"
	"github.com/piazza-pa/piazza/tenant/tenanttest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

var (
	errAlready = errors.New("already")
	errNothing = errors.New("nothing")
	errLast    = errors.New("last lead")
	errNoLink  = errors.New("no link")
	errChoice  = errors.New("choice")
)

// spec is a community-like group: managers lead, invitations may be sent again.
var spec = &membership.Spec{Table: "community_members", Column: "community_id", Groups: "communities",
	Lead: "manager", Roles: []string{"manager", "participant"}, Inviter: true, Reinvite: true, Live: "g.state = 'active'",
	Errors: membership.Errors{Already: errAlready, Nothing: errNothing, LastLead: errLast, NoLink: errNoLink, Choice: errChoice},
	Inbox:  membership.Inbox{Path: "/communities/%d", People: "members", Keys: "community", ApproveRequest: "approve_request", Validate: "approve"}}

// TestDecisions: each step, from the links the group has, comes to the
// outcome, the error and the state of user 2's link its row says.
func TestDecisions(t *testing.T) {
	ctx := context.Background()
	ts := tenanttest.One(t)
	d, tn := ts, ts.Tenant
	in := func(fn func(ctx context.Context, tx bun.Tx) error) error {
		return db.InTenant(ctx, d.DB, tn.Scope(), fn)
	}
	if err := in(func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (email) SELECT 'u' || i || '@a.example' FROM generate_series(1, 3) AS i;
			INSERT INTO communities (name, kind) VALUES ('uno', 'reserved')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	join := func(open bool) func(ctx context.Context, tx bun.Tx) (string, error) {
		return func(ctx context.Context, tx bun.Tx) (string, error) {
			return spec.Join(ctx, tx, 1, 2, "participant", open)
		}
	}
	invite := func(ctx context.Context, tx bun.Tx) (string, error) {
		return spec.Invite(ctx, tx, 1, 2, "participant", 1)
	}
	do := func(f func(ctx context.Context, tx bun.Tx) error) func(ctx context.Context, tx bun.Tx) (string, error) {
		return func(ctx context.Context, tx bun.Tx) (string, error) { return "", f(ctx, tx) }
	}
	decide := func(what string) func(ctx context.Context, tx bun.Tx) (string, error) {
		return do(func(ctx context.Context, tx bun.Tx) error { return spec.Decide(ctx, tx, 1, 2, what) })
	}
	steps := []struct {
		name    string
		links   string // the group's links before the step
		step    func(ctx context.Context, tx bun.Tx) (string, error)
		outcome string
		err     error
		state   string // user 2's link after it ("" for none)
	}{
		{"a request waits", "", join(false), membership.Requested, nil, membership.RequestSent},
		{"an open group takes them", "", join(true), membership.Joined, nil, membership.Active},
		{"asking twice", "(1, 2, 'participant', 'request_sent')", join(false), "", errAlready, membership.RequestSent},
		{"joining accepts an invitation", "(1, 2, 'participant', 'invited')", join(false), membership.Accepted, nil, membership.Active},
		{"asking again after a refusal", "(1, 2, 'participant', 'rejected')", join(false), membership.Requested, nil, membership.RequestSent},
		{"an invitation answers a request", "(1, 2, 'participant', 'request_sent')", invite, membership.Accepted, nil, membership.Active},
		{"inviting a member", "(1, 2, 'participant', 'active')", invite, "", errAlready, membership.Active},
		{"inviting again", "(1, 2, 'participant', 'invited')", invite, membership.Sent, nil, membership.Invited},
		{"approving", "(1, 2, 'participant', 'request_sent')", decide(membership.Approve), "", nil, membership.Active},
		{"rejecting", "(1, 2, 'participant', 'request_sent')", decide(membership.Reject), "", nil, membership.Rejected},
		{"approving no request", "(1, 2, 'participant', 'invited')", decide(membership.Approve), "", errNothing, membership.Invited},
		{"deciding on nobody", "", decide(membership.Drop), "", errNoLink, ""},
		{"the last manager stays", "(1, 2, 'manager', 'active')", decide(membership.Drop), "", errLast, membership.Active},
		{"a manager of two goes", "(1, 2, 'manager', 'active'), (1, 3, 'manager', 'active')", decide(membership.Drop), "", nil, ""},
		{"the last manager keeps leading", "(1, 2, 'manager', 'active')",
			do(func(ctx context.Context, tx bun.Tx) error { return spec.SetRole(ctx, tx, 1, 2, "participant") }), "", errLast, membership.Active},
		{"a role not offered", "(1, 2, 'participant', 'active')",
			do(func(ctx context.Context, tx bun.Tx) error { return spec.SetRole(ctx, tx, 1, 2, "owner") }), "", errChoice, membership.Active},
		{"declining", "(1, 2, 'participant', 'invited')",
			do(func(ctx context.Context, tx bun.Tx) error { return spec.Answer(ctx, tx, 1, 2, false) }), "", nil, ""},
		{"answering no invitation", "(1, 2, 'participant', 'request_sent')",
			do(func(ctx context.Context, tx bun.Tx) error { return spec.Answer(ctx, tx, 1, 2, true) }), "", errNothing, membership.RequestSent},
		{"the last manager cannot leave", "(1, 2, 'manager', 'active')",
			do(func(ctx context.Context, tx bun.Tx) error { return spec.Leave(ctx, tx, 1, 2) }), "", errLast, membership.Active},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			var outcome, state string
			var stepErr error
			err := in(func(ctx context.Context, tx bun.Tx) error {
				if _, err := tx.ExecContext(ctx, "DELETE FROM community_members"); err != nil {
					return err
				}
				if s.links != "" {
					if _, err := tx.ExecContext(ctx, "INSERT INTO community_members (community_id, user_id, role, state) VALUES "+s.links); err != nil {
						return err
					}
				}
				outcome, stepErr = s.step(ctx, tx)
				l, err := spec.Get(ctx, tx, 1, 2)
				if l != nil {
					state = l.State
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if outcome != s.outcome || !errors.Is(stepErr, s.err) || state != s.state {
				t.Errorf("outcome %q, error %v, state %q; want %q, %v, %q", outcome, stepErr, state, s.outcome, s.err, s.state)
			}
		})
	}
}

// TestTasks: a manager sees the requests to their group with its answers,
// the invited their invitation, and the validation condition adds groups.
func TestTasks(t *testing.T) {
	ctx := context.Background()
	ts := tenanttest.One(t)
	d, tn := ts, ts.Tenant
	var err error
	err = db.InTenant(ctx, d.DB, tn.Scope(), func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (email, display_name) SELECT 'u' || i || '@a.example', 'U' || i FROM generate_series(1, 3) AS i;
			INSERT INTO communities (name, kind, state) VALUES ('uno', 'reserved', 'active'), ('due', 'open', 'to_validate');
			INSERT INTO community_members (community_id, user_id, role, state) VALUES
				(1, 1, 'manager', 'active'), (1, 2, 'participant', 'request_sent'), (1, 3, 'participant', 'invited')`); err != nil {
			return err
		}
		for _, c := range []struct {
			uid      int64
			validate string
			want     []string
		}{
			{1, "", []string{"community.task.request U2 /communities/1/members/2/approve community.approve_request"}},
			{3, "", []string{"community.task.invitation  /communities/1/accept community.accept"}},
			{2, "g.state = 'to_validate'", []string{"community.task.validation  /communities/2/approve community.approve"}},
		} {
			ts, err := spec.Tasks(ctx, tx, c.uid, 10, c.validate)
			if err != nil {
				return err
			}
			var got []string
			for _, x := range ts {
				got = append(got, x.Label+" "+x.Detail+" "+x.Actions[0].URL+" "+x.Actions[0].Label)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("tasks of %d: %q, want %q", c.uid, got, c.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
