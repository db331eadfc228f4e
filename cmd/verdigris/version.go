package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/doctor"
	"github.com/verdigris-dev/verdigris/internal/version"
)

var versionCmd = &cli.Command{
	Name: "version",
	Usage: `Usage: verdigris version [--json]

Print the version and commit of verdigris and of every verdigris binary on
PATH.

Flags:
      --json   print [{"binary", "path", "version"}] as JSON
`,
	Flags: func(fs *pflag.FlagSet) { fs.Bool("json", false, "") },
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("verdigris version", args, 0, 0); err != nil {
			return err
		}
		asJSON, _ := fs.GetBool("json")
		type entry struct {
			Binary  string `json:"binary"`
			Path    string `json:"path,omitempty"`
			Version string `json:"version"`
		}
		var list []entry
		list = append(list, entry{Binary: "verdigris", Version: version.String("verdigris")})
		for _, bin := range doctor.Binaries[1:] {
			path, line, found := doctor.BinaryVersion(ctx, bin)
			if !found {
				line = "not installed"
			}
			list = append(list, entry{Binary: bin, Path: path, Version: line})
		}
		if asJSON {
			return cli.WriteJSON(env.Stdout, list)
		}
		for _, e := range list {
			fmt.Fprintln(env.Stdout, e.Version)
		}
		return nil
	},
}
