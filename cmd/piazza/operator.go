package main

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/platform/operator"
)

func operatorCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "operator", Short: "Manage the operators who run the service"}
	cmd.AddCommand(operatorCreateCommand(), operatorListCommand())
	return cmd
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
			ctx := cmd.Context()
			e, err := openEnv(ctx, cmd.ErrOrStderr(), envOptions{mode: config.ModeTool, migrate: true})
			if err != nil {
				return err
			}
			defer e.close(ctx)
			o, err := operator.Create(ctx, e.db, email, name, pw)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "operator %s created; sign in at http://%s/\n", o.Email, e.cfg.OperatorHost)
			if generated {
				fmt.Fprintf(cmd.OutOrStdout(), "password (shown once): %s\n", pw)
			}
			return nil
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
		line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", false, err
		}
		return strings.TrimRight(line, "\r\n"), false, nil
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
	raw := make([]byte, 18)
	if _, err := rand.Read(raw); err != nil {
		return "", false, err
	}
	return base64.RawURLEncoding.EncodeToString(raw), true, nil
}

func operatorListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List operators",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			e, err := openEnv(ctx, cmd.ErrOrStderr(), envOptions{mode: config.ModeTool, migrate: true})
			if err != nil {
				return err
			}
			defer e.close(ctx)
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
		},
	}
}
