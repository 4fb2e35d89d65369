package exchange

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/organization"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

type showView struct {
	web.Page
	Item *Snapshot
	// Sent is the member's expression of interest, once sent (nil: none),
	// Replies the evaluations of it delivered to them, the newest first.
	Sent    *Letter
	Replies []Reply
	// Organizations are the member's, for the form.
	Organizations []organization.Organization
	// Offer and OrganizationID are the form's values, Error its problem.
	Offer          string
	OrganizationID int64
	Error          string
	Message        string
}

// showPage is an opportunity's page: its snapshot, naming its tenant, and
// the member's expression of interest or its form.
func (m *Module) showPage(c *fiber.Ctx) error {
	v, err := m.show(c)
	if err != nil {
		return err
	}
	if c.Query("sent") == "1" && v.Sent != nil {
		v.Message = m.T(c, "exchange.interest.sent_now")
	}
	return m.Render(c, fiber.StatusOK, "show.html", v)
}

// show reads an opportunity's page for the member of the request.
func (m *Module) show(c *fiber.Ctx) (*showView, error) {
	ctx := c.UserContext()
	t, u := tenant.FromContext(ctx), auth.UserFromContext(ctx)
	s, err := get(ctx, m.DB, t.ID, screen.ParamID(c, "id"))
	if err != nil {
		return nil, err
	}
	v := &showView{Page: m.Page(c), Item: s}
	if v.Sent, err = sent(ctx, m.DB, s, t.ID, u.ID); err != nil {
		return v, err
	}
	if v.Sent != nil {
		v.Replies, err = replies(ctx, m.DB, v.Sent)
		return v, err
	}
	err = m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		v.Organizations, err = organization.Linked(ctx, tx, u.ID)
		return err
	})
	return v, err
}

// interestPost sends the member's expression of interest to the
// opportunity's tenant: their name, the organisation they chose among
// theirs, their tenant's name and their offer go to the mailbox; nothing
// else of theirs.
func (m *Module) interestPost(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v, err := m.show(c)
	if err != nil {
		return err
	}
	if v.Sent != nil {
		return redirect.To(c, "/exchange/"+strconv.FormatInt(v.Item.ID, 10))
	}
	v.Offer = strings.TrimSpace(c.FormValue("offer"))
	v.OrganizationID, _ = strconv.ParseInt(c.FormValue("organization_id"), 10, 64)
	var org string
	for _, o := range v.Organizations {
		if o.ID == v.OrganizationID {
			org = o.Name
		}
	}
	switch n := len([]rune(v.Offer)); {
	case n < 1 || n > 4000:
		v.Error = m.T(c, "exchange.error.offer")
	case v.OrganizationID != 0 && org == "":
		v.Error = m.T(c, "exchange.error.organization")
	}
	if v.Error != "" {
		return m.Render(c, fiber.StatusUnprocessableEntity, "show.html", v)
	}
	t, u := tenant.FromContext(ctx), auth.UserFromContext(ctx)
	l := &Letter{SnapshotID: &v.Item.ID, ToTenantID: v.Item.TenantID, ItemType: v.Item.ItemType, ItemID: v.Item.ItemID,
		ItemTitle: v.Item.Title, FromTenantID: t.ID, FromUserID: u.ID, FromTenant: clip(t.Name, 200),
		Respondent: clip(nameOf(u), 200), Organization: clip(org, 300), Message: v.Offer}
	if err := m.post(ctx, l); err != nil && err != ErrAlready {
		return err
	}
	return redirect.To(c, "/exchange/"+strconv.FormatInt(v.Item.ID, 10)+"?sent=1")
}

// nameOf is the name a member shows: their display name, else given and
// family name, else the local part of their address (never the whole
// address).
func nameOf(u *auth.User) string {
	if n := strings.TrimSpace(u.DisplayName); n != "" {
		return n
	}
	if n := strings.TrimSpace(u.GivenName + " " + u.FamilyName); n != "" {
		return n
	}
	name, _, _ := strings.Cut(u.Email, "@")
	return name
}
