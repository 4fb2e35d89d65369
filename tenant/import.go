package tenant

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/uptrace/bun"
)

// ImportRow is one tenant to provision from a CSV file.
type ImportRow struct {
	Line   int
	Params CreateParams
}

// RowError is what is wrong with one line of an import file.
type RowError struct {
	Line int
	Err  error
}

func (e RowError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// importHeader is the optional first line of an import file.
var importHeader = []string{"slug", "name", "hosts", "admin_email", "plan"}

// ParseImport reads slug,name,hosts,admin_email rows (hosts separated by
// spaces or semicolons; the header line is optional) and checks every row
// against the registry: format, duplicates within the file and clashes with
// existing tenants. It returns every bad row, so that a file is fixed in one
// go; nothing is provisioned.
func (r *Registry) ParseImport(ctx context.Context, in io.Reader) ([]ImportRow, []RowError, error) {
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var rows []ImportRow
	var bad []RowError
	plans := knownPlans{}
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			bad = append(bad, RowError{Line: pe.Line, Err: pe.Err})
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read import file: %w", err)
		}
		if first && isHeader(rec) {
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(rec) < 2 || len(rec) > 5 {
			bad = append(bad, RowError{Line: line, Err: invalid("fields", []any{"Count", len(rec)}, "has %d fields: want slug,name[,hosts[,admin_email[,plan]]]", len(rec))})
			continue
		}
		rec = append(trimAll(rec), "", "", "")[:5]
		p := CreateParams{Slug: rec[0], Name: rec[1], Hosts: strings.FieldsFunc(rec[2], isHostSep), AdminEmail: rec[3], Plan: rec[4]}
		if err := r.Validate(&p); err != nil {
			bad = append(bad, RowError{Line: line, Err: err})
			continue
		}
		if err := plans.check(ctx, r, p.Plan); err != nil {
			bad = append(bad, RowError{Line: line, Err: err})
			continue
		}
		rows = append(rows, ImportRow{Line: line, Params: p})
	}
	bad = append(bad, r.clashes(ctx, rows)...)
	slices.SortStableFunc(bad, func(a, b RowError) int { return a.Line - b.Line })
	return rows, bad, nil
}

// clashes finds slugs and hosts repeated within the file or already taken.
func (r *Registry) clashes(ctx context.Context, rows []ImportRow) []RowError {
	var bad []RowError
	slugAt, hostAt := map[string]int{}, map[string]int{}
	var slugs, hosts []string
	for _, row := range rows {
		if l, ok := slugAt[row.Params.Slug]; ok {
			bad = append(bad, RowError{row.Line, slugTaken(row.Params.Slug, fmt.Sprintf(" is also on line %d", l))})
		} else {
			slugAt[row.Params.Slug] = row.Line
			slugs = append(slugs, row.Params.Slug)
		}
		for _, h := range row.Params.Hosts {
			if l, ok := hostAt[h]; ok && l != row.Line {
				bad = append(bad, RowError{row.Line, hostTaken(h, fmt.Sprintf(" is also on line %d", l))})
			} else {
				hostAt[h] = row.Line
				hosts = append(hosts, h)
			}
		}
	}
	if len(rows) == 0 {
		return bad
	}
	var taken []string
	err := r.db.NewSelect().Model((*Tenant)(nil)).Column("slug").Where("slug IN (?)", bun.List(slugs)).Scan(ctx, &taken)
	if err != nil {
		return append(bad, RowError{0, fmt.Errorf("check slugs: %w", err)})
	}
	for _, s := range taken {
		bad = append(bad, RowError{slugAt[s], slugTaken(s, "")})
	}
	taken = nil
	err = r.db.NewSelect().Model((*host)(nil)).Column("host").Where("host IN (?)", bun.List(hosts)).Scan(ctx, &taken)
	if err != nil {
		return append(bad, RowError{0, fmt.Errorf("check hosts: %w", err)})
	}
	for _, h := range taken {
		bad = append(bad, RowError{hostAt[h], hostTaken(h, "")})
	}
	return bad
}

func isHostSep(r rune) bool { return r == ' ' || r == ';' || r == '|' || r == '\t' }

func trimAll(rec []string) []string {
	out := make([]string, len(rec))
	for i, f := range rec {
		out[i] = strings.TrimSpace(f)
	}
	return out
}

// isHeader says whether rec is the header line (with or without the plan).
func isHeader(rec []string) bool {
	line := strings.Join(trimAll(rec), ",")
	return strings.EqualFold(line, strings.Join(importHeader, ",")) || strings.EqualFold(line, strings.Join(importHeader[:4], ","))
}

// knownPlans remembers which plan slugs of an import file exist.
type knownPlans map[string]error

func (k knownPlans) check(ctx context.Context, r *Registry, slug string) error {
	if err, ok := k[slug]; ok {
		return err
	}
	_, err := r.Plan(ctx, slug)
	k[slug] = err
	return err
}
