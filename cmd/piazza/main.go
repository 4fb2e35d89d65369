// Command piazza is the one binary of Piazza: it serves the platform, runs
// a development instance, migrates the database and manages tenants.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := rootCommand().ExecuteContext(ctx)
	stop()
	if err != nil {
		var ex exitError
		if errors.As(err, &ex) {
			os.Exit(int(ex))
		}
		fmt.Fprintln(os.Stderr, "piazza:", err)
		os.Exit(1)
	}
}

// exitError ends the program with a status after the command reported why.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "piazza",
		Short:         "Piazza, the collaboration platform for public administrations",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(devCommand(), serveCommand(), migrateCommand(), tenantCommand(), planCommand(), operatorCommand(), storageCommand(), federationCommand(), versionCommand())
	return root
}

// group is a command that only gathers subcommands.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short}
	cmd.AddCommand(subs...)
	return cmd
}
