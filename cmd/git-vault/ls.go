package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

var lsCmd = &cli.Command{
	Name: "ls",
	Usage: `Usage: git vault ls [--json]

List the secrets' names and environment variable names. Needs no key and
never shows a value. A secret two merged branches each set has both
values, and is marked "(2 values from a merge)": get, run and export
refuse it until 'git vault set NAME' chooses one. One that a single
branch changed, whose old line the merge kept beside the new one (the
other branch added a secret next to it), is listed as one secret with a
warning: history shows which line replaced the other.

Flags:
      --json   print [{"name", "env"}] as JSON ("conflict": true on one
               with two values)
`,
	Flags: func(fs *pflag.FlagSet) { fs.Bool("json", false, "") },
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git vault ls", args, 0, 0); err != nil {
			return err
		}
		r, err := cli.OpenWorktree(ctx, env)
		if err != nil {
			return err
		}
		rows, err := vault.List(ctx, r.Root, r.GitDir)
		if err != nil {
			return userError(err)
		}
		if asJSON, _ := fs.GetBool("json"); asJSON {
			err = cli.WriteJSON(env.Stdout, rows)
		} else if len(rows) > 0 {
			t := &cli.Table{}
			t.Row("NAME", "ENV", "")
			for _, r := range rows {
				mark := ""
				if r.Conflict {
					mark = fmt.Sprintf("(%d values from a merge)", r.Values)
				}
				t.Row(r.Name, r.Env, mark)
			}
			err = t.Write(env.Stdout)
		}
		if err != nil {
			return err
		}
		// What get and run say when they meet it, said before they do.
		warned := map[string]bool{}
		for _, r := range rows {
			switch {
			case warned[r.Name]:
			case r.Conflict:
				cli.Warnf(env.Stderr, "git-vault", "secret %s has %d values (%s): get, run and export refuse it until 'git vault set %s' chooses one%s", r.Name, r.Values, r.Why, r.Name, unshallow(r.Shallow))
			case r.Replaced > 0:
				// The file shows two lines; say which one counts, and
				// that nothing needs doing.
				what, old := "the line", "one"
				if r.Replaced > 1 {
					what, old = fmt.Sprintf("the %d lines", r.Replaced), "ones"
				}
				cli.Warnf(env.Stderr, "git-vault", "secret %s: the merge also kept %s its new value replaced (history shows which); get, run and export read the new value, and the next change to the vault drops the old %s", r.Name, what, old)
			}
			warned[r.Name] = true
		}
		return nil
	},
}

// unshallow is the other way out that get's hint gives in a clone too
// shallow to tell which value replaced the other.
func unshallow(shallow bool) string {
	if shallow {
		return ", or " + vault.Unshallow
	}
	return ""
}
