// Command git-release cuts a release: the next version from conventional
// commits, a changelog section, the version fields of manifests and
// lockfiles, the release commit and its annotated tag.
package main

import "github.com/verdigris-dev/verdigris/internal/cli"

const usage = `Usage: git release [patch|minor|major|auto|X.Y.Z] [MESSAGE] [flags]

Cut a release of the current branch: work out the next version from the
conventional commits since the last vX.Y.Z tag (auto, the default), write
its section at the top of the changelog, bump the version files named in
toolchain.toml's [release] section (manifests and their lockfiles
together), commit "release: vX.Y.Z - MESSAGE" and tag that commit vX.Y.Z
with the changelog section as the tag message.

Bumps:
  auto        breaking change (type! or BREAKING CHANGE) → major, feat → minor,
              anything else → patch; before 1.0.0 a breaking change → minor
  patch, minor, major, or an explicit version X.Y.Z above the current one

Refuses (exit 1) on uncommitted changes to tracked files, a branch behind or
diverged from its upstream or from where it is pushed, a detached HEAD, a
shallow clone, an existing tag, no commits since the last release, or a
changelog or version file that git ignores.
Releasing from another branch than [release] branch is a warning.

Flags:
  -n, --dry-run   check everything and print the plan and the changelog
                  section; change nothing
      --push      push the branch and the tag, atomically, where git push
                  sends the branch (pushRemote, push.default, remote.*.push)
      --json      print the plan (and what was done) as JSON

Commands:
  notes [VERSION]   print the changelog section of a release (default: the
                    newest vX.Y.Z tag HEAD reaches), from its tag message

toolchain.toml:
  [release]
  version-files = ["Cargo.toml", "Cargo.lock", "internal/version/version.go"]
  branch = "main"
  changelog = "CHANGELOG.md"
`

func main() {
	program().Main()
}

// program is the binary: its usage texts and commands, which main runs
// and the tests read.
func program() *cli.Program {
	return &cli.Program{
		Name:     "git release",
		Binary:   "git-release",
		Usage:    usage,
		Commands: []*cli.Command{notesCmd},
		Default:  releaseCmd,
	}
}
