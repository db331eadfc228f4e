package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

var updateCmd = &cli.Command{
	Name: "update",
	Usage: `Usage: git session update [TEXT]

Add the git activity since the last update (or the start) to the active
session's activity log: the commits, the files and lines they changed, and
how many tracked files have uncommitted changes; TEXT, if given, follows.
Prints the entry.
`,
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		m, err := manager(ctx, env)
		if err != nil {
			return err
		}
		e, err := m.Update(ctx, strings.Join(args, " "))
		if err != nil {
			return explain(err)
		}
		// The entry quotes commit subjects, which come from the repository.
		fmt.Fprintf(env.Stdout, "### %s - %s\n%s\n", e.Time.UTC().Format("15:04"), cli.Printable(e.Heading), cli.PrintableText(e.Text))
		return nil
	},
}
