package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/session"
)

const hookUsage = `Usage: git session hook post-commit
       git session hook post-merge [0|1]
       git session hook post-rewrite [amend|rebase] < OLD-NEW-LINES

Run by the hooks that 'verdigris install' places.

post-commit creates the tags that the new commit's session markers, and
the archived session records it adds or changes, call for (exactly as 'git
session sync' would: a record's end tag has the record's message, also on
a "session: archive ID (TITLE)" commit made by hand), makes a session it
opens this worktree's active one when there is none, and ends the active
one when the commit closes it. A commit without markers costs one
in-process read of HEAD. Commits replayed by a rebase, and an amend when
the post-rewrite hook runs, are left to post-rewrite.

post-merge does the same for the merge commit that 'git merge' or 'git
pull' has just made (git runs post-merge for it, not post-commit). A
fast-forward, and a squash merge (1: nothing is committed yet), are left
alone: the commits a fast-forward brings were tagged where they were made,
or by 'git session sync' in CI.

post-rewrite reads what git gives the hook after 'git commit --amend' and a
rebase: one "OLD NEW" line per rewritten commit. The session tags of a
rewritten commit move to its copy: a tag that was never pushed (the default
remote has none of that name) is deleted from the old commit, the new
commit's markers are tagged (a marker commit's copy has a new committer
time, so a new id: the one a clone of the rewritten history derives), and
a tag whose name does not depend on the commit is made again on the copy.
A pushed tag is never moved: it stays, with a warning saying what to do.
The active session follows its starting commit.

All three print only to stderr and exit 1 on a tag conflict (the commit,
the merge or the rewrite is done either way).
`

var hookCmd = &cli.Command{
	Name:     "hook",
	Usage:    hookUsage,
	Commands: []*cli.Command{hookPostCommitCmd, hookPostMergeCmd, hookPostRewriteCmd},
}

var hookPostCommitCmd = &cli.Command{
	Name:  "post-commit",
	Usage: hookUsage,
	Run: func(ctx context.Context, env *cli.Env, _ *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git session hook post-commit", args, 0, 0); err != nil {
			return err
		}
		return postCommit(ctx, env)
	},
}

var hookPostMergeCmd = &cli.Command{
	Name:  "post-merge",
	Usage: hookUsage,
	Run: func(ctx context.Context, env *cli.Env, _ *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git session hook post-merge", args, 0, 1); err != nil {
			return err
		}
		squash := ""
		if len(args) == 1 {
			squash = args[0]
		}
		if squash != "" && squash != "0" && squash != "1" {
			return cli.Usagef("git session hook post-merge: %q is not 0 or 1", squash).WithHint("this command is run by the post-merge hook, which passes git's squash flag; install it with 'verdigris install'")
		}
		if squash == "1" {
			return nil // a squash merge commits nothing: the commit that follows runs post-commit
		}
		return postMerge(ctx, env)
	},
}

var hookPostRewriteCmd = &cli.Command{
	Name:  "post-rewrite",
	Usage: hookUsage,
	Run: func(ctx context.Context, env *cli.Env, _ *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git session hook post-rewrite", args, 0, 1); err != nil {
			return err
		}
		kind := ""
		if len(args) == 1 {
			kind = args[0]
		}
		if kind != "" && kind != "amend" && kind != "rebase" {
			return cli.Usagef("git session hook post-rewrite: %q is not amend or rebase", kind).WithHint("this command is run by the post-rewrite hook; install it with 'verdigris install'")
		}
		return postRewrite(ctx, env, kind)
	},
}

func postCommit(ctx context.Context, env *cli.Env) error {
	return tagHead(ctx, env, session.PostCommit)
}

// postMerge: a merge without markers, a fast-forward's included, costs
// what a commit without them does.
func postMerge(ctx context.Context, env *cli.Env) error {
	return tagHead(ctx, env, session.PostMerge)
}

// tagHead runs a hook's tagging of the commit HEAD names. The common
// case, a commit without markers, is decided without starting a single
// git process.
func tagHead(ctx context.Context, env *cli.Env, hook func(context.Context, *gitrepo.Repo, func(string) string) (*session.HookResult, error)) error {
	if msg, ok := gitrepo.HeadMessage(env.Dir, env.Env); ok && !session.MightHaveMarkers(msg) {
		return nil
	}
	r, err := cli.OpenRepo(ctx, env)
	if err != nil {
		return err
	}
	res, err := hook(ctx, r, env.Env)
	return reportHook(env, res, err, true)
}

func postRewrite(ctx context.Context, env *cli.Env, kind string) error {
	rws, err := session.ParseRewrites(env.Stdin)
	if err != nil {
		var in *session.RewriteInputError
		if errors.As(err, &in) {
			return cli.Usagef("git session hook post-rewrite: %v", err).WithHint("this command is run by the post-rewrite hook, which passes one \"OLD NEW\" line per rewritten commit on stdin")
		}
		return cli.Failf("reading the rewritten commits: %v", err)
	}
	if len(rws) == 0 {
		return nil
	}
	r, err := cli.OpenRepo(ctx, env)
	if err != nil {
		return err
	}
	res, err := session.PostRewrite(ctx, r, kind, rws)
	return reportHook(env, res, err, false)
}

// reportHook prints what a hook run did on stderr; a conflict or a tag git
// refused is exit 1. head: the tags are HEAD's (post-commit), so a
// conflict names "this commit" rather than the commit.
func reportHook(env *cli.Env, res *session.HookResult, err error, head bool) error {
	if res != nil {
		for _, t := range res.Tags {
			if t.Status == session.TagCreated && t.Source != session.SourceRewrite {
				fmt.Fprintf(env.Stderr, "git-session: tagged %s\n", cli.Printable(t.Tag))
			}
		}
		for _, w := range res.Warnings {
			warnf(env, "%s", w)
		}
		for _, h := range res.Hints {
			cli.HintLinef(env.Stderr, "git-session", "%s", h)
		}
		for _, n := range res.Notes {
			// Notes name tags found in the repository, which git lets
			// hold a bidirectional override.
			fmt.Fprintf(env.Stderr, "git-session: %s\n", cli.Printable(n))
		}
		for _, f := range res.Failed() {
			cli.ErrorLinef(env.Stderr, "git-session", "tag %s could not be created: %s", f.Tag, f.Error)
		}
		for _, c := range res.Conflicts() {
			on := "this commit"
			if !head {
				on = gitrepo.Short(c.Commit)
			}
			cli.ErrorLinef(env.Stderr, "git-session", "tag %s is on %s, not on %s; left as it is", c.Tag, gitrepo.Short(c.Existing), on)
		}
		// The commit is made whatever the hook says: the hint is the way
		// to the tag it did not get.
		switch cs := res.Conflicts(); {
		case len(cs) == 1:
			cli.HintLinef(env.Stderr, "git-session", "inspect it with 'git show %s'; if it is the wrong one, delete it (git tag -d, and on the remote) and run 'git session sync'", cs[0].Tag)
		case len(cs) > 1:
			cli.HintLinef(env.Stderr, "git-session", "inspect each with 'git show TAG'; delete a wrong one (git tag -d TAG, and on the remote) and run 'git session sync'")
		}
		if len(res.Failed()) > 0 {
			cli.HintLinef(env.Stderr, "git-session", "fix what git says, then run 'git session sync' to make the tags")
		}
	}
	if err != nil {
		return explain(err)
	}
	if res != nil && len(res.Conflicts())+len(res.Failed()) > 0 {
		return cli.Exit(cli.ExitFailed)
	}
	return nil
}
