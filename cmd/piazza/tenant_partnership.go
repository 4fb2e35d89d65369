package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/piazza-pa/piazza/modules/partnership"
	"github.com/piazza-pa/piazza/tenant"
)

func tenantImportPartnershipsCommand() *cobra.Command {
	var full bool
	cmd := &cobra.Command{
		Use:   "import-partnerships SLUG FILE.xml [--full]",
		Short: "Import EEN partnership profiles from an XML export into a tenant",
		Long: `import-partnerships reads an export of EEN partnership profiles (the format is
docs/een-import.md), checks every profile and reports every problem with its
line and profile, writing nothing; when the file is good, it writes all of it in
one transaction, showing progress, and prints how many profiles were created,
updated, left unchanged and expired. Profiles are recognised by their EEN
reference, so importing the same file again changes nothing. With --full the
file is a full export: the published profiles it does not hold expire. "-"
reads standard input.`,
		Example: "  piazza tenant import-partnerships demo docs/een-sample.xml --full",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := io.Reader(cmd.InOrStdin())
			if args[1] != "-" {
				f, err := os.Open(args[1])
				if err != nil {
					return err
				}
				defer f.Close()
				in = f
			}
			return withTenant(cmd, args[0], func(ctx context.Context, e *env, t *tenant.Tenant) error {
				return importPartnerships(ctx, cmd, e, t, args[1], in, full)
			})
		},
	}
	cmd.Flags().BoolVar(&full, "full", false, "the file is a full export: expire the published profiles it does not hold")
	return cmd
}

// importPartnerships imports the export in into tenant t, reporting
// progress and the file's problems on standard error.
func importPartnerships(ctx context.Context, cmd *cobra.Command, e *env, t *tenant.Tenant, name string, in io.Reader, full bool) error {
	stderr := cmd.ErrOrStderr()
	read := func(n int) { fmt.Fprintf(stderr, "reading profiles: %d\n", n) }
	p := newProgress(stderr, "writing profiles")
	s, err := partnership.Import(ctx, e.db, t, in, partnership.Options{Full: full, Progress: p.update}, read)
	var ps partnership.Problems
	if errors.As(err, &ps) {
		fmt.Fprintf(stderr, "%s: %d problems, nothing imported:\n", name, len(ps))
		for _, pr := range ps {
			fmt.Fprintf(stderr, "  %s\n", pr.Error())
		}
		return exitError(1)
	}
	if err != nil {
		return err
	}
	return report(cmd, "imported %s into %s: %d created, %d updated, %d unchanged, %d expired",
		name, t.Slug, s.Created, s.Updated, s.Unchanged, s.Expired)
}
