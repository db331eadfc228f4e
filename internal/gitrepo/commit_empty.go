package gitrepo

import (
	"context"
	"strings"
)

// CommitEmpty makes a commit that changes no file, with message, and
// returns its hash.
func (r *Repo) CommitEmpty(ctx context.Context, message string) (string, error) {
	if _, err := r.GitInput(ctx, strings.NewReader(message), "commit", "--quiet", "--no-verify", "--allow-empty", "--file=-"); err != nil {
		return "", err
	}
	return r.ResolveCommit(ctx, "HEAD")
}

// Unstage resets paths in the index to HEAD, leaving the files alone.
func (r *Repo) Unstage(ctx context.Context, paths ...string) error {
	_, err := r.Git(ctx, append([]string{"reset", "--quiet", "--"}, literal(paths)...)...)
	return err
}
