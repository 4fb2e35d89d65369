package membership

import (
	"context"
	"slices"

	"github.com/uptrace/bun"
)

// What a request to join or an invitation came to.
const (
	// Accepted: a waiting invitation (or request) was answered; the person is in.
	Accepted = "accepted"
	// Joined: the person is in at once (an open group).
	Joined = "joined"
	// Requested: the request waits for those who lead.
	Requested = "requested"
	// Sent: the invitation waits for the person's answer.
	Sent = "invited"
)

// Join is uid asking to join gid with role: an invitation waiting for them
// is accepted; an open group takes them at once; otherwise the request
// waits. A link other than a rejected request is Already.
func (s *Spec) Join(ctx context.Context, tx bun.IDB, gid, uid int64, role string, open bool) (string, error) {
	cur, err := s.Get(ctx, tx, gid, uid)
	if err != nil {
		return "", err
	}
	switch {
	case cur != nil && cur.State == Invited:
		return Accepted, s.decided(ctx, tx, gid, uid, Active)
	case cur != nil && cur.State != Rejected:
		return "", s.Already
	case open:
		return Joined, s.Put(ctx, tx, gid, uid, role, Active, 0)
	}
	return Requested, s.Put(ctx, tx, gid, uid, role, RequestSent, 0)
}

// Invite is by inviting uid to gid with role: a request of theirs waiting
// is approved instead. A member, or one invited already unless the spec
// reinvites, is Already.
func (s *Spec) Invite(ctx context.Context, tx bun.IDB, gid, uid int64, role string, by int64) (string, error) {
	cur, err := s.Get(ctx, tx, gid, uid)
	if err != nil {
		return "", err
	}
	switch {
	case cur != nil && cur.State == RequestSent:
		return Accepted, s.decided(ctx, tx, gid, uid, Active)
	case cur != nil && (cur.State == Active || (cur.State == Invited && !s.Reinvite)):
		return "", s.Already
	}
	return Sent, s.Put(ctx, tx, gid, uid, role, Invited, by)
}

// Answer is uid's answer to their invitation to gid: accepted, they are
// in; declined, the invitation goes. Nothing when none waits.
func (s *Spec) Answer(ctx context.Context, tx bun.IDB, gid, uid int64, accept bool) error {
	cur, err := s.Get(ctx, tx, gid, uid)
	if err != nil {
		return err
	}
	if cur == nil || cur.State != Invited {
		return s.Nothing
	}
	if accept {
		return s.decided(ctx, tx, gid, uid, Active)
	}
	return s.Remove(ctx, tx, gid, uid)
}

// Leave ends uid's link to gid (or their request), unless they are its
// last leader.
func (s *Spec) Leave(ctx context.Context, tx bun.IDB, gid, uid int64) error {
	cur, err := s.Get(ctx, tx, gid, uid)
	if err != nil || cur == nil {
		return err
	}
	if err := s.keepALead(ctx, tx, gid, cur); err != nil {
		return err
	}
	return s.Remove(ctx, tx, gid, uid)
}

// The decisions of those who lead on a person.
const (
	Approve = "approve"
	Reject  = "reject"
	Drop    = "remove"
)

// Decide is a leader's decision on uid's link to gid: Approve or Reject
// their request, Drop them (never the last leader). NoLink when they have
// none, Nothing when no request waits, NoLink for an unknown decision.
func (s *Spec) Decide(ctx context.Context, tx bun.IDB, gid, uid int64, decision string) error {
	cur, err := s.Get(ctx, tx, gid, uid)
	if err != nil {
		return err
	}
	if cur == nil {
		return s.NoLink
	}
	switch decision {
	case Approve, Reject:
		if cur.State != RequestSent {
			return s.Nothing
		}
		if decision == Reject {
			return s.decided(ctx, tx, gid, uid, Rejected)
		}
		return s.decided(ctx, tx, gid, uid, Active)
	case Drop:
		if err := s.keepALead(ctx, tx, gid, cur); err != nil {
			return err
		}
		return s.Remove(ctx, tx, gid, uid)
	}
	return s.NoLink
}

// SetRole gives uid role (one of the spec's Roles) in gid; the last leader
// keeps leading.
func (s *Spec) SetRole(ctx context.Context, tx bun.IDB, gid, uid int64, role string) error {
	cur, err := s.Get(ctx, tx, gid, uid)
	if err != nil {
		return err
	}
	if cur == nil {
		return s.NoLink
	}
	if !slices.Contains(s.Roles, role) {
		return s.Choice
	}
	if role != s.Lead {
		if err := s.keepALead(ctx, tx, gid, cur); err != nil {
			return err
		}
	}
	return s.Set(ctx, tx, gid, uid, "role = ?", role)
}
