package gitrepo

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestHeadMessageWithoutGit(t *testing.T) {
	repo := gitInit(t)
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	msg, ok := HeadMessage(filepath.Join(repo), env(nil))
	if !ok || msg != "second\n" {
		t.Fatalf("HeadMessage = %q, %v", msg, ok)
	}
	// From a subdirectory, and from a linked worktree (a .git file).
	sub := filepath.Join(repo, "a", "b")
	os.MkdirAll(sub, 0o755)
	if msg, ok := HeadMessage(sub, env(nil)); !ok || msg != "second\n" {
		t.Fatalf("from a subdirectory: %q, %v", msg, ok)
	}
	wt := filepath.Join(filepath.Dir(repo), "wt")
	for _, args := range [][]string{
		{"-C", repo, "worktree", "add", "-q", "--detach", wt, "HEAD~1"},
	} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	if msg, ok := HeadMessage(wt, env(nil)); !ok || msg != "feat: first\n\nbody line\n\nSession-Start: Title\n" {
		t.Fatalf("in a worktree: %q, %v", msg, ok)
	}
	// $GIT_DIR, as git sets it for hooks of linked worktrees, wins.
	gitDir, _ := exec.Command("git", "-C", wt, "rev-parse", "--absolute-git-dir").Output()
	if msg, ok := HeadMessage(repo, env(map[string]string{"GIT_DIR": string(gitDir[:len(gitDir)-1])})); !ok || msg[:4] != "feat" {
		t.Fatalf("with GIT_DIR: %q, %v", msg, ok)
	}
	// Not up into a ceiling directory, as git.
	if _, ok := HeadMessage(sub, env(map[string]string{"GIT_CEILING_DIRECTORIES": filepath.Join(repo, "a")})); ok {
		t.Fatal("went up through a ceiling")
	}
	// Not a repository: not sure, so not ok.
	if _, ok := HeadMessage(t.TempDir(), env(nil)); ok {
		t.Fatal("outside a repository")
	}
}
