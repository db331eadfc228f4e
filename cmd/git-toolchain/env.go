package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/config"
	"github.com/verdigris-dev/verdigris/internal/ghaction"
	"github.com/verdigris-dev/verdigris/internal/toolchain"
)

var envCmd = &cli.Command{
	Name: "env",
	Usage: `Usage: git toolchain env [--github | --json]

Print each pinned version as <tool>-version=VERSION (go-version,
rust-version, node-version, python-version, golangci-lint-version, and
<tool>-version for the others), in toolchain.toml's order.

With --github, write them as outputs of the current GitHub Actions step
instead (to the GITHUB_OUTPUT file), for setup actions:

  - id: pins
    run: git toolchain env --github
  - uses: actions/setup-go@v5
    with:
      go-version: ${{ steps.pins.outputs.go-version }}

Flags:
      --github   write step outputs (needs GITHUB_OUTPUT)
      --json     print {"go-version": "1.26.8", …}
`,
	Flags: func(fs *pflag.FlagSet) {
		fs.Bool("github", false, "")
		fs.Bool("json", false, "")
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git toolchain env", args, 0, 0); err != nil {
			return err
		}
		github, _ := fs.GetBool("github")
		asJSON, _ := fs.GetBool("json")
		if err := exclusive(asJSON, github); err != nil {
			return err
		}
		if github && env.Env("GITHUB_OUTPUT") == "" {
			return cli.Failf("GITHUB_OUTPUT is not set").WithHint("--github works inside a GitHub Actions step; without it, env prints name=value lines")
		}
		_, cfg, err := loadConfig(ctx, env)
		if err != nil {
			return err
		}
		outs := toolchain.Outputs(cfg)
		if len(outs) == 0 {
			what := "nothing to print"
			if github {
				what = "no step outputs written"
			}
			noTools(env, what)
		}
		switch {
		case asJSON:
			m := map[string]string{}
			for _, o := range outs {
				m[o.Name] = o.Value
			}
			return cli.WriteJSON(env.Stdout, m)
		case github:
			gh := ghaction.New(env.Stdout, env.Env)
			for _, o := range outs {
				if err := gh.SetOutput(o.Name, o.Value); err != nil {
					return githubWriteError(err)
				}
				fmt.Fprintf(env.Stderr, "%s=%s\n", o.Name, o.Value)
			}
			return nil
		}
		for _, o := range outs {
			fmt.Fprintf(env.Stdout, "%s=%s\n", o.Name, o.Value)
		}
		return nil
	},
}

// noTools notes that toolchain.toml pins no tools, and what the command
// therefore did not do: not an error (a repository may pin checks only),
// but silence read as a failure to find the pins.
func noTools(env *cli.Env, what string) {
	fmt.Fprintf(env.Stderr, "git-toolchain: %s pins no tools (nothing under [tools]); %s\n", config.FileName, what)
}
