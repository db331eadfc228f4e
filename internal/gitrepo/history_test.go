package gitrepo

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// Discover finds what Open finds, without a git process, or declines.
func TestDiscoverAgreesWithOpen(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	os.MkdirAll(filepath.Join(dir, "sub", "deeper"), 0o755)
	wt := filepath.Join(t.TempDir(), "wt")
	gitRun(t, dir, "worktree", "add", "-q", wt)
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, d := range []string{dir, filepath.Join(dir, "sub", "deeper"), wt} {
		want, err := Open(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := Discover(d, env())
		if !ok {
			t.Fatalf("Discover(%s) declined", d)
		}
		if got.Root != want.Root || got.GitDir != want.GitDir || got.CommonDir != want.CommonDir || got.StateDir() != want.StateDir() {
			t.Errorf("Discover(%s) = %+v; Open = %+v", d, got, want)
		}
	}
	if _, ok := Discover(dir, env("GIT_DIR", filepath.Join(dir, ".git"))); ok {
		t.Error("Discover with GIT_DIR set did not decline")
	}
	bare := filepath.Join(t.TempDir(), "bare.git")
	gitRun(t, dir, "clone", "-q", "--bare", dir, bare)
	if _, ok := Discover(bare, env()); ok {
		t.Error("Discover in a bare repository did not decline")
	}
	// A git directory inside a worktree is the repository git opens
	// there, not the worktree's (its index was searched).
	inner := filepath.Join(dir, "inner.git")
	gitRun(t, dir, "clone", "-q", "--bare", dir, inner)
	for _, d := range []string{inner, filepath.Join(inner, "refs"), filepath.Join(dir, ".git"), filepath.Join(dir, ".git", "objects"), filepath.Join(dir, ".git", "worktrees", "wt")} {
		if got, ok := Discover(d, env()); ok {
			t.Errorf("Discover(%s) in a git directory did not decline: %+v", d, got)
		}
	}
	if _, ok := Discover(t.TempDir(), env("GIT_CEILING_DIRECTORIES", os.TempDir())); ok {
		t.Error("Discover outside a repository found one")
	}
}
