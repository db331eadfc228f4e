package gitrepo

import (
	"context"
	"strings"
)

// CommitEmpty makes a commit that changes no file, with message, and
// returns its hash.
func (r *Repo) CommitEmpty(ctx context.Context, message string) (string, error) {
	args := append(append([]string{}, summaryArgs...), "--no-verify", "--allow-empty", "--file=-")
	var out string
	err := whileContended(ctx, func() (err error) {
		out, err = r.GitInput(ctx, strings.NewReader(message), args...)
		return err
	})
	if err != nil {
		return "", err
	}
	return r.madeCommit(ctx, args, []byte(out))
}

// Unstage resets paths in the index to HEAD, leaving the files alone.
func (r *Repo) Unstage(ctx context.Context, paths ...string) error {
	_, err := r.Git(ctx, append([]string{"reset", "--quiet", "--"}, literal(paths)...)...)
	return err
}
