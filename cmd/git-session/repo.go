package main

import (
	"context"
	"errors"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/config"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/session"
)

// manager opens the worktree the command runs in.
func manager(ctx context.Context, env *cli.Env) (*session.Manager, error) {
	r, err := cli.OpenWorktree(ctx, env)
	if err != nil {
		return nil, err
	}
	m, err := session.NewManager(r)
	if err != nil {
		return nil, explain(err)
	}
	return m, nil
}

// explain turns the session package's errors into one-line messages with
// a hint saying what to do.
func explain(err error) error {
	var (
		active    *session.ActiveError
		conflict  *session.ConflictError
		exists    *session.RecordExistsError
		ignored   *session.IgnoredRecordError
		push      *session.PushError
		rng       *session.RangeError
		cfg       *config.Error
		state     *session.StateError
		ahead     *session.RemoteAheadError
		rtag      *session.RemoteTagError
		nopush    *gitrepo.NoPushTargetError
		unborn    *session.UnbornError
		unknown   *session.UnknownSessionError
		keyText   *session.KeyTextError
		ambiguous *session.AmbiguousIDError
		inProg    *gitrepo.InProgressError
		file      *session.FileError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &keyText):
		return cli.Usagef("%v", err).WithHint("a session's title, goals, agent and notes are kept in its tags and commits, which every clone gets: leave the key out (and rotate it if it was shared)")
	case errors.Is(err, session.ErrNoSession):
		return cli.Failf("%v", err).WithHint("start one with 'git session start TITLE'")
	case errors.As(err, &active):
		return cli.Failf("%v, started %s", err, active.State.Created.Format("2006-01-02 15:04 UTC")).
			WithHint("end it with 'git session end' first; for a parallel session use another worktree (git worktree add)")
	case errors.Is(err, session.ErrNoCommits):
		return cli.Failf("%v", err).WithHint("make a first commit, then start the session")
	case errors.As(err, &unborn):
		return cli.Failf("%v", err).WithHint("commit on %s first, or start the session on a branch that has commits (git switch %s)", unborn.Branch, gitrepo.PreferredBranch(unborn.Others))
	case errors.As(err, &inProg):
		return cli.Failf("%v", err).WithHint("finish it (git %s --continue, or git commit) or abort it (git %s --abort), then run 'git session end' again", inProg.Op, inProg.Op)
	case errors.Is(err, session.ErrDetached):
		return cli.Failf("%v", err).WithHint("check out a branch (git switch BRANCH, or git switch -c NEW) and run 'git session end' again")
	case errors.As(err, &ahead):
		pull := "git pull"
		if ahead.PushURLs > 0 {
			cmd, each := cli.PushURLCommand("git pull URL "+ahead.Ref, ahead.Remote, ahead.PushURLs)
			pull = cmd + each
		}
		return cli.Failf("%v", err).WithHint("bring them in first (%s), then run 'git session end --push' again", pull)
	case errors.As(err, &rtag):
		ls, each := cli.PushURLCommand("git ls-remote URL refs/tags/"+rtag.Tag, rtag.Remote, rtag.PushURLs)
		return cli.Failf("%v", err).WithHint("tags are never moved: see which commit is right with 'git show %s' and '%s'%s; delete the wrong one, or run 'git session end' without --push and push the branch alone", rtag.Tag, ls, each)
	case errors.As(err, &nopush) && nopush.Tracked != "":
		return cli.Failf("--push: %v", err).WithHint("to push to %s/%s, run 'git -c push.default=upstream session end --push'; to %s/%s, 'git -c push.default=current session end --push'", nopush.Remote, nopush.Tracked, nopush.Remote, nopush.Branch)
	case errors.As(err, &nopush) && nopush.Matching:
		return cli.Failf("--push: %v", err).WithHint("run 'git -c push.default=current session end --push' to make %s/%s, or push the branch once yourself (git push -u %s %s) and run 'git session end --push' again", nopush.Remote, nopush.Branch, nopush.Remote, nopush.Branch)
	case errors.As(err, &nopush):
		return cli.Failf("--push: %v", err).WithHint("set where git push sends it (push.default, remote.%s.push), or run 'git session end' without --push and push the branch and the tags yourself", nopush.Remote)
	case errors.Is(err, session.ErrNoRemote):
		return cli.Failf("%v", err).WithHint("add one (git remote add origin URL), or run without --push")
	case errors.As(err, &unknown):
		return cli.Failf("%v", err).WithHint("'git session list' shows the recorded sessions, 'git tag -l \"session-*\"' the tagged ones")
	case errors.As(err, &ambiguous):
		return cli.Failf("%v", err).WithHint("give more of the id (git session show %s); 'git session list' lists the sessions", ambiguous.IDs[0])
	case errors.As(err, &conflict):
		return cli.Failf("%v", err).WithHint("tags are never moved: inspect it with 'git show %s'; if it is wrong, delete it (git tag -d %s) and run the command again", conflict.Tag, conflict.Tag)
	case errors.As(err, &ignored):
		return cli.Failf("%v", err).WithHint("remove that rule from %s, or set [session] dir in toolchain.toml to a directory git does not ignore", ignored.Rule.Source)
	case errors.As(err, &file) && file.Dir != "":
		return cli.Failf("%v", err).WithHint("make %s a directory, or set [session] dir in %s to another one", file.Dir, config.FileName)
	case errors.As(err, &file) && file.Link:
		return cli.Failf("%v", err).WithHint("remove the link (rm %s): the record is written there as a file, which git commits; then run 'git session end' again", cli.ShellWord(file.Path))
	case errors.As(err, &file):
		return cli.Failf("%v", err).WithHint("move it away, then run 'git session end' again")
	case errors.As(err, &exists):
		return cli.Failf("%v", err).WithHint("move that file away, then run 'git session end' again")
	case errors.As(err, &push):
		return cli.Failf("%v", err).WithHint("push them yourself once the remote accepts them: git push --atomic %s %s", push.Remote, strings.Join(push.Refspecs, " "))
	case errors.As(err, &rng):
		if rng.Hint != "" {
			return cli.Usagef("%v", err).WithHint("%s", rng.Hint)
		}
		return cli.Usagef("%v", err).WithHint("give --range A..B with commits of this repository (in CI, check out the full history: fetch-depth: 0)")
	case errors.As(err, &state):
		return cli.Failf("%v", err).WithHint("the session's commits and tags are safe in git: move the file away (mv %s %s.bad) to drop the active session, then start or sync again", state.Path, state.Path)
	case errors.As(err, &cfg) && cfg.Hint != "":
		return cli.Failf("%v", err).WithHint("%s", cfg.Hint)
	case errors.As(err, &cfg):
		return cli.Failf("%v", err).WithHint("fix %s ([session] dir is where records go)", config.FileName)
	}
	var ge *gitrepo.Error
	if errors.As(err, &ge) {
		return cli.Failf("%v", err).WithHint("fix what git reports, then run the command again (nothing was lost: the session and any written record are kept)")
	}
	return err
}

// text joins the words of a positional argument list ("start fix the bug"
// works without quotes) and refuses an empty one.
func text(name string, args []string) (string, error) {
	t := strings.TrimSpace(strings.Join(args, " "))
	if t == "" {
		return "", cli.Usagef("%s: missing %s", name, map[bool]string{true: "TITLE", false: "TEXT"}[strings.HasSuffix(name, "start")]).
			WithHint("run '%s --help' for usage", name)
	}
	return t, nil
}

func warnf(env *cli.Env, format string, args ...any) {
	cli.Warnf(env.Stderr, "git-session", format, args...)
}
