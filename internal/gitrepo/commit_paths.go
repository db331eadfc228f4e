package gitrepo

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// InProgressError is a merge, cherry-pick or revert stopped in this
// worktree (a conflict, --no-commit), during which git commits no path
// alone: "cannot do a partial commit during a merge".
type InProgressError struct {
	Op string // "merge", "cherry-pick" or "revert"
}

func (e *InProgressError) Error() string {
	return fmt.Sprintf("a %s is in progress in this worktree, and git commits no file alone during it", e.Op)
}

// OperationInProgress returns the merge, cherry-pick or revert stopped
// in this worktree, nil when there is none. Each leaves its head in the
// worktree's git dir until it is committed or aborted.
func (r *Repo) OperationInProgress() *InProgressError {
	for _, op := range []struct{ head, name string }{
		{"MERGE_HEAD", "merge"}, {"CHERRY_PICK_HEAD", "cherry-pick"}, {"REVERT_HEAD", "revert"},
	} {
		if _, err := os.Stat(filepath.Join(r.GitDir, op.head)); err == nil {
			return &InProgressError{Op: op.name}
		}
	}
	return nil
}

// CommitPaths commits exactly paths (added to the index first), their
// contents in the working tree, and returns the new commit's hash. Every
// other staged or unstaged change is left as it was: `git commit --only`
// builds the commit from HEAD plus these paths and keeps the rest of the
// index. The commit-msg and pre-commit hooks are skipped because the
// message and content are generated, not typed; the post-commit hook
// runs, with env added to its environment. A moment's contention with
// another git process writing the index or HEAD is waited out
// (whileContended).
func (r *Repo) CommitPaths(ctx context.Context, message string, env []string, paths ...string) (string, error) {
	// Paths, not pathspecs: a glob in a name matched other files too,
	// and they went into the commit.
	paths = literal(paths)
	// Refused before the add: git commit --only would refuse after it,
	// leaving the paths staged in the merge (or the pick), for the
	// user's commit of it to take.
	if e := r.OperationInProgress(); e != nil {
		return "", e
	}
	if err := whileContended(ctx, func() error {
		_, err := r.Git(ctx, append([]string{"add", "--"}, paths...)...)
		return err
	}); err != nil {
		return "", err
	}
	// A commit another process makes between the add and ours (a commit
	// loop beside git session end) takes the staged paths, and ours found
	// nothing to commit. --only commits the paths as the working tree has
	// them whatever is staged, so ours, empty then, still holds them, and
	// it is the commit a caller tags. (Staged as intent-to-add instead,
	// the paths went into no such commit, but a git commit that read the
	// index before ours and wrote it back after, as a plain git commit
	// does, put them out of the index, and the next commit deleted them.)
	args := append(append([]string{}, summaryArgs...), "--no-verify", "--only", "--allow-empty", "--file=-", "--")
	args = append(args, paths...)
	var stdout bytes.Buffer
	err := whileContended(ctx, func() error {
		cmd := r.command(ctx, args...)
		cmd.Env = append(cmd.Env, env...)
		cmd.Stdin = strings.NewReader(message)
		var stderr bytes.Buffer
		stdout.Reset()
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return &Error{Args: args, Stderr: stderr.String(), Err: err}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return r.madeCommit(ctx, args, stdout.Bytes())
}

// UndoCommit moves the current branch from commit, which must still be
// HEAD, back to its parent; the index and the files are left as they are
// (the caller puts them back). The reflog says why.
func (r *Repo) UndoCommit(ctx context.Context, commit, why string) error {
	parent, err := r.ResolveCommit(ctx, commit+"^")
	if err != nil {
		return err
	}
	_, err = r.Git(ctx, "update-ref", "-m", why, "HEAD", parent, commit)
	return err
}

// IsAncestor reports whether commit a is reachable from commit b.
func (r *Repo) IsAncestor(ctx context.Context, a, b string) (bool, error) {
	_, err := r.Git(ctx, "merge-base", "--is-ancestor", a, b)
	if exitedOne(err) {
		return false, nil
	}
	return err == nil, err
}
