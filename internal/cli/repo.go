package cli

import (
	"context"
	"errors"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// OpenRepo opens the repository the command runs in, with the standard
// error and hint when there is none.
func OpenRepo(ctx context.Context, env *Env) (*gitrepo.Repo, error) {
	r, err := gitrepo.Open(ctx, env.Dir)
	if errors.Is(err, gitrepo.ErrNotRepo) {
		return nil, Failf("not inside a git repository").WithHint("cd into a repository (or run 'git init') and try again")
	}
	var unsafe *gitrepo.UnsafeRepoError
	if errors.As(err, &unsafe) {
		return nil, Failf("%v", unsafe).WithHint("if you trust it, run: git config --global --add safe.directory %s", unsafe.Path)
	}
	return r, err
}

// OpenWorktree is OpenRepo for commands that need a working tree.
func OpenWorktree(ctx context.Context, env *Env) (*gitrepo.Repo, error) {
	r, err := OpenRepo(ctx, env)
	if err == nil && r.Root == "" {
		return nil, Failf("this command needs a working tree, and this is a bare repository").WithHint("run it from a clone or a worktree")
	}
	return r, err
}
