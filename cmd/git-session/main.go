// Command git-session marks working sessions with git tags and records.
package main

import (
	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/ghaction"
)

const usage = `Usage: git session <command> [flags]

Mark a working session (yours or an AI coding agent's) with two annotated
git tags, session-<id>-<agent>-start and -end, and a markdown record
committed inside that range; or open and close sessions from commit
messages alone.

Commands:
  start TITLE        open a session on HEAD (tag session-<id>-<agent>-start)
  note TEXT          add a note to the activity log (--decision: a key decision)
  update [TEXT]      log the git activity since the last update
  end                write and commit the record, tag that commit -end (--push)
  status             the active session: time elapsed, commits so far
  list               every record in the sessions directory, in any format
  show [ID]          a session's commits, files changed and classification
  sync               create the tags that commit markers and records call for
  hook post-commit   the post-commit hook's entry point (tags HEAD's markers)
  hook post-merge    the post-merge hook's (tags a merge commit's markers)
  hook post-rewrite  the post-rewrite hook's (tags follow amended or rebased
                     commits)

Markers in commit messages (case-insensitive):
  Session-Start: TITLE  or the subject "session: start TITLE"    opens a session
  Session-End: ID       or the subject "session: end ID"         closes one
                        or the subject "session: archive ID (…)"
  Session-Agent: NAME   the session's agent (default: the commit's author)

A session has one id, YYYYMMDD-HHMMSS in UTC: when 'start' runs, or the
marker commit's committer time, so every clone derives the same tag names.
Records go to [session] dir of toolchain.toml (default layer/sessions).

Environment:
  VERDIGRIS_AGENT   the agent of sessions started here (default: "claude"
                    under Claude Code, "gemini" under Gemini CLI, else your
                    git user.name, else "human")

Run 'git session <command> --help' for a command's flags.
`

// emptyFlagHints say what to give each flag that takes a value, or what
// leaving it out does (cli.RefuseEmptyFlags): an empty --agent would tag
// the session as someone else's, an empty --remote push to the default
// remote.
var emptyFlagHints = map[string]string{
	"agent":  "name the agent (--agent claude), or leave --agent out for the default ($VERDIGRIS_AGENT, your git user.name)",
	"goal":   "give the goal's text, or leave --goal out for the title",
	"remote": "name the remote (--remote origin), or leave --remote out for the default remote",
	"range":  "give the commits to read (--range origin/main..HEAD), or leave --range out for all of HEAD",
}

func main() {
	program().Main()
}

// program is the binary: its usage texts and commands, which main runs
// and the tests read.
func program() *cli.Program {
	commands := []*cli.Command{startCmd, noteCmd, updateCmd, endCmd, statusCmd, listCmd, showCmd, syncCmd, hookCmd}
	for _, c := range commands {
		cli.RefuseEmptyFlags(c, emptyFlagHints)
	}
	return &cli.Program{
		Name:     "git session",
		Binary:   "git-session",
		Usage:    usage,
		Commands: commands,
		Annotate: ghaction.AnnotateError, // for the usage errors of its --github commands
	}
}
