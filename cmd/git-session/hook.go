package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/session"
)

var hookCmd = &cli.Command{
	Name: "hook",
	Usage: `Usage: git session hook post-commit

Run by the post-commit hook that 'verdigris install' places. Creates the
tags that the new commit's session markers call for (exactly as 'git session
sync' would), makes a session it opens this worktree's active one when there
is none, and ends the active one when the commit closes it. A commit without
markers costs one in-process read of HEAD. Commits replayed by a rebase are
skipped ('sync' tags them when they are pushed). Prints only to stderr;
exits 1 on a tag conflict (the commit is made either way).
`,
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if len(args) != 1 || args[0] != "post-commit" {
			return cli.Usagef("git session hook: expected the hook name post-commit").WithHint("this command is run by the post-commit hook; install it with 'verdigris install'")
		}
		// The common case, a commit without markers, is decided without
		// starting a single git process.
		if msg, ok := gitrepo.HeadMessage(env.Dir, env.Env); ok && !session.MightHaveMarkers(msg) {
			return nil
		}
		r, err := cli.OpenRepo(ctx, env)
		if err != nil {
			return err
		}
		res, err := session.PostCommit(ctx, r, env.Env)
		if res != nil {
			for _, t := range res.Tags {
				if t.Status == session.TagCreated {
					fmt.Fprintf(env.Stderr, "git-session: tagged %s\n", t.Tag)
				}
			}
			for _, w := range res.Warnings {
				warnf(env, "%s", w)
			}
			for _, n := range res.Notes {
				fmt.Fprintf(env.Stderr, "git-session: %s\n", n)
			}
			for _, f := range res.Failed() {
				cli.ErrorLinef(env.Stderr, "git-session", "tag %s could not be created: %s", f.Tag, f.Error)
			}
			for _, c := range res.Conflicts() {
				cli.ErrorLinef(env.Stderr, "git-session", "tag %s is on %s, not on this commit; left as it is", c.Tag, gitrepo.Short(c.Existing))
			}
		}
		if err != nil {
			return explain(err)
		}
		if res != nil && len(res.Conflicts())+len(res.Failed()) > 0 {
			return cli.Exit(cli.ExitFailed)
		}
		return nil
	},
}
