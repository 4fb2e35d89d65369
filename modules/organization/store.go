package organization

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/directory"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/membership"
)

// The states of an organisation (validation is optional per tenant) and of
// a person's link to it.
const (
	ToValidate   = "to_validate"
	Validated    = "validated"
	NotValidated = "not_validated"

	RequestSent = membership.RequestSent
	Invited     = membership.Invited
	Active      = membership.Active
	Rejected    = membership.Rejected

	Referent = "referent"
	Employee = "employee"
)

// Errors of the module.
var (
	ErrNotFound     = platform.NewError(platform.ErrNotFound, "no such organisation")
	ErrVATTaken     = platform.NewKeyedError(platform.ErrConflict, "organization.error.vat_taken", "an organisation with this VAT number exists")
	ErrNothing      = platform.NewKeyedError(platform.ErrConflict, "organization.error.nothing", "nothing waits for this decision")
	ErrAlready      = platform.NewKeyedError(platform.ErrConflict, "organization.error.already", "already linked or waiting")
	ErrNoPerson     = platform.NewKeyedError(platform.ErrInvalid, "organization.error.person", "no member with this address")
	ErrLastReferent = platform.NewKeyedError(platform.ErrConflict, "organization.error.last_referent", "an organisation keeps one referent")
)

// people are the organisations' links to the people who work there, led by
// their referents.
var people = &membership.Spec{Table: "organization_members", Column: "organization_id", Groups: "organizations",
	Lead: Referent, Roles: []string{Referent, Employee},
	Errors: membership.Errors{Already: ErrAlready, Nothing: ErrNothing, LastLead: ErrLastReferent, NoLink: ErrNotFound, Choice: ErrNotFound},
	Inbox:  membership.Inbox{Path: "/organizations/%d", People: "people", Keys: "organization", ApproveRequest: "approve", Validate: "validate"}}

// Organization is an organisation with the viewer's own link to it.
type Organization struct {
	bun.BaseModel `bun:"table:organizations,alias:o"`

	ID                  int64     `bun:"id,pk,autoincrement"`
	Name                string    `bun:"name"`
	VATNumber           *string   `bun:"vat_number"`
	FiscalCode          *string   `bun:"fiscal_code"`
	LegalForm           string    `bun:"legal_form"`
	RegisteredOffice    string    `bun:"registered_office"`
	OperatingOffice     string    `bun:"operating_office"`
	LegalRepresentative string    `bun:"legal_representative"`
	Email               string    `bun:"email"`
	Phone               string    `bun:"phone"`
	Website             string    `bun:"website"`
	Description         string    `bun:"description"`
	Competencies        []string  `bun:"competencies,array"`
	Themes              []string  `bun:"themes,array"`
	State               string    `bun:"state"`
	CreatedBy           *int64    `bun:"created_by"`
	CreatedAt           time.Time `bun:"created_at,nullzero,default:now()"`
	UpdatedAt           time.Time `bun:"updated_at,nullzero,default:now()"`

	MyRole    string `bun:"my_role,scanonly"`
	MyState   string `bun:"my_state,scanonly"`
	Employees int    `bun:"employees,scanonly"`
	// ListKey is the organisation's place in the list (lower(name), as
	// the database lowers it).
	ListKey string `bun:"list_key,scanonly"`
}

// VAT is the VAT number, "" for none.
func (o *Organization) VAT() string {
	if o.VATNumber == nil {
		return ""
	}
	return *o.VATNumber
}

// Fiscal is the fiscal code, "" for none.
func (o *Organization) Fiscal() string {
	if o.FiscalCode == nil {
		return ""
	}
	return *o.FiscalCode
}

// Viewer is who looks at organisations.
type Viewer struct {
	UserID      int64
	Validation  bool
	Facilitator bool
}

// selectFor is the query of the organisations v sees, each with its count
// of people.
func selectFor(tx bun.IDB, v Viewer, dst any) *bun.SelectQuery {
	return selectWith(tx, v, dst, func(q *bun.SelectQuery) *bun.SelectQuery { return people.Mine(q, "o", "employees", v.UserID) })
}

// selectWith is the query of the organisations v sees, with v's own link
// added by mine (people.Mine or people.Own).
func selectWith(tx bun.IDB, v Viewer, dst any, mine func(*bun.SelectQuery) *bun.SelectQuery) *bun.SelectQuery {
	q := tx.NewSelect().Model(dst).ColumnExpr(`o.id, o.name, o.vat_number, o.fiscal_code, o.legal_form, o.registered_office, o.operating_office,
		o.legal_representative, o.email, o.phone, o.website, o.description, o.competencies, o.themes, o.state, o.created_by, o.created_at, o.updated_at`).
		Apply(mine)
	if !v.Facilitator {
		q = q.Where(visibleSQL, v.UserID)
	}
	return q
}

// visibleSQL: unvalidated organisations are seen by their own people only
// (mm is the viewer's link).
const visibleSQL = "(o.state = 'validated' OR o.created_by = ? OR mm.state = 'active')"

// Filter narrows the directory.
type Filter struct{ Query, Theme, State string }

// list is the list's name for its cursors; order is its order: by name,
// then by id.
const list = "organizations"

var order = keyset.Order{Key: "lower(o.name)", ID: "o.id", Text: true}

// List returns a page of the organisations v may see matching f, by name:
// at most size after cur, each with its count of people (one grouped query
// for the page), and the cursor of the next page ("" for none).
func List(ctx context.Context, tx bun.IDB, v Viewer, f Filter, cur keyset.Cursor, size int) ([]Organization, string, error) {
	os, err := directory.All(ctx, func(os *[]Organization) *bun.SelectQuery {
		own := func(q *bun.SelectQuery) *bun.SelectQuery {
			return people.Own(q, "o", v.UserID).ColumnExpr(order.Key + " AS list_key")
		}
		return filtered(order.Page(selectWith(tx, v, os, own), cur, size), v, f)
	}, "list organisations")
	if err != nil {
		return nil, "", err
	}
	os, next := keyset.Cut(os, size, list, func(o *Organization) keyset.Cursor { return keyset.Cursor{Text: o.ListKey, ID: o.ID} })
	ids := make([]int64, len(os))
	for i := range os {
		ids[i] = os[i].ID
	}
	n, err := people.Counts(ctx, tx, ids)
	for i := range os {
		os[i].Employees = n[os[i].ID]
	}
	return os, next, err
}

// filtered narrows q to the organisations matching f (the state only for
// facilitators, who see every state).
func filtered(q *bun.SelectQuery, v Viewer, f Filter) *bun.SelectQuery {
	q = directory.Theme(q, "o.themes", f.Theme)
	if f.Query != "" {
		like := "%" + strings.ToLower(f.Query) + "%"
		q = q.Where("(lower(o.name) LIKE ? OR o.vat_number = ? OR EXISTS (SELECT 1 FROM unnest(o.competencies) AS k WHERE lower(k) LIKE ?))", like, f.Query, like)
	}
	if f.State != "" && v.Facilitator {
		q = q.Where("o.state = ?", f.State)
	}
	return q
}

// Get returns an organisation v may see.
func Get(ctx context.Context, tx bun.IDB, v Viewer, id int64) (*Organization, error) {
	return directory.One(ctx, func(o *Organization) *bun.SelectQuery { return selectFor(tx, v, o).Where("o.id = ?", id) },
		ErrNotFound, "get organisation")
}

// insert records an organisation with its creator as referent.
func insert(ctx context.Context, tx bun.IDB, o *Organization, creator int64) error {
	if _, err := tx.NewInsert().Model(o).Returning("id").Exec(ctx); err != nil {
		return mapUnique(err)
	}
	return people.Put(ctx, tx, o.ID, creator, Referent, Active, 0)
}

func update(ctx context.Context, tx bun.IDB, o *Organization) error {
	_, err := tx.NewUpdate().Model(o).
		Column("name", "vat_number", "fiscal_code", "legal_form", "registered_office", "operating_office",
			"legal_representative", "email", "phone", "website", "description", "competencies", "themes").
		Set("updated_at = now()").WherePK().Exec(ctx)
	return mapUnique(err)
}

func mapUnique(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return ErrVATTaken
	}
	if err != nil {
		return fmt.Errorf("save organisation: %w", err)
	}
	return nil
}

// Person is someone linked to an organisation.
type Person struct {
	bun.BaseModel `bun:"table:organization_members,alias:m"`

	OrganizationID int64      `bun:"organization_id,pk"`
	UserID         int64      `bun:"user_id,pk"`
	Role           string     `bun:"role"`
	State          string     `bun:"state"`
	CreatedAt      time.Time  `bun:"created_at,nullzero,default:now()"`
	DecidedAt      *time.Time `bun:"decided_at"`
	Name           string     `bun:"name,scanonly"`
	// ListKey is the person's place in a page of a list (membership.Page).
	ListKey string `bun:"list_key,scanonly"`
}

// PeoplePage returns page l of organisation id's list of people (those
// linked, the requests or the invitations), at most size, and the next
// page's cursor.
func PeoplePage(ctx context.Context, tx bun.IDB, id int64, l membership.List, size int) ([]Person, string, error) {
	return membership.Page(ctx, people, id, l, size, func(ps *[]Person) *bun.SelectQuery {
		return tx.NewSelect().Model(ps).ColumnExpr("m.*")
	}, func(p *Person) (string, string, int64) { return p.Role, p.ListKey, p.UserID })
}

// WorksForAll reports whether uid is linked (active) to every organisation
// of ids, as a publication scope requires.
func WorksForAll(ctx context.Context, tx bun.IDB, uid int64, ids []int64) (bool, error) {
	n, err := tx.NewSelect().Table("organization_members").
		Where("user_id = ? AND state = 'active' AND organization_id IN (?)", uid, bun.List(ids)).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("check organisations: %w", err)
	}
	return n == int64(len(ids)), nil
}

// NamesSQL is the SQL of the array of the names of the organisations the
// user whose id is the SQL user works for, by name, for other modules'
// queries.
func NamesSQL(user string) string {
	return `ARRAY(SELECT o.name FROM organization_members AS om JOIN organizations AS o ON o.id = om.organization_id
			WHERE om.user_id = ` + user + ` AND om.state = 'active' ORDER BY o.name)`
}

// Linked lists the validated organisations uid works for (id and name),
// to offer as a publication scope.
func Linked(ctx context.Context, tx bun.IDB, uid int64) ([]Organization, error) {
	var os []Organization
	err := tx.NewSelect().Model(&os).Column("o.id", "o.name").
		Join("JOIN organization_members AS m ON m.organization_id = o.id AND m.user_id = ? AND m.state = 'active'", uid).
		OrderExpr("lower(o.name)").Scan(ctx)
	return os, err
}
