package gitrepo

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// FileAt returns the contents of path (slash-separated, relative to the
// repository root) in commit, read in-process when the program has a
// reader (see ObjectReader); ok is false when the commit has no such file.
func (r *Repo) FileAt(ctx context.Context, commit, path string) (data []byte, ok bool, err error) {
	if o := r.objects(); o != nil {
		if data, found, ok := o.FileAt(commit, path); ok {
			return data, found, nil
		}
	}
	// No reader, an object it cannot read, or a revision that is not a
	// full hash.
	out, err := r.GitBytes(ctx, "cat-file", "blob", commit+":"+path)
	if err != nil {
		if _, verr := r.Git(ctx, "cat-file", "-e", commit+":"+path); verr != nil {
			return nil, false, nil
		}
		return nil, false, err
	}
	return out, true, nil
}

// CountCommits counts the commits git rev-list selects with args.
func (r *Repo) CountCommits(ctx context.Context, args ...string) (int, error) {
	out, err := r.Git(ctx, append([]string{"rev-list", "--count"}, args...)...)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(out))
}

// RebaseInProgress reports whether this worktree is in the middle of a
// rebase, whose commits are rewritten copies of commits made before.
// git am keeps its state in rebase-apply too, marked by an "applying"
// file (as git's own status tells them apart): its commits are new.
func (r *Repo) RebaseInProgress() bool {
	if _, err := os.Stat(filepath.Join(r.GitDir, "rebase-merge")); err == nil {
		return true
	}
	apply := filepath.Join(r.GitDir, "rebase-apply")
	if _, err := os.Stat(apply); err != nil {
		return false
	}
	_, err := os.Stat(filepath.Join(apply, "applying"))
	return err != nil
}

// IsShallow reports whether the repository is a shallow clone, whose
// history stops before the first commit.
func (r *Repo) IsShallow(ctx context.Context) bool {
	out, err := r.Git(ctx, "rev-parse", "--is-shallow-repository")
	return err == nil && out == "true"
}

// Upstream returns the remote and the branch name there that branch
// tracks, or "" when it tracks nothing.
func (r *Repo) Upstream(ctx context.Context, branch string) (remote, name string) {
	remote = r.Config(ctx, "branch."+branch+".remote")
	merge := r.Config(ctx, "branch."+branch+".merge")
	return remote, strings.TrimPrefix(merge, "refs/heads/")
}
