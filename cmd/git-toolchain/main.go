// Command git-toolchain checks the tool versions pinned in toolchain.toml,
// runs its named sets of checks, lints CI workflows for drift from the
// pins, and exports the pins to GitHub Actions.
package main

import (
	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/ghaction"
)

const usage = `Usage: git toolchain <command> [flags]

One toolchain.toml pins tool versions and the checks to run; the pre-push
hook and CI run the same checks with the same versions.

Commands:
  check        compare each pinned tool with what would run here, and the pin
               files with toolchain.toml
  run SET      run the checks of a set (pre-push, ci, …) and print a summary
  lint-ci      report CI workflow steps that can install a version other than
               the pin
  env          print the pinned versions (--github: as step outputs)

Environment:
  VERDIGRIS_SKIP=a,b    skip the named checks in 'run'
  NO_COLOR              no colour in output

A bad toolchain.toml is reported as FILE:LINE: KEY: problem (exit 1).
Run 'git toolchain <command> --help' for a command's flags.
`

func main() {
	program().Main()
}

// program is the binary: its usage texts and commands, which main runs
// and the tests read.
func program() *cli.Program {
	return &cli.Program{
		Name:     "git toolchain",
		Binary:   "git-toolchain",
		Usage:    usage,
		Commands: []*cli.Command{checkCmd, runCmd, lintCICmd, envCmd},
		Annotate: ghaction.AnnotateError, // for the usage errors of its --github commands
	}
}
