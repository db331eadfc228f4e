// Command verdigris installs verdigris's git hooks and checks the setup.
package main

import "github.com/verdigris-dev/verdigris/internal/cli"

const usage = `Usage: verdigris <command> [flags]

Install verdigris's git hooks into a repository and check the setup.

Commands:
  install      install the pre-push, post-commit, post-merge, post-rewrite and
               post-applypatch hooks (existing hooks are kept and chained)
  uninstall    remove the hooks and restore the hooks that were there before
  doctor       check binaries, hooks and every feature in use; --json for a
               report
  version      print the version of every verdigris binary, on PATH or
               where the hooks find it

Environment:
  VERDIGRIS=0               skip every verdigris step in the hooks
  VERDIGRIS_SKIP=a,b        skip the named checks in 'git toolchain run'
  NO_COLOR                  no colour in output

Run 'verdigris <command> --help' for a command's flags.
`

func main() {
	program().Main()
}

// program is the binary: its usage texts and commands, which main runs
// and the tests read.
func program() *cli.Program {
	return &cli.Program{
		Name:     "verdigris",
		Binary:   "verdigris",
		Usage:    usage,
		Commands: []*cli.Command{installCmd, uninstallCmd, doctorCmd, versionCmd},
	}
}
