package gitrepo

import (
	"path/filepath"
	"testing"
)

// HeadFromFiles answers as git does, from a loose branch, a packed one, a
// detached HEAD and a linked worktree's HEAD, and is not sure of an
// unborn branch.
func TestHeadFromFiles(t *testing.T) {
	dir := gitInit(t)
	r := openRepo(t, dir)
	want := func(step string) {
		t.Helper()
		head := gitRun(t, dir, "rev-parse", "HEAD")
		if got, ok := r.HeadFromFiles(); !ok || got != head {
			t.Fatalf("%s: HeadFromFiles = %q, %v; want %s", step, got, ok, head)
		}
	}
	want("loose branch")
	gitRun(t, dir, "pack-refs", "--all")
	want("packed branch")
	gitRun(t, dir, "checkout", "-q", "--detach", "HEAD~1")
	want("detached")

	wt := filepath.Join(t.TempDir(), "wt")
	gitRun(t, dir, "worktree", "add", "-q", "-b", "side", wt, "main")
	gitRun(t, wt, "commit", "-q", "--allow-empty", "-m", "on side")
	w := openRepo(t, wt)
	head := gitRun(t, wt, "rev-parse", "HEAD")
	if got, ok := w.HeadFromFiles(); !ok || got != head {
		t.Fatalf("worktree: HeadFromFiles = %q, %v; want %s", got, ok, head)
	}

	gitRun(t, dir, "checkout", "-q", "--orphan", "unborn")
	if got, ok := r.HeadFromFiles(); ok {
		t.Fatalf("unborn branch: HeadFromFiles = %q, ok", got)
	}
}
