package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/platform/storage"
)

// fileStore is the store PIAZZA_STORAGE_URL names: an S3-compatible
// bucket, or a folder (the data directory's files folder by default).
func fileStore(cfg *config.Config) (storage.Backend, error) {
	return storage.Open(cfg.Storage, cfg.DataDir)
}

// openFiles is fileStore for a command or server that has already
// checked the configuration: a refusal the configuration's own checks did
// not foresee is logged, and every use of the store fails with it.
func (e *env) openFiles() storage.Backend {
	s, err := fileStore(e.cfg)
	if err != nil {
		e.log.Error("file store unusable", "err", err)
		return storage.Unavailable{Err: err}
	}
	e.log.Debug("file store", "store", e.cfg.Storage.String())
	return s
}

func storageCommand() *cobra.Command {
	return group("storage", "Manage where uploaded files are kept", storageMigrateCommand(), storageGCCommand())
}

func storageMigrateCommand() *cobra.Command {
	var from string
	var concurrency int
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Copy every tenant's files from the disk store to the S3 store of PIAZZA_STORAGE_URL",
		Long: `Migrate copies every file of every tenant from the disk store (the data
directory's files folder, or --from DIR) to the S3-compatible store that
PIAZZA_STORAGE_URL names, with progress and a summary. A file the store
already has with the same size is skipped, so an interrupted run can be run
again, and a run after the servers moved to the S3 store picks up what was
uploaded to disk in between. The files on disk are left in place.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if concurrency < 1 || concurrency > 64 {
				return errors.New("--concurrency must be between 1 and 64")
			}
			cfg, err := config.Load(os.LookupEnv, config.ModeTool)
			if err != nil {
				return fmt.Errorf("configuration:\n%w", err)
			}
			return migrateFiles(cmd, cfg, from, concurrency)
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the disk store's folder (default: the data directory's files folder)")
	cmd.Flags().IntVarP(&concurrency, "concurrency", "c", 4, "files copied at once (1-64)")
	return cmd
}

func migrateFiles(cmd *cobra.Command, cfg *config.Config, from string, concurrency int) error {
	if !cfg.Storage.S3() {
		return errors.New("PIAZZA_STORAGE_URL must name the s3:// store to copy the files to")
	}
	if from == "" {
		from = filepath.Join(cfg.DataDir, "files")
	}
	src := storage.Disk{Dir: from}
	files, ignored, err := src.Files()
	if err != nil {
		return err
	}
	st, err := fileStore(cfg)
	if err != nil {
		return err
	}
	dst, ok := st.(storage.Sized)
	if !ok {
		return errors.New("PIAZZA_STORAGE_URL must name the s3:// store to copy the files to")
	}
	p := newProgress(cmd.ErrOrStderr(), "copying files")
	rep, err := storage.Copy(cmd.Context(), src, dst, files, concurrency, p.update)
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "%d files in %s: %d copied (%s) to %s, %d already there, %d failed\n",
		len(files), from, rep.Copied, byteSize(rep.Bytes), cfg.Storage, rep.Present, len(rep.Failed))
	printIgnored(out, ignored)
	for _, f := range rep.Failed {
		fmt.Fprintf(out, "  failed: %s/%s: %v\n", f.File.Tenant, f.File.Key, f.Err)
	}
	if err != nil {
		return fmt.Errorf("copy stopped (run `piazza storage migrate` again to resume): %w", err)
	}
	if len(rep.Failed) > 0 {
		fmt.Fprintln(out, "Fix the files that failed and run `piazza storage migrate` again.")
		return exitError(1)
	}
	fmt.Fprintf(out, "The files in %s were left in place. Once every server runs with this PIAZZA_STORAGE_URL, "+
		"run `piazza storage migrate` once more to copy what was uploaded in between, check that files open, "+
		"then remove the folder: rm -r %s\n", from, from)
	return nil
}

// printIgnored names what the disk store held that is not a file of Piazza.
func printIgnored(w io.Writer, ignored []string) {
	if len(ignored) == 0 {
		return
	}
	fmt.Fprintf(w, "%d entries are not files of Piazza and were not copied:\n", len(ignored))
	for i, name := range ignored {
		if i == 10 {
			fmt.Fprintf(w, "  … and %d more\n", len(ignored)-10)
			break
		}
		fmt.Fprintf(w, "  %s\n", name)
	}
}

// byteSize writes n bytes for people: 512 B, 3.4 MiB.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 3; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGT"[exp])
}
