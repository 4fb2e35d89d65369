package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/tenant"
)

// checkTimeout bounds the file store's check at start: the client retries
// an endpoint that does not answer.
const checkTimeout = 30 * time.Second

// checkFiles refuses to start a server whose file store cannot be used (a
// wrong bucket, endpoint or key would otherwise show at the first upload),
// saying what is wrong and which variables to look at, never a secret.
func checkFiles(ctx context.Context, cfg *config.Config, lookup config.Lookup) error {
	st, err := fileStore(cfg)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	err = st.Check(ctx)
	if err == nil {
		return nil
	}
	where := cfg.Storage.String()
	if cfg.Storage.S3() {
		where += " at " + cmp.Or(cfg.Storage.Endpoint, "s3.amazonaws.com")
	}
	hint := ""
	switch {
	case errors.Is(err, storage.ErrNoBucket):
		hint = "; create the bucket, or correct PIAZZA_STORAGE_URL"
	case errors.Is(err, storage.ErrRefused):
		hint = "; check " + keySource(cfg, lookup) + ", and that it may list, read, write and delete in the bucket"
	case cfg.Storage.S3():
		hint = "; check the endpoint and region in PIAZZA_STORAGE_URL"
	}
	return fmt.Errorf("PIAZZA_STORAGE_URL: the file store %s cannot be used: %w%s", where, err, hint)
}

// keySource names where the S3 store's key came from.
func keySource(cfg *config.Config, lookup config.Lookup) string {
	if v, _ := lookup("PIAZZA_STORAGE_ACCESS_KEY"); v != "" {
		return "PIAZZA_STORAGE_ACCESS_KEY and PIAZZA_STORAGE_SECRET_KEY"
	}
	if cfg.Storage.AccessKey != "" {
		return "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)"
	}
	return "the role of the machine or pod (no key is set)"
}

// removeTenantFiles is the registry's AfterPurge: a purged tenant's files
// go from the store. A failure is logged; `piazza storage gc` finishes.
func (e *env) removeTenantFiles(ctx context.Context, slug string) error {
	n, err := e.openFiles().RemoveTenant(ctx, slug)
	if err != nil {
		e.log.Error("remove a purged tenant's files (run `piazza storage gc` to finish)", "tenant", slug, "removed", n, "err", err)
		return fmt.Errorf("its files in %s: %d removed, then: %w", e.cfg.Storage, n, err)
	}
	e.log.Info("purged tenant's files removed", "tenant", slug, "files", n)
	return nil
}

func storageGCCommand() *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "gc [--dry-run]",
		Short: "Remove from the file store the files of tenants that no longer exist",
		Long: `GC removes from the file store (PIAZZA_STORAGE_URL, or the data directory's
files folder) every tenant folder whose tenant is not registered: what a purge
left when the store failed after the tenant was gone. A deleted tenant's files
stay until it is purged; folders whose names no tenant can have are listed
and left alone. Run it again if it stops half way. --dry-run lists and
removes nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRegistry(cmd, func(ctx context.Context, e *env) error { return e.gcFiles(ctx, cmd, dryRun) })
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "list what would be removed, remove nothing")
	return cmd
}

// gcFiles removes the folders of tenants that are not registered.
func (e *env) gcFiles(ctx context.Context, cmd *cobra.Command, dryRun bool) error {
	st := e.openFiles()
	names, err := st.Tenants(ctx)
	if err != nil {
		return err
	}
	ts, err := e.registry.List(ctx)
	if err != nil {
		return err
	}
	registered := map[string]bool{}
	for _, t := range ts {
		registered[t.Slug] = true
	}
	out := cmd.OutOrStdout()
	var kept, removed, files int
	var failed []string
	for _, name := range names {
		switch {
		case registered[name]:
			kept++
			continue
		case tenant.CheckSlug(name) != nil:
			fmt.Fprintf(out, "  %s: not a tenant's name, left alone\n", name)
			continue
		case dryRun:
			fmt.Fprintf(out, "  %s: no such tenant, would be removed\n", name)
			removed++
			continue
		}
		var n int
		err := e.registry.WhileFree(ctx, name, func(ctx context.Context) (err error) {
			n, err = st.RemoveTenant(ctx, name)
			return err
		})
		switch {
		case errors.Is(err, tenant.ErrSlugTaken): // created meanwhile: its files now
			kept++
		case err != nil:
			fmt.Fprintf(out, "  %s: %d files removed, then: %v\n", name, n, err)
			failed = append(failed, name)
		default:
			fmt.Fprintf(out, "  %s: no such tenant, %d files removed\n", name, n)
			removed++
			files += n
		}
	}
	verb := "removed"
	if dryRun {
		verb = "to remove"
	}
	fmt.Fprintf(out, "%s: %d tenant folders, %d of tenants, %d %s (%d files)\n", e.cfg.Storage, len(names), kept, removed, verb, files)
	if len(failed) > 0 {
		fmt.Fprintf(out, "%d could not be removed; run `piazza storage gc` again\n", len(failed))
		return exitError(1)
	}
	return nil
}
