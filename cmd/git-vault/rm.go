package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

var rmCmd = &cli.Command{
	Name: "rm",
	Usage: `Usage: git vault rm NAME...

Delete secrets. Needs no key. The values stay in git history: if a value
must no longer work, rotate it where it is issued.
`,
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git vault rm", args, 1, -1); err != nil {
			return err
		}
		r, err := cli.OpenWorktree(ctx, env)
		if err != nil {
			return err
		}
		// A name given twice ("rm a a", a list with a repeat) is one
		// removal, reported once.
		var names []string
		for _, name := range args {
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
		if err := vault.Remove(ctx, r.Root, r.GitDir, names...); err != nil {
			return userError(err)
		}
		for _, name := range names {
			fmt.Fprintf(env.Stderr, "git-vault: removed %s\n", name)
		}
		return nil
	},
}
