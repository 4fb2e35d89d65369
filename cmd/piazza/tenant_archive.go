package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/piazza-pa/piazza/tenant"
	"github.com/piazza-pa/piazza/tenant/archive"
)

func tenantExportCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "export SLUG FILE",
		Short: "Write a tenant (its data, files and registry rows, no secrets) into one archive file",
		Long: `Export writes the tenant's schema data, its files and its registry rows
(hosts, branding, identity providers without their secrets, role rules, plan)
into FILE, a tar.gz described in docs/tenant-archive.md, as one consistent
snapshot, without the sign-in credentials that would work on a copy
(sessions, API tokens, e-mailed links, sign-ins under way). "-" writes to standard output. The tenant keeps serving meanwhile.`,
		Example: `  piazza tenant export lazio lazio.tar.gz`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRegistry(cmd, func(ctx context.Context, e *env) error { return exportTenant(ctx, cmd, e, args[0], args[1]) })
		},
	}
}

func exportTenant(ctx context.Context, cmd *cobra.Command, e *env, slug, name string) error {
	p := newProgress(cmd.ErrOrStderr(), "exporting "+slug)
	x := &archive.Exporter{DB: e.db, Store: e.files(), Version: versionString(), Progress: p.update}
	if name == "-" {
		_, err := x.Export(ctx, slug, cmd.OutOrStdout())
		return err
	}
	x.TempDir = filepath.Dir(name)
	// Written beside FILE and renamed at the end: a failed export leaves no
	// half archive behind under its name.
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	m, err := x.Export(ctx, slug, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(f.Name(), name); err != nil {
		return err
	}
	var rows int64
	for _, t := range m.Tables {
		rows += t.Rows
	}
	return report(cmd, "exported tenant %s to %s: schema version %d, %d tables, %d rows, %d files", slug, name, m.SchemaVersion, len(m.Tables), rows, m.Files)
}

func tenantImportArchiveCommand() *cobra.Command {
	var to archive.Target
	var maxGiB int64
	cmd := &cobra.Command{
		Use:   "import-archive FILE --slug SLUG [--host HOST ...] [--plan PLAN]",
		Short: "Create a new tenant from an archive written by `piazza tenant export`",
		Long: `Import-archive creates the tenant SLUG from FILE: its schema at the archive's
version, the data, then this piazza's remaining migrations, with its registry
rows, in one transaction; its files are stored under the new tenant. Nothing
is left behind when the archive is damaged, newer than this piazza, or the
slug or a host is taken. The archive's own host names are not taken over:
give them with --host. Identity providers come back disabled and without
their client secrets. "-" reads standard input.`,
		Example: `  piazza tenant import-archive lazio.tar.gz --slug lazio --host partecipa.regione.lazio.it`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, done, err := input(cmd, args[0])
			if err != nil {
				return err
			}
			defer done()
			return withRegistry(cmd, func(ctx context.Context, e *env) error { return importArchive(ctx, cmd, e, in, to, maxGiB) })
		},
	}
	cmd.Flags().StringVar(&to.Slug, "slug", "", "the new tenant's short name (required)")
	cmd.Flags().StringArrayVar(&to.Hosts, "host", nil, "extra host name (repeatable); <slug>.<base domain> is always added")
	cmd.Flags().StringVar(&to.Plan, "plan", "", "the new tenant's plan (default: the archive's)")
	cmd.Flags().Int64Var(&maxGiB, "max-size", archive.DefaultMaxBytes>>30, "most GiB the archive may unpack to (data and files); a larger one is refused")
	_ = cmd.MarkFlagRequired("slug")
	return cmd
}

func importArchive(ctx context.Context, cmd *cobra.Command, e *env, in io.Reader, to archive.Target, maxGiB int64) error {
	if maxGiB < 1 {
		return fmt.Errorf("--max-size: %d is not a whole number of GiB of at least 1", maxGiB)
	}
	p := newProgress(cmd.ErrOrStderr(), "importing "+to.Slug)
	im := &archive.Importer{Registry: e.registry, Store: e.files(), Progress: p.update, MaxBytes: maxGiB << 30}
	res, err := im.Import(ctx, in, to)
	if res == nil {
		return err
	}
	t, m := res.Tenant, res.Manifest
	out := cmd.OutOrStdout()
	urls := make([]string, len(t.Hosts))
	for i, h := range t.Hosts {
		urls[i] = t.URL(e.cfg.Scheme(), h, "")
	}
	fmt.Fprintf(out, "imported tenant %s (%s) from the archive of %s (schema version %d, piazza %s), serving on %s\n",
		t.Slug, t.Name, m.Slug, m.SchemaVersion, m.PiazzaVersion, strings.Join(urls, ", "))
	fmt.Fprintf(out, "the archived tenant answered on %s: host names are not taken over (give them with --host, or add them in the tenant's admin area)\n",
		strings.Join(res.SourceHosts, ", "))
	if len(res.OwnLinks) > 0 {
		fmt.Fprintf(out, "the branding links to the archived tenant's hosts (%s): change them in the tenant's admin area if the copy should not lead there\n",
			strings.Join(res.OwnLinks, ", "))
	}
	if len(res.IdPs) > 0 {
		fmt.Fprintf(out, "identity providers %s are disabled and hold no client secret: give those that use one their secret (`piazza tenant idp update %s --key KEY … --client-secret-stdin`), then `piazza tenant idp enable %s KEY`\n",
			strings.Join(res.IdPs, ", "), t.Slug, t.Slug)
	}
	if t.Status != tenant.StatusActive {
		fmt.Fprintf(out, "it is %s, as the original was not active: `piazza tenant resume %s` opens it\n", t.Status, t.Slug)
	}
	if err != nil {
		return fmt.Errorf("tenant %s imported, but: %w", t.Slug, err)
	}
	return nil
}
