package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/release"
)

var notesCmd = &cli.Command{
	Name: "notes",
	Usage: `Usage: git release notes [VERSION]

Print the release notes of a version (X.Y.Z or vX.Y.Z; default: the newest
vX.Y.Z tag HEAD reaches): its tag message, the changelog section git release
wrote, without the section heading. The release workflow uses it as the
GitHub release body. On a terminal, control characters in the commits'
subjects are shown as Go escapes (\x1b) instead of being obeyed.
`,
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git release notes", args, 0, 1); err != nil {
			return err
		}
		r, err := cli.OpenRepo(ctx, env)
		if err != nil {
			return err
		}
		want := ""
		if len(args) == 1 {
			want = args[0]
		}
		notes, err := release.Notes(ctx, r, want)
		if err != nil {
			return userError(err)
		}
		// A terminal shows the commits' subjects without obeying their
		// control characters; a pipe (the release workflow's body file)
		// gets the notes as the changelog has them.
		if cli.IsTerminal(env.Stdout) {
			notes = cli.PrintableText(notes)
		}
		fmt.Fprint(env.Stdout, notes)
		return nil
	},
}
