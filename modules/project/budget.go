package project

import (
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
)

// A project's budget: lines of planned amounts per partner and category,
// expenses recorded against them (a correction is a negative amount), and
// the history of every change. Amounts are euro cents, in int64 from the
// form to the database and back: no floating point anywhere.

// Categories are the budget's categories, in the order pages show them.
var Categories = []string{"personnel", "equipment", "travel", "subcontracting", "other", "indirect"}

// The kinds of expense a form records.
const (
	// Spent is money spent (a positive amount).
	Spent = "expense"
	// Correction takes an amount off the line (a negative amount).
	Correction = "correction"
)

// ExpenseType is the expenses' content type, for their attachments (the
// evidence).
const ExpenseType = "project_expense"

// Errors of the budget.
var (
	ErrLineHasExpenses = platform.NewKeyedError(platform.ErrConflict, "project.error.line_has_expenses",
		"a budget line with expenses cannot be removed")
	ErrPartnerHasBudget = platform.NewKeyedError(platform.ErrConflict, "project.error.partner_has_budget",
		"a partner with budget lines or reports cannot be removed")
)

// Line is a partner's budget in one category.
type Line struct {
	bun.BaseModel `bun:"table:project_budget_lines,alias:bl"`

	ID           int64  `bun:"id,pk,autoincrement"`
	ProjectID    int64  `bun:"project_id"`
	PartnerID    int64  `bun:"partner_id"`
	Category     string `bun:"category"`
	Note         string `bun:"note"`
	PlannedCents int64  `bun:"planned_cents"`
	ActualCents  int64  `bun:"actual_cents"`
	// PartnerName is the partner's organisation; ReferentID its referent.
	PartnerName string `bun:"partner_name,scanonly"`
	ReferentID  *int64 `bun:"referent_id,scanonly"`
}

// Variance is what is left of the planned amount (negative: over budget).
func (l Line) Variance() int64 { return l.PlannedCents - l.ActualCents }

// Expense is an amount spent (or corrected) on a budget line.
type Expense struct {
	bun.BaseModel `bun:"table:project_expenses,alias:e"`

	ID          int64     `bun:"id,pk,autoincrement"`
	ProjectID   int64     `bun:"project_id"`
	LineID      int64     `bun:"line_id"`
	SpentOn     time.Time `bun:"spent_on,type:date"`
	AmountCents int64     `bun:"amount_cents"`
	Description string    `bun:"description"`
	CreatedBy   *int64    `bun:"created_by"`
	CreatedAt   time.Time `bun:"created_at,nullzero,default:now()"`

	PartnerName string `bun:"partner_name,scanonly"`
	Category    string `bun:"category,scanonly"`
	AuthorName  string `bun:"author_name,scanonly"`
	// Files counts its evidence files.
	Files int `bun:"files,scanonly"`
}

// Kind is Spent or Correction.
func (e Expense) Kind() string {
	if e.AmountCents < 0 {
		return Correction
	}
	return Spent
}

// Magnitude is the amount without its sign (as the form shows it).
func (e Expense) Magnitude() int64 {
	if e.AmountCents < 0 {
		return -e.AmountCents
	}
	return e.AmountCents
}

// URL is the expense's page.
func (e Expense) URL() string {
	return Path(e.ProjectID) + "/budget/expenses/" + strconv.FormatInt(e.ID, 10)
}

// Change is a row of a budget's history.
type Change struct {
	bun.BaseModel `bun:"table:project_budget_history,alias:h"`

	ID          int64     `bun:"id,pk,autoincrement"`
	ProjectID   int64     `bun:"project_id"`
	LineID      *int64    `bun:"line_id"`
	ExpenseID   *int64    `bun:"expense_id"`
	Action      string    `bun:"action"`
	What        string    `bun:"what"`
	Before      *int64    `bun:"before_cents"`
	After       *int64    `bun:"after_cents"`
	ActorID     *int64    `bun:"actor_id"`
	At          time.Time `bun:"at,nullzero,default:now()"`
	ActorName   string    `bun:"actor_name,scanonly"`
	PartnerName string    `bun:"partner_name,scanonly"`
}

// maxAmount bounds an amount in cents: a hundred billion euro.
const maxAmount = 10_000_000_000_000

// ParseAmount reads an amount of euro as people write it, in Italian
// ("1.234,56") or English ("1,234.56") or with no thousands at all
// ("1234.56", "1234,56"), into cents, exactly. The language lang says
// which separator groups thousands when the text alone cannot: "1.234" is
// 1234 euro in Italian, and ambiguous in English (refused, as "1,234" is
// in Italian). It returns the reason of a refusal as the last part of a
// message key (project.error.amount.<reason>), "" when it read one.
func ParseAmount(s, lang string) (int64, string) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "€", "", "EUR", "").Replace(strings.TrimSpace(s))
	switch {
	case s == "":
		return 0, "required"
	case strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") || strings.HasPrefix(s, "("):
		return 0, "negative"
	case strings.Trim(s, "0123456789.,") != "":
		return 0, "format"
	}
	whole, frac, reason := splitAmount(s, lang)
	if reason != "" {
		return 0, reason
	}
	if len(frac) > 2 {
		return 0, "decimals"
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 11 {
		return 0, "large"
	}
	n, err := strconv.ParseInt("0"+whole+(frac + "00")[:2], 10, 64)
	if err != nil || n > maxAmount {
		return 0, "large"
	}
	return n, ""
}

// splitAmount cuts s (digits and separators) into its whole digits and
// its decimals, checking that thousands come in threes.
func splitAmount(s, lang string) (whole, frac, reason string) {
	group := "."
	if lang == "en" {
		group = ","
	}
	i := strings.LastIndexAny(s, ".,")
	if i < 0 {
		return s, "", ""
	}
	sep := s[i : i+1]
	after := len(s) - i - 1
	switch {
	case strings.ContainsAny(s[:i], ".,") && !strings.Contains(s[:i], sep):
		// both separators: the last one is the decimal one
		whole, frac = s[:i], s[i+1:]
	case strings.Count(s, sep) > 1:
		whole = s // one separator, several times: thousands
	case after == 3 && sep != group && i > 3:
		return "", "", "decimals" // "1234.567": too many decimals, not thousands
	case after == 3 && sep != group:
		return "", "", "ambiguous"
	case after == 3:
		whole = s
	case after == 0:
		return "", "", "format"
	default:
		whole, frac = s[:i], s[i+1:]
	}
	if strings.ContainsAny(frac, ".,") {
		return "", "", "format"
	}
	digits, reason := groups(whole)
	return digits, frac, reason
}

// groups checks the thousands of whole ("1.234.567": a first group of one
// to three digits, then threes) and returns its digits.
func groups(whole string) (digits, reason string) {
	parts := strings.FieldsFunc(whole, func(r rune) bool { return r == '.' || r == ',' })
	if len(parts) == 0 || strings.HasPrefix(whole, ".") || strings.HasPrefix(whole, ",") ||
		strings.Count(whole, ".")+strings.Count(whole, ",") != len(parts)-1 {
		return "", "format"
	}
	for i, p := range parts {
		if len(parts) > 1 && (len(p) > 3 || i > 0 && len(p) != 3) {
			return "", "format"
		}
	}
	return strings.Join(parts, ""), ""
}

// Money writes signed cents as an amount of euro with the language's
// separators ("-1.234,56").
func Money(cents int64, lang string) string {
	if cents < 0 {
		return "-" + Euro(-cents, lang)
	}
	return Euro(cents, lang)
}
