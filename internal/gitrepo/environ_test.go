package gitrepo

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// git scry index --background with GIT_DIR=repo/.git GIT_WORK_TREE=repo
// started its run in the work tree, which read them from there.
func TestAbsEnvAnchorsRelativeRepositoryVariables(t *testing.T) {
	got := absEnv([]string{"GIT_DIR=repo/.git", "GIT_WORK_TREE=repo", "GIT_COMMON_DIR=/abs/common", "GIT_OBJECT_DIRECTORY=", "GIT_INDEX_FILE=idx", "HOME=home", "PATH=/bin"}, "/caller")
	want := []string{"GIT_DIR=/caller/repo/.git", "GIT_WORK_TREE=/caller/repo", "GIT_INDEX_FILE=/caller/idx"}
	if !slices.Equal(got, want) {
		t.Fatalf("absEnv = %q, want %q", got, want)
	}
	if got, want := withVars([]string{"A=1", "GIT_DIR=x", "B=2"}, got), []string{"A=1", "B=2", "GIT_DIR=/caller/repo/.git", "GIT_WORK_TREE=/caller/repo", "GIT_INDEX_FILE=/caller/idx"}; !slices.Equal(got, want) {
		t.Fatalf("withVars = %q, want %q", got, want)
	}
}

// A repository given by relative location variables (git
// --git-dir=../.dotfiles --work-tree=.. from a folder below $HOME sets
// them so for the subcommand) is the one every git the Repo starts
// reads: they ran in the top of the work tree (or the git directory)
// with the variables as given, which named other places there, and git
// log failed with "not a git repository: '../.dotfiles'".
func TestRelativeLocationVariablesFromAnotherFolder(t *testing.T) {
	ctx := context.Background()
	home := gitInit(t) // a repository of its own: $HOME's .git
	base := filepath.Dir(home)
	sub := filepath.Join(home, "sub")
	dotfiles := filepath.Join(home, ".dotfiles")
	gitRun(t, home, "init", "-q", "--bare", dotfiles)
	writeFile(t, filepath.Join(sub, "rc"), "alias ll='ls -l'\n")
	dot := func(args ...string) string {
		return gitRun(t, home, append([]string{"--git-dir=" + dotfiles, "--work-tree=" + home}, args...)...)
	}
	dot("add", "sub/rc")
	dot("commit", "-q", "-m", "dotfiles: rc")
	dot("commit", "-q", "--allow-empty", "-m", "dotfiles: second")
	first, second := dot("rev-parse", "HEAD~1"), dot("rev-parse", "HEAD")
	// Indexes of their own, as GIT_INDEX_FILE names them: relative to the
	// top of the work tree from inside it, where git goes, and to the
	// folder git was run in from outside it. (GIT_COMMON_DIR and
	// GIT_OBJECT_DIRECTORY given relative from below the top, git checks
	// in the folder it was run in and then reads in the top: no value
	// works for git itself.)
	for _, idx := range []string{filepath.Join(home, "top.idx"), filepath.Join(base, "out.idx")} {
		cmd := exec.Command("git", "--git-dir="+dotfiles, "--work-tree="+home, "read-tree", "HEAD")
		cmd.Dir = home
		cmd.Env = append(os.Environ(), "GIT_INDEX_FILE="+idx)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("read-tree: %v\n%s", err, out)
		}
	}

	vars := []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"}
	for _, k := range vars {
		t.Setenv(k, "") // restored after the test
		os.Unsetenv(k)
	}
	for i, c := range []struct {
		name, dir string
		env       []string
		bare      bool
	}{
		{"from a folder below the top", sub, []string{"GIT_DIR", "../.dotfiles", "GIT_WORK_TREE", ".."}, false},
		{"with an index of its own", sub, []string{"GIT_DIR", "../.dotfiles", "GIT_WORK_TREE", "..", "GIT_INDEX_FILE", "top.idx"}, false},
		{"from outside the work tree", base, []string{"GIT_DIR", "r/.dotfiles", "GIT_WORK_TREE", "r", "GIT_COMMON_DIR", "r/.dotfiles", "GIT_INDEX_FILE", "out.idx", "GIT_OBJECT_DIRECTORY", "r/.dotfiles/objects"}, false},
		{"without a work tree", base, []string{"GIT_DIR", "r/.dotfiles"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Chdir(c.dir)
			for j := 0; j+1 < len(c.env); j += 2 {
				t.Setenv(c.env[j], c.env[j+1])
			}
			// What git run here says the repository's files are.
			ask := []string{"rev-parse", "--path-format=absolute", "--absolute-git-dir", "--git-common-dir", "--git-path", "index", "--git-path", "objects"}
			want, err := exec.Command("git", ask...).Output()
			if err != nil {
				t.Fatalf("git rev-parse here: %v", err)
			}
			r, err := Open(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			if r.Bare != c.bare || !SameDir(r.GitDir, dotfiles) || (!c.bare && !SameDir(r.Root, home)) {
				t.Fatalf("Open = %+v", r)
			}
			// Opened again at the top (git vault reads the history of its
			// file so), the variables are still the caller's folder's.
			if again, err := Open(ctx, r.Dir()); err != nil || !SameDir(again.GitDir, dotfiles) || again.Root != r.Root {
				t.Fatalf("Open(%s) = %+v, %v", r.Dir(), again, err)
			}
			if got, err := r.Git(ctx, ask...); err != nil || got != strings.TrimSpace(string(want)) {
				t.Errorf("git rev-parse in %s = %q, %v; git here says %q", r.Dir(), got, err, want)
			}
			cs, err := r.Log(ctx, "HEAD")
			if err != nil || len(cs) != 2 || cs[0].Hash != second || cs[1].Hash != first {
				t.Fatalf("Log = %+v, %v; want the dotfiles' two commits", cs, err)
			}
			if h, err := r.ResolveCommit(ctx, "HEAD~1"); err != nil || h != first {
				t.Fatalf("ResolveCommit(HEAD~1) = %s, %v; want %s", h, err, first)
			}
			name := fmt.Sprintf("t%d", i)
			if err := r.CreateTag(ctx, name, first, "a tag", false); err != nil {
				t.Fatal(err)
			}
			if tag, ok, err := r.LookupTag(ctx, name); err != nil || !ok || tag.Commit != first {
				t.Fatalf("LookupTag = %+v, %v, %v", tag, ok, err)
			}
			if !c.bare {
				if files, err := r.Git(ctx, "ls-files"); err != nil || files != "sub/rc" {
					t.Errorf("ls-files = %q, %v; want the index's sub/rc", files, err)
				}
			}
		})
	}
	if tags := dot("tag", "-l"); tags != "t0\nt1\nt2\nt3" {
		t.Errorf("dotfiles' tags = %q", tags)
	}
	if tags := gitRun(t, home, "tag", "-l"); tags != "" {
		t.Errorf("the work tree's own repository got tags: %q", tags)
	}
}
