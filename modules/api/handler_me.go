package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/modules/proposal"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/screen"
)

// Me is the token's member as they see themselves: their own e-mail
// address is in it, and only ever shown to them.
type Me struct {
	ID            int64    `json:"id"`
	Name          string   `json:"name"`
	Email         string   `json:"email"`
	Locale        string   `json:"locale"`
	Bio           string   `json:"bio"`
	Competencies  []string `json:"competencies"`
	Themes        []string `json:"themes"`
	Organizations []string `json:"organizations"`
	State         string   `json:"state"`
	Profile       string   `json:"url"`
}

// me answers the token's member's own profile (the profiles module's Own).
func (m *Module) me(c *fiber.Ctx) error {
	u := member(c)
	if u == nil {
		return m.fail(c, errTokenNeeded)
	}
	if m.profiles == nil {
		return m.fail(c, errNotFound)
	}
	p, _, _, err := m.profiles.Own(c.UserContext())
	if err != nil {
		return m.answer(c, err)
	}
	return c.JSON(Me{ID: u.ID, Name: p.Name, Email: p.Email, Locale: p.Locale, Bio: p.Bio, Competencies: list(p.Competencies),
		Themes: list(p.Themes), Organizations: list(p.Organizations), State: p.State,
		Profile: m.link(c, "/people/"+strconv.FormatInt(u.ID, 10))})
}

// Interest is one of the member's own expressions of interest, in a
// proposal or a partnership profile.
type Interest struct {
	ID           int64     `json:"id"`
	Type         string    `json:"type"`
	ItemID       int64     `json:"item_id"`
	ItemTitle    string    `json:"item_title"`
	State        string    `json:"state"`
	Text         string    `json:"text"`
	Role         string    `json:"role,omitempty"`
	Note         string    `json:"note,omitempty"`
	Organization string    `json:"organization"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	URL          string    `json:"url"`
}

// myInterests answers the member's own expressions of interest: in
// proposals, then in partnership profiles (of the modules the tenant
// offers), each newest first.
func (m *Module) myInterests(c *fiber.Ctx) error {
	if member(c) == nil {
		return m.fail(c, errTokenNeeded)
	}
	ctx := c.UserContext()
	out := []Interest{}
	if m.proposals != nil && offers(ctx, m.proposals.Key) {
		is, err := m.proposals.OwnInterests(ctx)
		if err != nil {
			return m.answer(c, err)
		}
		for _, i := range is {
			out = append(out, m.proposalInterest(c, i))
		}
	}
	if m.partnerships != nil && offers(ctx, m.partnerships.Key) {
		is, err := m.partnerships.OwnInterests(ctx)
		if err != nil {
			return m.answer(c, err)
		}
		for _, i := range is {
			out = append(out, Interest{ID: i.ID, Type: "partnership", ItemID: i.ProfileID, ItemTitle: i.ProfileTitle, State: i.State,
				Text: i.Message, Organization: i.OrganizationName, CreatedAt: i.CreatedAt, UpdatedAt: i.UpdatedAt, URL: m.link(c, i.URL())})
		}
	}
	return c.JSON(fiber.Map{"data": out})
}

// newInterest is the body of a new expression of interest.
type newInterest struct {
	Offer          *string `json:"offer"`
	Role           *string `json:"role"`
	OrganizationID *int64  `json:"organization_id"`
}

// interestCreate submits the token's member's expression of interest in
// the proposal of the path, through the proposals' own service (the rules
// of the page's form: a proposal the member sees, open, not theirs, one
// expression each; the proposer is told). It needs a token that writes.
func (m *Module) interestCreate(c *fiber.Ctx) error {
	if member(c) == nil {
		return m.fail(c, errTokenNeeded)
	}
	if !writes(c) {
		return m.fail(c, errReadOnly)
	}
	ctx := c.UserContext()
	id := screen.ParamID(c, "id")
	if m.proposals == nil || !offers(ctx, m.proposals.Key) || id <= 0 {
		return m.fail(c, errNotFound)
	}
	in, p := readInterest(c.Body())
	if p != nil {
		return m.fail(c, p)
	}
	i := &proposal.Interest{ProposalID: id, Offer: strings.TrimSpace(*in.Offer), OrganizationID: in.OrganizationID}
	if in.Role != nil {
		i.Role = strings.TrimSpace(*in.Role)
	}
	if err := m.proposals.Respond(ctx, i, form.Errors{}, "submit"); err != nil {
		return m.answer(c, err)
	}
	// Read back as /me/interests shows it (its proposal, organisation and
	// state as stored).
	is, err := m.proposals.OwnInterests(ctx)
	if err != nil {
		return m.answer(c, err)
	}
	for _, got := range is {
		if got.ID == i.ID {
			return c.Status(fiber.StatusCreated).JSON(m.proposalInterest(c, got))
		}
	}
	return m.answer(c, fmt.Errorf("expression of interest %d not read back", i.ID))
}

// proposalInterest is i as the API shows it.
func (m *Module) proposalInterest(c *fiber.Ctx, i proposal.Interest) Interest {
	return Interest{ID: i.ID, Type: "proposal", ItemID: i.ProposalID, ItemTitle: i.ProposalTitle, State: i.State, Text: i.Offer,
		Role: i.Role, Note: i.Note, Organization: i.OrganizationName, CreatedAt: i.CreatedAt, UpdatedAt: i.UpdatedAt, URL: m.link(c, i.URL())}
}

// readInterest reads the body: a JSON object with offer (required), role
// and organization_id; text that PostgreSQL cannot keep (a NUL) or that is
// not UTF-8 is refused with its field, as is an unknown field.
func readInterest(body []byte) (newInterest, *Problem) {
	var in newInterest
	if !utf8.Valid(body) {
		return in, invalid("body")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || dec.More() {
		return in, invalid("body")
	}
	if in.Offer == nil {
		return in, &Problem{Status: fiber.StatusBadRequest, Code: "invalid", Field: "offer", Key: "proposal.error.interest_offer"}
	}
	if strings.ContainsRune(*in.Offer, 0) {
		return in, invalid("offer")
	}
	if in.Role != nil && strings.ContainsRune(*in.Role, 0) {
		return in, invalid("role")
	}
	if in.OrganizationID != nil && *in.OrganizationID <= 0 {
		return in, &Problem{Status: fiber.StatusBadRequest, Code: "invalid", Field: "organization_id", Key: "proposal.error.organization"}
	}
	return in, nil
}
