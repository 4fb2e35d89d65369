package project

import (
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
)

// The statuses of a project, in the order forms offer them.
var Statuses = []string{"planned", "running", "suspended", "closed"}

// The roles of a project's people, in the order forms offer them.
const (
	Manager     = "manager"
	Referent    = "referent"
	Participant = "participant"
	Observer    = "observer"
)

// Roles are the roles a manager gives.
var Roles = []string{Manager, Referent, Participant, Observer}

// The statuses of a task, in the order forms offer them.
var TaskStatuses = []string{"todo", "in_progress", "done", "on_hold"}

// Done is the status of a finished task.
const Done = "done"

// Errors of the module.
var (
	// ErrNotFound is a project (or an item of one) that does not exist or
	// that the viewer is not a member of: the two look the same.
	ErrNotFound    = platform.NewError(platform.ErrNotFound, "no such project")
	ErrBornAlready = platform.NewKeyedError(platform.ErrConflict, "project.error.born_already",
		"a project was already born from this item")
	ErrNoGroup = platform.NewKeyedError(platform.ErrConflict, "project.error.no_group",
		"the proposal has no work group yet")
	ErrLastManager = platform.NewKeyedError(platform.ErrConflict, "project.error.last_manager",
		"a project keeps at least one manager")
)

// Project is a research and innovation project, with the viewer's role
// in it when read for a viewer.
type Project struct {
	bun.BaseModel `bun:"table:projects,alias:p"`

	ID        int64     `bun:"id,pk,autoincrement"`
	Title     string    `bun:"title"`
	Acronym   string    `bun:"acronym"`
	Summary   string    `bun:"summary"`
	Themes    []string  `bun:"themes,array"`
	StartsOn  time.Time `bun:"starts_on,type:date"`
	EndsOn    time.Time `bun:"ends_on,type:date"`
	Status    string    `bun:"status"`
	Programme string    `bun:"programme"`
	Call      string    `bun:"funding_call"`
	// GrantCents is the grant in euro cents (nil: not known).
	GrantCents  *int64    `bun:"grant_cents"`
	CommunityID *int64    `bun:"community_id"`
	OriginKind  *string   `bun:"origin_kind"`
	OriginID    *int64    `bun:"origin_id"`
	CreatedBy   *int64    `bun:"created_by"`
	CreatedAt   time.Time `bun:"created_at,nullzero,default:now()"`
	UpdatedAt   time.Time `bun:"updated_at,nullzero,default:now()"`

	// MyRole is the viewer's role in the project ("" for none).
	MyRole string `bun:"my_role,scanonly"`
}

// URL is the project's page.
func (p Project) URL() string { return Path(p.ID) }

// Path is the page of project id.
func Path(id int64) string { return "/projects/" + strconv.FormatInt(id, 10) }

// Name is the project's acronym and title, as lists show it.
func (p Project) Name() string {
	if p.Acronym != "" {
		return p.Acronym + " — " + p.Title
	}
	return p.Title
}

// Member is a person of a project with their role.
type Member struct {
	bun.BaseModel `bun:"table:project_members,alias:pm"`

	ProjectID int64  `bun:"project_id,pk"`
	UserID    int64  `bun:"user_id,pk"`
	Role      string `bun:"role"`
	Name      string `bun:"name,scanonly"`
}

// Partner is an organisation taking part in a project, with its referent.
type Partner struct {
	bun.BaseModel `bun:"table:project_partners,alias:pp"`

	ID             int64  `bun:"id,pk,autoincrement"`
	ProjectID      int64  `bun:"project_id"`
	OrganizationID int64  `bun:"organization_id"`
	ReferentID     *int64 `bun:"referent_id"`
	Name           string `bun:"name,scanonly"`
	ReferentName   string `bun:"referent_name,scanonly"`
}

// WorkPackage is a work package of a project's plan.
type WorkPackage struct {
	bun.BaseModel `bun:"table:project_work_packages,alias:w"`

	ID          int64     `bun:"id,pk,autoincrement"`
	ProjectID   int64     `bun:"project_id"`
	Code        string    `bun:"code"`
	Title       string    `bun:"title"`
	Description string    `bun:"description"`
	StartsOn    time.Time `bun:"starts_on,type:date"`
	EndsOn      time.Time `bun:"ends_on,type:date"`
}

// Label is the work package's code and title.
func (w WorkPackage) Label() string { return w.Code + " " + w.Title }

// Task is a task of a work package, with its assignees.
type Task struct {
	bun.BaseModel `bun:"table:project_tasks,alias:t"`

	ID            int64     `bun:"id,pk,autoincrement"`
	ProjectID     int64     `bun:"project_id"`
	WorkPackageID int64     `bun:"work_package_id"`
	Title         string    `bun:"title"`
	Description   string    `bun:"description"`
	StartsOn      time.Time `bun:"starts_on,type:date"`
	EndsOn        time.Time `bun:"ends_on,type:date"`
	Status        string    `bun:"status"`
	Progress      int       `bun:"progress"`
	// Assignees are the ids of the people it is assigned to.
	Assignees []int64 `bun:"assignees,array,scanonly"`
}

// Dependency says that Successor starts after Predecessor ends.
type Dependency struct {
	bun.BaseModel `bun:"table:project_task_dependencies,alias:d"`

	ProjectID   int64 `bun:"project_id"`
	Predecessor int64 `bun:"predecessor_id"`
	Successor   int64 `bun:"successor_id"`
}

// Milestone is a dated point of a project, with its deliverables.
type Milestone struct {
	bun.BaseModel `bun:"table:project_milestones,alias:ms"`

	ID            int64     `bun:"id,pk,autoincrement"`
	ProjectID     int64     `bun:"project_id"`
	WorkPackageID *int64    `bun:"work_package_id"`
	Title         string    `bun:"title"`
	DueOn         time.Time `bun:"due_on,type:date"`
	Deliverables  string    `bun:"deliverables"`
	Reached       bool      `bun:"reached"`
}
