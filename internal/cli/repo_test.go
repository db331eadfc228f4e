package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// A command that needs a working tree, run inside the .git directory of
// a repository that has one, said "this is a bare repository" and sent
// the user to a clone.
func TestOpenWorktreeInsideGitDirIsNotBare(t *testing.T) {
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	ctx := context.Background()
	base := t.TempDir()
	top := filepath.Join(base, "my repo")
	if _, err := gitrepo.Init(ctx, top, "main"); err != nil {
		t.Fatal(err)
	}
	git := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git(top, "commit", "-q", "--allow-empty", "-m", "one")
	linked := filepath.Join(base, "linked")
	git(top, "worktree", "add", "-q", linked)
	bare := filepath.Join(base, "bare.git")
	git(base, "clone", "-q", "--bare", top, bare)
	realTop, _ := filepath.EvalSymlinks(top)
	realLinked, _ := filepath.EvalSymlinks(linked)

	for _, c := range []struct{ dir, msg, hint string }{
		{filepath.Join(top, ".git"), "runs inside the git directory", "run it from the working tree: cd '" + realTop + "'"},
		{filepath.Join(top, ".git", "hooks"), "runs inside the git directory", "run it from the working tree: cd '" + realTop + "'"},
		{filepath.Join(top, ".git", "worktrees", "linked"), "runs inside the git directory", "run it from the working tree: cd " + realLinked},
		{bare, "this is a bare repository", "run it from a clone or a worktree"},
	} {
		_, err := OpenWorktree(ctx, &Env{Dir: c.dir})
		var ce *Error
		if !errors.As(err, &ce) || !strings.Contains(ce.Msg, c.msg) || ce.Hint != c.hint {
			t.Errorf("in %s: got %v (hint %q), want %q with hint %q", c.dir, err, hintOf(ce), c.msg, c.hint)
		}
	}
	if r, err := OpenWorktree(ctx, &Env{Dir: linked}); err != nil || r.Root != realLinked {
		t.Errorf("in the linked worktree: %v, %v", r, err)
	}
}

func hintOf(e *Error) string {
	if e == nil {
		return ""
	}
	return e.Hint
}
