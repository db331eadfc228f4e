package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

var noteCmd = &cli.Command{
	Name: "note",
	Usage: `Usage: git session note TEXT [--decision]

Add TEXT to the active session's activity log, under the current time (UTC).

Flags:
  -d, --decision   also list TEXT under the record's Key Decisions
`,
	Flags: func(fs *pflag.FlagSet) { fs.BoolP("decision", "d", false, "") },
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		t, err := text("git session note", args)
		if err != nil {
			return err
		}
		m, err := manager(ctx, env)
		if err != nil {
			return err
		}
		decision, _ := fs.GetBool("decision")
		st, err := m.Note(ctx, t, decision)
		if err != nil {
			return explain(err)
		}
		kind := "note"
		if decision {
			kind = "decision"
		}
		fmt.Fprintf(env.Stdout, "%s added to session %s (%s)\n", kind, st.ID, cli.Count(len(st.Log), "log entry"))
		return nil
	},
}
