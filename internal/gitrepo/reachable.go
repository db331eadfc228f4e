package gitrepo

import (
	"context"
	"errors"
	"os/exec"
	"strings"
)

// TagsMerged lists the names of tags matching the glob pattern whose
// commits are reachable from rev (git tag --merged): one process for the
// whole set, however many tags there are.
func (r *Repo) TagsMerged(ctx context.Context, rev, pattern string) ([]string, error) {
	out, err := r.Git(ctx, "tag", "--merged", rev, "--list", "--", pattern)
	if err != nil || out == "" {
		return nil, err
	}
	return strings.Split(out, "\n"), nil
}

// RevList lists the commit hashes git rev-list selects with args
// ("A", "^B", "--no-merges", ...), newest first.
func (r *Repo) RevList(ctx context.Context, args ...string) ([]string, error) {
	out, err := r.Git(ctx, append([]string{"rev-list"}, args...)...)
	if err != nil || out == "" {
		return nil, err
	}
	return strings.Split(out, "\n"), nil
}

// IsAncestor reports whether commit a is reachable from commit b (a commit
// is its own ancestor).
func (r *Repo) IsAncestor(ctx context.Context, a, b string) (bool, error) {
	_, err := r.Git(ctx, "merge-base", "--is-ancestor", a, b)
	if err == nil {
		return true, nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 1 {
		return false, nil
	}
	return false, err
}

// HasObject reports whether the commit hash is present in the object store.
func (r *Repo) HasObject(ctx context.Context, hash string) bool {
	_, err := r.Git(ctx, "cat-file", "-e", hash+"^{commit}")
	return err == nil
}
