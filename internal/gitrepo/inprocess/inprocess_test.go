package inprocess_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	_ "github.com/verdigris-dev/verdigris/internal/gitrepo/inprocess"
)

// fixture is a repository with two commits, a file, and tags of every
// kind: lightweight, annotated, a tag of a tag, a tag of a tree; packed
// and loose.
func fixture(t *testing.T) (repo string, first, second string) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(dir, "gitconfig"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	os.WriteFile(filepath.Join(dir, "gitconfig"), []byte("[user]\nname = T\nemail = t@example.com\n[init]\ndefaultBranch = main\n"), 0o644)
	repo = filepath.Join(dir, "r")
	git(t, dir, "init", "-q", repo)
	os.MkdirAll(filepath.Join(repo, "notes"), 0o755)
	os.WriteFile(filepath.Join(repo, "notes", "a.md"), []byte("one\n"), 0o644)
	git(t, repo, "add", "-A")
	git(t, repo, "commit", "-q", "-m", "feat: first\n\nbody line\n\nSession-Start: Title")
	git(t, repo, "commit", "-q", "--allow-empty", "-m", "second")
	first, second = git(t, repo, "rev-parse", "HEAD~1"), git(t, repo, "rev-parse", "HEAD")
	git(t, repo, "tag", "s-light", first)
	git(t, repo, "tag", "-a", "-m", "end of it\n\nmore", "s-annotated", second)
	git(t, repo, "tag", "-a", "-m", "a tree", "s-tree", "HEAD^{tree}")
	git(t, repo, "tag", "other", second)
	git(t, repo, "pack-refs", "--all")
	git(t, repo, "tag", "-a", "-m", "outer", "s-nested", "s-annotated") // loose
	return repo, first, second
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// With the reader registered, a Repo reads commits, files and tags
// without git: these all work with no git on $PATH, and agree with what
// git says of the same repository.
func TestRepoReadsWithoutGit(t *testing.T) {
	ctx := context.Background()
	repo, first, second := fixture(t)
	r, err := gitrepo.Open(ctx, repo)
	if err != nil {
		t.Fatal(err)
	}
	wt := filepath.Join(filepath.Dir(repo), "wt")
	git(t, repo, "worktree", "add", "-q", "--detach", wt, "HEAD~1")
	rw, err := gitrepo.Open(ctx, wt)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := exec.LookPath("git"); err == nil {
		t.Fatal("git still on PATH")
	}
	// A linked worktree's HEAD is its own.
	if c, err := rw.Commit(ctx, "HEAD"); err != nil || c.Hash != first {
		t.Fatalf("Commit(HEAD) in a worktree = %+v, %v; want %s", c, err, first)
	}

	if h, err := r.ResolveCommit(ctx, "HEAD~1"); err != nil || h != first {
		t.Fatalf("ResolveCommit = %s, %v; want %s", h, err, first)
	}
	c, err := r.Commit(ctx, "HEAD~1")
	if err != nil || c.Hash != first || c.Subject != "feat: first" || c.Body != "body line\n\nSession-Start: Title" || c.AuthorEmail != "t@example.com" || len(c.Parents) != 0 {
		t.Fatalf("Commit = %+v, %v", c, err)
	}
	if c, err := r.Commit(ctx, "HEAD"); err != nil || !reflect.DeepEqual(c.Parents, []string{first}) {
		t.Fatalf("Commit(HEAD) = %+v, %v", c, err)
	}
	if c, err := r.Commit(ctx, "refs/heads/main~1"); err != nil || c.Hash != first {
		t.Fatalf("Commit(refs/heads/main~1) = %+v, %v", c, err)
	}
	if data, ok, err := r.FileAt(ctx, first, "notes/a.md"); err != nil || !ok || string(data) != "one\n" {
		t.Fatalf("FileAt = %q %v %v", data, ok, err)
	}
	if _, ok, err := r.FileAt(ctx, first, "notes/none.md"); ok || err != nil {
		t.Fatalf("FileAt of a missing file = %v %v", ok, err)
	}

	tags, err := r.Tags(ctx, "s-")
	if err != nil {
		t.Fatal(err)
	}
	want := []gitrepo.Tag{
		{Name: "s-annotated", Commit: second, Annotated: true, Message: "end of it\n\nmore\n"},
		{Name: "s-light", Commit: first},
		{Name: "s-nested", Commit: second, Annotated: true, Message: "outer\n"},
	}
	if !reflect.DeepEqual(tags, want) {
		t.Fatalf("Tags = %+v\nwant %+v (a tag of a tree left out)", tags, want)
	}
	if tg, ok, err := r.LookupTag(ctx, "s-nested"); err != nil || !ok || tg != want[2] {
		t.Fatalf("LookupTag = %+v %v %v", tg, ok, err)
	}
	if _, ok, err := r.LookupTag(ctx, "s-none"); ok || err != nil {
		t.Fatalf("LookupTag of no tag = %v %v", ok, err)
	}
}

// Revisions the reader does not understand, and objects it is not given
// a full hash for, are git's to answer.
func TestUnknownSyntaxFallsBackToGit(t *testing.T) {
	ctx := context.Background()
	repo, first, _ := fixture(t)
	r, err := gitrepo.Open(ctx, repo)
	if err != nil {
		t.Fatal(err)
	}
	if h, err := r.ResolveCommit(ctx, ":/feat: first"); err != nil || h != first {
		t.Fatalf("ResolveCommit(:/text) = %s, %v", h, err)
	}
	if data, ok, err := r.FileAt(ctx, "HEAD~1", "notes/a.md"); err != nil || !ok || string(data) != "one\n" {
		t.Fatalf("FileAt(HEAD~1) = %q %v %v", data, ok, err)
	}
}

func TestHeadMessageWithoutGit(t *testing.T) {
	repo, _, _ := fixture(t)
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	wt := filepath.Join(filepath.Dir(repo), "wt")
	git(t, repo, "worktree", "add", "-q", "--detach", wt, "HEAD~1")
	wtGitDir := git(t, wt, "rev-parse", "--absolute-git-dir")
	sub := filepath.Join(repo, "a", "b")
	os.MkdirAll(sub, 0o755)
	t.Setenv("PATH", t.TempDir())

	if msg, ok := gitrepo.HeadMessage(repo, env(nil)); !ok || msg != "second\n" {
		t.Fatalf("HeadMessage = %q, %v", msg, ok)
	}
	// From a subdirectory, and from a linked worktree (a .git file).
	if msg, ok := gitrepo.HeadMessage(sub, env(nil)); !ok || msg != "second\n" {
		t.Fatalf("from a subdirectory: %q, %v", msg, ok)
	}
	if msg, ok := gitrepo.HeadMessage(wt, env(nil)); !ok || msg != "feat: first\n\nbody line\n\nSession-Start: Title\n" {
		t.Fatalf("in a worktree: %q, %v", msg, ok)
	}
	// $GIT_DIR, as git sets it for hooks of linked worktrees, wins.
	if msg, ok := gitrepo.HeadMessage(repo, env(map[string]string{"GIT_DIR": wtGitDir})); !ok || msg[:4] != "feat" {
		t.Fatalf("with GIT_DIR: %q, %v", msg, ok)
	}
	// Not up into a ceiling directory, as git.
	if _, ok := gitrepo.HeadMessage(sub, env(map[string]string{"GIT_CEILING_DIRECTORIES": filepath.Join(repo, "a")})); ok {
		t.Fatal("went up through a ceiling")
	}
	// Not a repository: not sure, so not ok.
	if _, ok := gitrepo.HeadMessage(t.TempDir(), env(nil)); ok {
		t.Fatal("outside a repository")
	}
}

// TestCommitInAnotherEncodingReadInUTF8: a commit written with
// i18n.commitEncoding=ISO-8859-1 was read with its Latin-1 bytes, where
// git log (what sync reads history with) gives UTF-8: the post-commit
// hook tagged a marker with another message than CI's sync.
func TestCommitInAnotherEncodingReadInUTF8(t *testing.T) {
	ctx := context.Background()
	repo, _, _ := fixture(t)
	git(t, repo, "-c", "i18n.commitEncoding=ISO-8859-1", "commit", "-q", "--allow-empty", "-m", "feat: caf\xe9 au lait")
	r, err := gitrepo.Open(ctx, repo)
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.Commit(ctx, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "feat: café au lait" {
		t.Fatalf("subject %q, want feat: café au lait", c.Subject)
	}
}

// A repository git was given (--git-dir, GIT_DIR, GIT_COMMON_DIR) is the
// one read, not the .git at the top of its work tree: a dotfiles
// repository (git --git-dir=$HOME/.dotfiles --work-tree=$HOME) in a
// $HOME that is another repository had that one's HEAD, refs and objects
// read for its own.
func TestRepoGivenByGitDirReadsItsOwn(t *testing.T) {
	ctx := context.Background()
	home, _, homeHead := fixture(t)
	dotfiles := filepath.Join(home, ".dotfiles")
	git(t, home, "init", "-q", "--bare", dotfiles)
	dot := func(args ...string) string {
		return git(t, home, append([]string{"--git-dir=" + dotfiles, "--work-tree=" + home}, args...)...)
	}
	dot("commit", "-q", "--allow-empty", "-m", "dotfiles: first")
	dot("commit", "-q", "--allow-empty", "-m", "dotfiles: second\n\nSession-Start: Aliases")
	dot("tag", "s-dot", "HEAD~1")
	dot("branch", "side", "HEAD~1")
	first, second := dot("rev-parse", "HEAD~1"), dot("rev-parse", "HEAD")
	// A git directory of its own HEAD alone, on side; the refs and
	// objects are those GIT_COMMON_DIR names.
	own := filepath.Join(t.TempDir(), "own")
	os.MkdirAll(own, 0o755)
	os.WriteFile(filepath.Join(own, "HEAD"), []byte("ref: refs/heads/side\n"), 0o644)

	vars := []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR"}
	for _, k := range vars {
		t.Setenv(k, "") // restored after the test
		os.Unsetenv(k)
	}
	open := func(env ...string) *gitrepo.Repo {
		t.Helper()
		for i := 0; i+1 < len(env); i += 2 {
			os.Setenv(env[i], env[i+1])
		}
		r, err := gitrepo.Open(ctx, home)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range vars {
			os.Unsetenv(k)
		}
		return r
	}
	r := open("GIT_DIR", dotfiles, "GIT_WORK_TREE", home)
	ro := open("GIT_DIR", own, "GIT_WORK_TREE", home, "GIT_COMMON_DIR", dotfiles)
	if r.Root != home || ro.Root != home || ro.CommonDir != dotfiles {
		t.Fatalf("opened %+v and %+v", r, ro)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := exec.LookPath("git"); err == nil {
		t.Fatal("git still on PATH")
	}
	if c, err := r.Commit(ctx, "HEAD"); err != nil || c.Hash != second || c.Body != "Session-Start: Aliases" {
		t.Fatalf("Commit(HEAD) = %+v, %v; want %s, not the work tree's .git's %s", c, err, second, homeHead)
	}
	if h, err := r.ResolveCommit(ctx, "HEAD~1"); err != nil || h != first {
		t.Fatalf("ResolveCommit(HEAD~1) = %s, %v; want %s", h, err, first)
	}
	if tags, err := r.Tags(ctx, "s-"); err != nil || len(tags) != 1 || tags[0].Name != "s-dot" || tags[0].Commit != first {
		t.Fatalf("Tags = %+v, %v; want s-dot alone", tags, err)
	}
	if c, err := ro.Commit(ctx, "HEAD"); err != nil || c.Hash != first {
		t.Fatalf("with GIT_COMMON_DIR: Commit(HEAD) = %+v, %v; want %s", c, err, first)
	}
}
