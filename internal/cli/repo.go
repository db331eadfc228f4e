package cli

import (
	"context"
	"errors"
	"path/filepath"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// OpenRepo opens the repository the command runs in, with the standard
// error and hint when there is none.
func OpenRepo(ctx context.Context, env *Env) (*gitrepo.Repo, error) {
	r, err := gitrepo.Open(ctx, env.Dir)
	if err != nil {
		return nil, RepoError(err)
	}
	return r, nil
}

// RepoError is gitrepo.Open's error as the commands report it: what is
// wrong (git refuses the repository, its git directory is gone, none at
// all) and the hint that fixes it.
func RepoError(err error) error {
	var missing *gitrepo.MissingGitDirError
	switch {
	case errors.As(err, &missing) && missing.NotGitDir:
		return Failf("GIT_DIR names %s, which is not a git directory", missing.GitDir).WithHint("set GIT_DIR to the repository's git directory, or unset it")
	case errors.As(err, &missing) && missing.Top == "":
		return Failf("GIT_DIR names %s, which does not exist", missing.GitDir).WithHint("set GIT_DIR to the repository's git directory, or unset it")
	case errors.As(err, &missing):
		return Failf("%s names the git directory %s, which does not exist", filepath.Join(missing.Top, ".git"), missing.GitDir).WithHint("if the repository was moved, run in it: git worktree repair %s", ShellWord(missing.Top))
	}
	if errors.Is(err, gitrepo.ErrNoGit) {
		return Failf("%v", err).WithHint("install git, or add the directory that holds it to PATH, then re-run the command")
	}
	if errors.Is(err, gitrepo.ErrWorkdirGone) {
		return Failf("%v (deleted while the shell was in it, as a checkout of a branch without it does)", err).WithHint("cd to a directory that exists (the repository's root, say) and run the command again")
	}
	if errors.Is(err, gitrepo.ErrNotRepo) {
		return Failf("not inside a git repository").WithHint("cd into a repository (or run 'git init') and try again")
	}
	var unreadable *gitrepo.UnreadableRepoError
	if errors.As(err, &unreadable) {
		e := Failf("%v", unreadable)
		switch {
		case unreadable.Newer:
			return e.WithHint("the repository needs a newer git than the one on PATH (git --version): upgrade git")
		case strings.HasPrefix(unreadable.Reason, "bad config line"):
			return e.WithHint("fix that line of the file (git cannot read it), then run the command again")
		}
		return e.WithHint("fix what git reports, then run the command again")
	}
	var unsafe *gitrepo.UnsafeRepoError
	if errors.As(err, &unsafe) {
		return Failf("%v", unsafe).WithHint("if you trust it, run: git config --global --add safe.directory %s", ShellWord(unsafe.Path))
	}
	return err
}

// OpenWorktree is OpenRepo for commands that need a working tree.
func OpenWorktree(ctx context.Context, env *Env) (*gitrepo.Repo, error) {
	r, err := OpenRepo(ctx, env)
	switch {
	case err != nil || r.Root != "":
		return r, err
	case r.InGitDir:
		// Inside .git git finds no working tree, though the repository
		// has one: calling it bare sent users looking for a clone.
		e := Failf("this command needs a working tree, and it runs inside the git directory %s", r.GitDir)
		if wt := r.WorktreeOf(ctx); wt != "" {
			return nil, e.WithHint("run it from the working tree: cd %s", ShellWord(wt))
		}
		return nil, e.WithHint("run it from the repository's working tree, outside its git directory")
	}
	return nil, Failf("this command needs a working tree, and this is a bare repository").WithHint("run it from a clone or a worktree")
}

// ShellWord quotes s for a POSIX shell when it needs it, so that a command
// a hint gives works when pasted (a path holding a space was two words).
func ShellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:@,=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
