package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/session"
)

var endCmd = &cli.Command{
	Name: "end",
	Usage: `Usage: git session end [--push] [--json]

Archive the active session. The commits since its start are classified, the
record is written to <sessions dir>/<id>.md and committed alone as
"session: archive <id> (TITLE)": whatever else is staged stays staged and
unstaged changes stay unstaged. That commit gets the annotated tag
session-<id>-<agent>-end, so the record sits inside its own tag range.
Needs a branch (not a detached HEAD). If it stops after committing, run it
again: it finishes the same commit instead of making another.

With no active session, it archives a session that a commit's closing
marker (a Session-End trailer) ended before its record was written: the
record holds its notes and its commits up to that commit, whose end tag
stays where it is.

Flags:
      --push   push the branch and both tags in one atomic push (where
               git push sends the branch: its pushRemote, remote.pushDefault
               or upstream, else the default remote)
      --json   print the result as JSON
`,
	Flags: func(fs *pflag.FlagSet) {
		fs.Bool("push", false, "")
		fs.Bool("json", false, "")
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git session end", args, 0, 0); err != nil {
			return err
		}
		m, err := manager(ctx, env)
		if err != nil {
			return err
		}
		push, _ := fs.GetBool("push")
		res, err := m.End(ctx, session.EndOptions{Push: push})
		if err != nil && ctx.Err() != nil {
			err = interruptedEnd(res, err)
		}
		if res == nil {
			return explain(err)
		}
		if asJSON, _ := fs.GetBool("json"); asJSON {
			if werr := cli.WriteJSON(env.Stdout, res); werr != nil {
				return werr
			}
			return explain(err)
		}
		c := res.Record.Classification
		if res.EndedBy != "" {
			fmt.Fprintf(env.Stdout, "session %s ended: %s committed as %s, its end tag %s stays on %s, the commit that ended it\n", res.Record.ID, cli.Printable(res.Path), gitrepo.Short(res.Commit), cli.Printable(res.EndTag), gitrepo.Short(res.EndedBy))
		} else {
			fmt.Fprintf(env.Stdout, "session %s ended: %s committed as %s, tagged %s\n", res.Record.ID, cli.Printable(res.Path), gitrepo.Short(res.Commit), cli.Printable(res.EndTag))
		}
		if c != nil {
			fmt.Fprintf(env.Stdout, "%s: %s, %s, +%d -%d (%s)\n", c.WorkType, cli.Count(c.Commits, "commit"), cli.Count(c.Files, "file"), c.Added, c.Deleted, c.TypesString())
		}
		fmt.Fprintf(env.Stdout, "range: %s\n", cli.Printable(res.StartTag+".."+res.EndTag))
		if res.Pushed {
			fmt.Fprintf(env.Stdout, "pushed the branch and both tags to %s\n", res.Remote)
		}
		return explain(err)
	},
}

// interruptedEnd is the error of an end that Ctrl-C or SIGTERM stopped,
// in place of the one git's death caused ("git commit: signal: killed"):
// before its push, the session is not ended and end finishes it; in its
// push, it is ended here, and the push is left to do.
func interruptedEnd(res *session.EndResult, err error) error {
	var push *session.PushError
	if res != nil && errors.As(err, &push) {
		return cli.Interruptedf("interrupted: session %s is ended here (its record committed and tagged) but was not pushed", res.Record.ID).
			WithHint("push it: git push --atomic %s %s", cli.ShellWord(push.Remote), strings.Join(push.Refspecs, " "))
	}
	return cli.Interruptedf("interrupted; the session was not ended").WithHint("run 'git session end' again to end it")
}
