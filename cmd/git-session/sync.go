package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/ghaction"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/session"
)

var syncCmd = &cli.Command{
	Name: "sync",
	Usage: `Usage: git session sync [--range A..B] [--push] [--remote NAME] [--json] [--github]

Create the session tags that the commits of a range call for, oldest commit
first: the start and end tags of their markers (Session-Start:, Session-End:,
"session: start|end|archive ID" subjects), and the missing tags of the
archived records they add or change (start on the record's starting commit,
end on the commit that archived it, whatever its message says). Running it
again creates nothing; an existing tag is never moved: a marker tag whose
name is taken elsewhere is reported as a conflict (exit 1) and left alone.

--range A..B is the commits of B not in A; B alone (or no --range: HEAD)
is its whole history. An A of all zeros (a new branch) or one this clone
does not have (a force-push) also means all of B.

Flags:
      --range A..B    the commits to read (default: all of HEAD)
      --push          push the tags it created (atomically) to the remote
      --remote NAME   where --push goes (default: the default remote)
      --json          print the result as JSON
      --github        also write step outputs (created, count) and a step
                      summary table for GitHub Actions
`,
	Flags: func(fs *pflag.FlagSet) {
		fs.String("range", "", "")
		fs.Bool("push", false, "")
		fs.String("remote", "", "")
		fs.Bool("json", false, "")
		fs.Bool("github", false, "")
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git session sync", args, 0, 0); err != nil {
			return err
		}
		r, err := cli.OpenRepo(ctx, env)
		if err != nil {
			return err
		}
		dir, err := session.RecordsDir(r)
		if err != nil {
			return explain(err)
		}
		rng, _ := fs.GetString("range")
		// The outputs are written last; they are checked first: tags made
		// and pushed, then "cannot write the outputs", told nobody what was
		// done.
		if gh, _ := fs.GetBool("github"); gh {
			if err := ghaction.New(env.Stderr, env.Env).OutputsWritable(); err != nil {
				return cli.Failf("--github: the step outputs cannot be written: %v", err).WithHint("run it inside GitHub Actions, or without --github")
			}
		}
		push, _ := fs.GetBool("push")
		remote, _ := fs.GetString("remote")
		if push && remote == "" {
			if remote = r.DefaultRemote(ctx); remote == "" {
				return explain(session.ErrNoRemote)
			}
		}
		if push {
			// A clone made without tags (actions/checkout) would tag again
			// what the remote has tagged (a re-run), and the push would be
			// refused; with the remote's session tags here, sync finds them.
			if err := r.FetchTags(ctx, remote, "refs/tags/"+session.TagPrefix+"*"); err != nil {
				cli.Warnf(env.Stderr, "git-session", "could not fetch %s's session tags (%v); tags it has may be made again here", remote, err)
			}
		}
		res, err := session.Sync(ctx, r, dir, rng)
		if err != nil {
			return explain(err)
		}
		created := res.Created()
		var pushErr error
		pushed := false
		if push && len(created) > 0 {
			refs := make([]string, len(created))
			for i, t := range created {
				refs[i] = "refs/tags/" + t.Tag
			}
			if pushErr = r.Push(ctx, remote, true, refs...); pushErr == nil {
				pushed = true
			} else {
				pushErr = cli.Failf("pushing %d tags to %s: %v", len(refs), remote, pushErr).
					WithHint("the tags are made here; push them once the remote accepts them: git push --atomic %s %s", remote, strings.Join(refs, " "))
			}
		}
		if gh, _ := fs.GetBool("github"); gh {
			if err := githubReport(env, res, rng); err != nil {
				return cli.Failf("writing the step outputs: %v", err).WithHint("run it inside GitHub Actions, or without --github")
			}
		}
		if asJSON, _ := fs.GetBool("json"); asJSON {
			out := struct {
				*session.SyncResult
				Pushed bool   `json:"pushed"`
				Remote string `json:"remote,omitempty"`
			}{res, pushed, remote}
			if err := cli.WriteJSON(env.Stdout, out); err != nil {
				return err
			}
		} else {
			printTags(env.Stdout, res.Tags)
		}
		reportSync(env, res)
		if pushed {
			fmt.Fprintf(env.Stderr, "git-session: pushed %d tags to %s\n", len(created), remote)
		}
		if pushErr != nil {
			return pushErr
		}
		if n := len(res.Failed()); n > 0 {
			return cli.Failf("%d session tags could not be created", n).WithHint("fix what git reports above, then sync again (it only creates what is missing)")
		}
		if n := len(res.Conflicts()); n > 0 {
			return cli.Failf("%d session tag names are taken by tags on other commits; they were left as they are", n).
				WithHint("inspect each with 'git show TAG'; delete a wrong one (git tag -d TAG, and on the remote) and sync again")
		}
		return nil
	},
}

// printTags prints the tags a sync made (one line each: status, tag, short
// commit, where it came from) on stdout.
func printTags(w io.Writer, tags []session.TagResult) {
	t := &cli.Table{}
	for _, tg := range tags {
		if tg.Status == session.TagExists {
			continue
		}
		t.Row(tg.Status, cli.Printable(tg.Tag), gitrepo.Short(tg.Commit), cli.Printable(tg.Source+": "+tg.From))
	}
	t.Write(w)
}

// reportSync prints warnings, conflicts and a summary on stderr.
func reportSync(env *cli.Env, res *session.SyncResult) {
	for _, w := range res.Warnings {
		warnf(env, "%s", w)
	}
	for _, t := range res.Tags {
		switch t.Status {
		case session.TagConflict:
			cli.ErrorLinef(env.Stderr, "git-session", "tag %s is on %s, not on %s (%s); left as it is", t.Tag, gitrepo.Short(t.Existing), gitrepo.Short(t.Commit), t.From)
		case session.TagFailed:
			cli.ErrorLinef(env.Stderr, "git-session", "tag %s on %s (%s) could not be created: %s", t.Tag, gitrepo.Short(t.Commit), t.From, t.Error)
		case session.TagKept:
			warnf(env, "%s names %s, which is already on %s (the record says %s); kept where it is", t.From, t.Tag, gitrepo.Short(t.Existing), gitrepo.Short(t.Commit))
		}
	}
	counts := map[string]int{}
	for _, t := range res.Tags {
		counts[t.Status]++
	}
	fmt.Fprintf(env.Stderr, "git-session: %d commits read: %d tags created, %d already there, %d conflicts\n",
		res.Commits, counts[session.TagCreated], counts[session.TagExists]+counts[session.TagKept], counts[session.TagConflict])
	if n := counts[session.TagFailed]; n > 0 {
		fmt.Fprintf(env.Stderr, "git-session: %d tags failed\n", n)
	}
}

// githubReport writes the step outputs and the step summary.
func githubReport(env *cli.Env, res *session.SyncResult, rng string) error {
	a := ghaction.New(env.Stderr, env.Env)
	created := res.Created()
	names := make([]string, len(created))
	for i, t := range created {
		names[i] = t.Tag
	}
	if err := a.SetOutput("created", strings.Join(names, " ")); err != nil {
		return err
	}
	if err := a.SetOutput("count", fmt.Sprint(len(created))); err != nil {
		return err
	}
	for _, w := range res.Warnings {
		a.Warningf("%s", w)
	}
	for _, c := range res.Conflicts() {
		a.Errorf("session tag %s is on %s, not on %s; left as it is", c.Tag, gitrepo.Short(c.Existing), gitrepo.Short(c.Commit))
	}
	if rng == "" {
		rng = "HEAD"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "### Session tags\n\n%d commits read (`%s`): %d created, %d conflicts.\n\n", res.Commits, rng, len(created), len(res.Conflicts()))
	t := &cli.Table{}
	t.Row("tag", "status", "commit", "session", "from")
	for _, tg := range res.Tags {
		if tg.Status == session.TagExists {
			continue
		}
		t.Row("`"+tg.Tag+"`", tg.Status, "`"+gitrepo.Short(tg.Commit)+"`", tg.Session, tg.Source+": "+tg.From)
	}
	if t.Len() > 1 {
		b.WriteString(t.Markdown())
	}
	return a.Summary(b.String())
}
