package main

import (
	"context"
	"sort"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

var lsCmd = &cli.Command{
	Name: "ls",
	Usage: `Usage: git vault ls [--json]

List the secrets' names and environment variable names. Needs no key and
never shows a value. A name listed twice was changed on two branches that
were merged: set it again to choose its value.

Flags:
      --json   print [{"name", "env"}] as JSON
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
		if err := vault.Repair(ctx, r.Root, r.GitDir); err != nil {
			return userError(err)
		}
		sf, err := vault.LoadSecrets(r.Root)
		if err != nil {
			return userError(err)
		}
		type row struct {
			Name string `json:"name"`
			Env  string `json:"env"`
		}
		rows := []row{}
		for _, e := range sf.Entries {
			rows = append(rows, row{e.Name, e.Env})
		}
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
		if asJSON, _ := fs.GetBool("json"); asJSON {
			return cli.WriteJSON(env.Stdout, rows)
		}
		if len(rows) == 0 {
			return nil
		}
		t := &cli.Table{}
		t.Row("NAME", "ENV")
		for _, r := range rows {
			t.Row(r.Name, r.Env)
		}
		return t.Write(env.Stdout)
	},
}
