package gitrepo

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Without an in-process reader (this package's tests register none)
// HeadMessage cannot be sure of anything: the caller opens the repository
// and asks git. The reader's own tests are in package inprocess.
func TestHeadMessageNeedsAReader(t *testing.T) {
	repo := gitInit(t)
	if msg, ok := HeadMessage(repo, func(string) string { return "" }); ok {
		t.Fatalf("HeadMessage without a reader = %q, ok", msg)
	}
}

// Without a reader, tags are read through git, with the same answers as
// the reader gives (see package inprocess): peeled through tags of tags,
// the message of the tag itself, tags of trees left out.
func TestTagsFromGit(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	first, second := gitRun(t, dir, "rev-parse", "HEAD~1"), gitRun(t, dir, "rev-parse", "HEAD")
	gitRun(t, dir, "tag", "s-light", first)
	gitRun(t, dir, "tag", "-a", "-m", "end of it\n\nmore", "s-annotated", second)
	gitRun(t, dir, "tag", "-a", "-m", "outer", "s-nested", "s-annotated")
	gitRun(t, dir, "tag", "-a", "-m", "a tree", "s-tree", "HEAD^{tree}")
	gitRun(t, dir, "tag", "other", second)
	gitRun(t, dir, "tag", "s-dir/deeper", first)

	tags, err := r.Tags(ctx, "s-")
	if err != nil {
		t.Fatal(err)
	}
	want := []Tag{
		{Name: "s-annotated", Commit: second, Annotated: true, Message: "end of it\n\nmore\n"},
		{Name: "s-dir/deeper", Commit: first},
		{Name: "s-light", Commit: first},
		{Name: "s-nested", Commit: second, Annotated: true, Message: "outer\n"},
	}
	if !reflect.DeepEqual(tags, want) {
		t.Fatalf("Tags = %+v\nwant %+v", tags, want)
	}
	if tg, ok, err := r.LookupTag(ctx, "s-light"); err != nil || !ok || tg != want[2] {
		t.Fatalf("LookupTag(s-light) = %+v %v %v", tg, ok, err)
	}
	for _, name := range []string{"s-none", "s-tree", "s-dir"} {
		if tg, ok, err := r.LookupTag(ctx, name); ok || err != nil {
			t.Fatalf("LookupTag(%s) = %+v %v %v", name, tg, ok, err)
		}
	}
}

// A branch named like a tag is ambiguous to git push, which refuses the
// short name; a branch with a tag below its name (v2 and v2/x) is not.
func TestAmbiguousRef(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	gitRun(t, dir, "tag", "v1")
	gitRun(t, dir, "branch", "v1")
	gitRun(t, dir, "branch", "v2")
	gitRun(t, dir, "tag", "v2/x")
	for name, want := range map[string]bool{"v1": true, "v2": false, "v2/x": false, "nosuch": false} {
		if got := r.AmbiguousRef(ctx, name); got != want {
			t.Errorf("AmbiguousRef(%s) = %v, want %v", name, got, want)
		}
	}
}

// locate finds the git directory and the common directory git finds, in
// each layout: a worktree, a linked worktree (its commondir file), a
// repository given by GIT_DIR whose work tree holds another's .git (a
// dotfiles repository in $HOME), and GIT_COMMON_DIR, which git takes
// over a commondir file.
func TestLocateAgreesWithGit(t *testing.T) {
	home := gitInit(t)
	sub := filepath.Join(home, "sub")
	os.MkdirAll(sub, 0o755)
	dotfiles := filepath.Join(home, ".dotfiles")
	gitRun(t, home, "init", "-q", "--bare", dotfiles)
	gitRun(t, home, "--git-dir="+dotfiles, "--work-tree="+home, "commit", "-q", "--allow-empty", "-m", "dotfiles")
	gitRun(t, home, "--git-dir="+dotfiles, "branch", "side")
	wt := filepath.Join(t.TempDir(), "wt")
	gitRun(t, home, "worktree", "add", "-q", "--detach", wt)
	wtGitDir := gitRun(t, wt, "rev-parse", "--absolute-git-dir")
	// A git directory of its own HEAD alone, its refs and objects those
	// GIT_COMMON_DIR names.
	own := filepath.Join(t.TempDir(), "own")
	writeFile(t, filepath.Join(own, "HEAD"), "ref: refs/heads/side\n")

	for _, c := range []struct {
		name, dir string
		env       []string
		root      string
	}{
		{"worktree", sub, nil, home},
		{"linked worktree", wt, nil, wt},
		{"GIT_DIR relative", home, []string{"GIT_DIR", ".dotfiles"}, ""},
		{"GIT_DIR relative from below", sub, []string{"GIT_DIR", "../.dotfiles"}, ""},
		{"GIT_DIR absolute", sub, []string{"GIT_DIR", dotfiles}, ""},
		{"GIT_DIR of a linked worktree", home, []string{"GIT_DIR", wtGitDir}, ""},
		{"GIT_COMMON_DIR", home, []string{"GIT_DIR", own, "GIT_COMMON_DIR", ".dotfiles"}, ""},
		{"GIT_COMMON_DIR over commondir", home, []string{"GIT_DIR", wtGitDir, "GIT_COMMON_DIR", dotfiles}, ""},
		{"GIT_COMMON_DIR without GIT_DIR", sub, []string{"GIT_COMMON_DIR", dotfiles}, home},
	} {
		getenv := func(k string) string {
			for i := 0; i+1 < len(c.env); i += 2 {
				if c.env[i] == k {
					return c.env[i+1]
				}
			}
			return ""
		}
		cmd := exec.Command("git", "rev-parse", "--path-format=absolute", "--absolute-git-dir", "--git-common-dir")
		cmd.Dir = c.dir
		cmd.Env = os.Environ()
		for i := 0; i+1 < len(c.env); i += 2 {
			cmd.Env = append(cmd.Env, c.env[i]+"="+c.env[i+1])
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: git rev-parse: %v\n%s", c.name, err, out)
		}
		want := strings.Split(strings.TrimSpace(string(out)), "\n")
		gitDir, common, root := locate(c.dir, getenv)
		if !SameDir(gitDir, want[0]) || !SameDir(common, want[1]) || root != c.root {
			t.Errorf("%s: locate = %s, %s, %q; git says %s, %s; want root %q", c.name, gitDir, common, root, want[0], want[1], c.root)
		}
	}
}
