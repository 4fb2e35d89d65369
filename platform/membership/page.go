package membership

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/site"
)

// PageSize is how many people a page of a group's list shows.
const PageSize = 50

// States are the lists of a group's people a page offers: its members
// (to whoever sees them), and its requests and invitations (to those
// who lead it).
var States = []string{Active, RequestSent, Invited}

// List is one page of one of a group's lists of people: the people in
// State whose name holds Who (any case), after the cursor After.
type List struct {
	// Name is the list's name for its cursors: the site, the group and
	// the state, so that a cursor of another list names no page of it.
	Name  string
	State string
	Who   string
	After keyset.Cursor
	// Asked: the address asked for more than the first page of the
	// members (another list, a filter or a cursor).
	Asked bool
}

// order is how a list is ordered within the leaders and within the others:
// by the name shown, as lowered, then id — the order of users_name_order_idx,
// which serves each page's start.
var order = keyset.Order{Key: "lower(" + auth.NameSQL("u") + ")", ID: "u.id", Text: true}

// A cursor's text starts with the part of the list it points into.
const (
	leaders = "l"
	others  = "o"
)

// Open reads which list of group gid an address asks for: its state
// (Active when none), a filter by name and the cursor after (""
// for the first page). A state that is not a list, or a cursor that no
// page of this list wrote, is keyset.ErrCursor (404).
func (s *Spec) Open(ctx context.Context, gid int64, state, who, after string) (List, error) {
	l := List{State: state, Who: strings.TrimSpace(who), Asked: state != "" || after != "" || strings.TrimSpace(who) != ""}
	if l.State == "" {
		l.State = Active
	}
	if !slices.Contains(States, l.State) || utf8.RuneCountInString(l.Who) > 100 {
		return l, keyset.ErrCursor
	}
	var sid int64
	if st := site.FromContext(ctx); st != nil {
		sid = st.ID
	}
	l.Name = fmt.Sprintf("%s/%d/%d/%s", s.Table, sid, gid, l.State)
	var err error
	if l.After, err = keyset.Decode(l.Name, after); err != nil {
		return l, err
	}
	if l.After.Set && !strings.HasPrefix(l.After.Text, leaders) && !strings.HasPrefix(l.After.Text, others) {
		return l, keyset.ErrCursor
	}
	return l, nil
}

// Page reads a page of list l of group gid, at most size rows of what sel
// selects (a select of T over the links aliased m, to which Page joins the
// users aliased u and adds the columns name and list_key): those who lead
// first, then the others, each part by name and id and read by one query
// through its index (the leaders' links, or the users' names probing the
// links' key). at is a row's role, list_key and person. It returns the
// page and the cursor of the next one ("" for none).
func Page[T any](ctx context.Context, s *Spec, gid int64, l List, size int, sel func(*[]T) *bun.SelectQuery, at func(*T) (role, key string, id int64)) ([]T, string, error) {
	var rows []T
	read := func(lead bool, cur keyset.Cursor) error {
		var got []T
		if cur.Set {
			cur.Text = cur.Text[1:] // the key, without the part
		}
		if err := s.part(sel(&got), gid, l, lead, cur, size-len(rows)).Scan(ctx); err != nil {
			return fmt.Errorf("%s people: %w", s.Groups, err)
		}
		rows = append(rows, got...)
		return nil
	}
	if !l.After.Set || strings.HasPrefix(l.After.Text, leaders) {
		if err := read(true, l.After); err != nil {
			return nil, "", err
		}
		l.After = keyset.Cursor{} // the others from their first
	}
	if len(rows) <= size {
		if err := read(false, l.After); err != nil {
			return nil, "", err
		}
	}
	rows, next := keyset.Cut(rows, size, l.Name, func(r *T) keyset.Cursor {
		role, key, id := at(r)
		if role == s.Lead {
			return keyset.Cursor{Text: leaders + key, ID: id}
		}
		return keyset.Cursor{Text: others + key, ID: id}
	})
	return rows, next, nil
}

// part narrows q to the leaders of l (lead) or the others, after cur, at
// most size and one more.
func (s *Spec) part(q *bun.SelectQuery, gid int64, l List, lead bool, cur keyset.Cursor, size int) *bun.SelectQuery {
	q = q.ColumnExpr(auth.NameSQL("u")+" AS name").ColumnExpr(order.Key+" AS list_key").
		Join("JOIN users AS u ON u.id = m.user_id").
		Where("m.? = ? AND m.state = ?", bun.Ident(s.Column), gid, l.State)
	if lead {
		q = q.Where("m.role = ?", s.Lead)
	} else {
		q = q.Where("m.role <> ?", s.Lead)
	}
	if l.Who != "" {
		q = q.Where("strpos("+order.Key+", lower(?)) > 0", l.Who)
	}
	return order.Page(q, cur, size)
}

// Keep is what the links to a list's other pages keep of the address:
// the state when not the members, and the filter.
func (l List) Keep() url.Values {
	keep := url.Values{"who": {l.Who}}
	if l.State != Active {
		keep.Set("state", l.State)
	}
	return keep
}

// tabs are the lists a group's page shows again after a decision on its
// people, by the decision's flash.
var tabs = map[string]string{"invited": Invited, "approved": RequestSent, "rejected": RequestSent}

// Back is the address of the group's page path after an action with flash
// ("" for none): after an invitation the invitations, after a decision
// on a request the requests, so that the manager sees the next one.
func Back(path, flash string) string {
	q := url.Values{}
	if s := tabs[flash]; s != "" {
		q.Set("state", s)
	}
	if flash != "" {
		q.Set("done", flash)
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}
