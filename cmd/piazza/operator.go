package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/piazza-pa/piazza/platform/operator"
	"github.com/piazza-pa/piazza/platform/secret"
)

func operatorCommand() *cobra.Command {
	return group("operator", "Manage the operators who run the service", operatorCreateCommand(), operatorListCommand())
}

func operatorCreateCommand() *cobra.Command {
	var email, name string
	var stdinPassword bool
	cmd := &cobra.Command{
		Use:   "create --email EMAIL [--name NAME] [--password-stdin]",
		Short: "Create an operator account (the password is asked for, or generated and printed once)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pw, generated, err := operatorPassword(cmd, stdinPassword)
			if err != nil {
				return err
			}
			return withRegistry(cmd, func(ctx context.Context, e *env) error {
				o, err := operator.Create(ctx, e.db, email, name, pw)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "operator %s created; sign in at http://%s/\n", o.Email, e.cfg.OperatorHost)
				if generated {
					fmt.Fprintf(cmd.OutOrStdout(), "password (shown once): %s\n", pw)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "the operator's e-mail address (required)")
	cmd.Flags().StringVar(&name, "name", "", "display name")
	cmd.Flags().BoolVar(&stdinPassword, "password-stdin", false, "read the password from the first line of standard input")
	_ = cmd.MarkFlagRequired("email")
	return cmd
}

// operatorPassword reads the password from stdin, prompts for it twice on a
// terminal, or generates one.
func operatorPassword(cmd *cobra.Command, fromStdin bool) (pw string, generated bool, err error) {
	if fromStdin {
		pw, err := readLine(cmd)
		return pw, false, err
	}
	if f, ok := cmd.InOrStdin().(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(cmd.ErrOrStderr(), "Password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(cmd.ErrOrStderr())
		if err != nil {
			return "", false, err
		}
		fmt.Fprint(cmd.ErrOrStderr(), "Again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(cmd.ErrOrStderr())
		if err != nil {
			return "", false, err
		}
		if string(a) != string(b) {
			return "", false, errors.New("the two passwords differ")
		}
		return string(a), false, nil
	}
	return secret.Token(18), true, nil
}

// readLine reads the first line of the command's standard input (a
// password or a secret piped in), without its line ending.
func readLine(cmd *cobra.Command) (string, error) {
	line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func operatorListCommand() *cobra.Command {
	return envCommand("list", "List operators", toolEnv(), func(ctx context.Context, cmd *cobra.Command, e *env) error {
		ops, err := operator.List(ctx, e.db)
		if err != nil {
			return err
		}
		for _, o := range ops {
			state := "active"
			if o.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\t%s\n", o.Email, o.DisplayName, state)
		}
		return nil
	})
}
