package gitrepo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestTagQueriesAndHistoryCounts(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t) // two commits on main
	r := openRepo(t, dir)
	first, second := gitRun(t, dir, "rev-parse", "HEAD~1"), gitRun(t, dir, "rev-parse", "HEAD")
	gitRun(t, dir, "tag", "session-a-start", first)
	gitRun(t, dir, "tag", "-a", "-m", "end", "session-a-end", second)
	gitRun(t, dir, "tag", "-a", "-m", "a tree", "session-tree", "HEAD^{tree}")
	gitRun(t, dir, "tag", "-a", "-m", "a tag of a tag", "session-a-again", "session-a-end")
	gitRun(t, dir, "switch", "-q", "-c", "side", first)
	gitRun(t, dir, "commit", "-q", "--allow-empty", "-m", "side")
	side := gitRun(t, dir, "rev-parse", "HEAD")
	gitRun(t, dir, "tag", "-a", "-m", "s", "session-b-start")
	gitRun(t, dir, "switch", "-q", "main")

	tags, err := r.PeeledTags(ctx, "session-*")
	want := map[string]string{"session-a-start": first, "session-a-end": second, "session-a-again": second, "session-b-start": side}
	if err != nil || !reflect.DeepEqual(tags, want) {
		t.Fatalf("PeeledTags = %v, %v; want %v (a tag of a tag peeled, a tag of a tree left out)", tags, err, want)
	}
	merged, err := r.TagsMerged(ctx, "HEAD", "session-*-start")
	if err != nil || !reflect.DeepEqual(merged, []string{"session-a-start"}) {
		t.Fatalf("TagsMerged = %v, %v", merged, err)
	}
	ahead, behind, err := r.AheadBehind(ctx, "main", "side")
	if err != nil || ahead != 1 || behind != 1 {
		t.Fatalf("AheadBehind = %d, %d, %v", ahead, behind, err)
	}
}

func TestPushTargetAndRemoteQueriesMoveNoRef(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r, _ := Open(ctx, dir)
	if _, ok, _ := r.PushTarget(ctx, "main"); ok {
		t.Fatal("no remote, yet a push target")
	}
	bare := filepath.Join(filepath.Dir(dir), "remote.git")
	gitRun(t, dir, "init", "-q", "--bare", bare)
	gitRun(t, dir, "remote", "add", "origin", bare)
	if pt, ok, _ := r.PushTarget(ctx, "main"); !ok || pt != (RemoteBranch{Remote: "origin", Ref: "refs/heads/main"}) {
		t.Fatalf("untracked branch: %+v %v", pt, ok)
	}
	gitRun(t, dir, "push", "-q", "origin", "main:trunk")
	gitRun(t, dir, "branch", "-q", "--set-upstream-to=origin/trunk", "main")
	// push.default=simple, git's default, refuses an upstream of another
	// name; upstream pushes to it.
	if pt, ok, err := r.PushTarget(ctx, "main"); ok || err == nil {
		t.Fatalf("tracking branch of another name: %+v %v %v; want refused", pt, ok, err)
	}
	gitRun(t, dir, "config", "push.default", "upstream")
	if pt, ok, _ := r.PushTarget(ctx, "main"); !ok || pt != (RemoteBranch{Remote: "origin", Ref: "refs/heads/trunk", Configured: true}) {
		t.Fatalf("tracking branch: %+v %v", pt, ok)
	}
	gitRun(t, dir, "config", "--unset", "push.default")
	// Pushed elsewhere than it tracks: the same name there, as git push.
	fork := filepath.Join(filepath.Dir(dir), "fork.git")
	gitRun(t, dir, "init", "-q", "--bare", fork)
	gitRun(t, dir, "remote", "add", "fork", fork)
	gitRun(t, dir, "config", "remote.pushDefault", "fork")
	if pt, ok, _ := r.PushTarget(ctx, "main"); !ok || pt != (RemoteBranch{Remote: "fork", Ref: "refs/heads/main"}) {
		t.Fatalf("remote.pushDefault: %+v %v", pt, ok)
	}
	gitRun(t, dir, "config", "branch.main.pushRemote", "origin")
	var refused *NoPushTargetError
	if pt, ok, err := r.PushTarget(ctx, "main"); ok || !errors.As(err, &refused) || refused.Tracked != "trunk" {
		t.Fatalf("branch.main.pushRemote to the remote it tracks, simple: %+v %v %v; want refused, as for no pushRemote", pt, ok, err)
	}
	gitRun(t, dir, "config", "--unset", "branch.main.pushRemote")
	gitRun(t, dir, "config", "--unset", "remote.pushDefault")

	// A commit only the remote has: asked for, fetched, compared, and no
	// ref (remote-tracking or FETCH_HEAD) moved.
	other := filepath.Join(filepath.Dir(dir), "other")
	gitRun(t, dir, "clone", "-q", bare, other)
	gitRun(t, other, "switch", "-q", "trunk")
	gitRun(t, other, "-c", "user.name=o", "-c", "user.email=o@example.com", "commit", "-q", "--allow-empty", "-m", "theirs")
	gitRun(t, other, "push", "-q", "origin", "trunk")
	theirs := gitRun(t, other, "rev-parse", "HEAD")
	refsBefore := gitRun(t, dir, "for-each-ref")

	got, err := r.RemoteRef(ctx, "origin", "refs/heads/trunk")
	if err != nil || got != theirs {
		t.Fatalf("RemoteRef = %q, %v; want %s", got, err, theirs)
	}
	if none, err := r.RemoteRef(ctx, "origin", "refs/heads/nope"); err != nil || none != "" {
		t.Fatalf("RemoteRef of a missing branch = %q, %v", none, err)
	}
	if r.HasObject(ctx, theirs) {
		t.Fatal("the remote's commit is here before fetching")
	}
	if err := r.FetchObjects(ctx, "origin", "refs/heads/trunk"); err != nil || !r.HasObject(ctx, theirs) {
		t.Fatalf("FetchObjects: %v", err)
	}
	if after := gitRun(t, dir, "for-each-ref"); after != refsBefore {
		t.Fatalf("refs moved:\n%s\nwas\n%s", after, refsBefore)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git", "FETCH_HEAD")); err == nil {
		t.Fatal("FETCH_HEAD written")
	}
}

// PushedCommits asks where git push sends, each push URL of several, and
// fetches what it finds there; RemoteCommit asks the fetch URL.
func TestPushedCommitsAsksEachPushURL(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	head := gitRun(t, dir, "rev-parse", "HEAD")
	bare := func(name string) string {
		path := filepath.Join(filepath.Dir(dir), name)
		gitRun(t, dir, "init", "-q", "--bare", path)
		gitRun(t, dir, "push", "-q", path, "main")
		return path
	}
	fetch, push, mirror := bare("fetch.git"), bare("push.git"), bare("mirror.git")
	gitRun(t, dir, "remote", "add", "origin", fetch)
	if got, err := r.PushedCommits(ctx, "origin", "refs/heads/main"); err != nil || !reflect.DeepEqual(got, []string{head}) {
		t.Fatalf("no push URL: %v, %v", got, err)
	}
	other := filepath.Join(filepath.Dir(dir), "other")
	gitRun(t, dir, "clone", "-q", push, other)
	gitRun(t, other, "-c", "user.name=o", "-c", "user.email=o@example.com", "commit", "-q", "--allow-empty", "-m", "theirs")
	gitRun(t, other, "push", "-q", "origin", "main")
	theirs := gitRun(t, other, "rev-parse", "HEAD")
	gitRun(t, dir, "config", "remote.origin.pushurl", mirror)
	gitRun(t, dir, "config", "--add", "remote.origin.pushurl", push)
	got, err := r.PushedCommits(ctx, "origin", "refs/heads/main")
	if err != nil || !reflect.DeepEqual(got, []string{head, theirs}) || !r.HasObject(ctx, theirs) {
		t.Fatalf("two push URLs: %v, %v; want %s %s, fetched", got, err, head, theirs)
	}
	if c, err := r.RemoteCommit(ctx, "origin", "refs/heads/main"); err != nil || c != head {
		t.Fatalf("RemoteCommit = %s, %v; want the fetch URL's %s", c, err, head)
	}
}

func TestCommitEmptyAndUnstage(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r, _ := Open(ctx, dir)
	h, err := r.CommitEmpty(ctx, "release: v1.0.0")
	if err != nil || h != gitRun(t, dir, "rev-parse", "HEAD") || gitRun(t, dir, "log", "-1", "--format=%s") != "release: v1.0.0" {
		t.Fatalf("CommitEmpty = %s, %v", h, err)
	}
	gitRun(t, dir, "commit", "-q", "--allow-empty", "-m", "x")
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitRun(t, dir, "add", "f")
	if err := r.Unstage(ctx, "f"); err != nil {
		t.Fatal(err)
	}
	if st := gitRun(t, dir, "status", "--porcelain"); st != "?? f" {
		t.Fatalf("status after Unstage = %q", st)
	}
}

func TestIgnored(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	writeFile(t, filepath.Join(dir, ".gitignore"), "*.log\n!keep.log\nbuild/\ntracked.txt\n")
	writeFile(t, filepath.Join(dir, ".git", "info", "exclude"), "secret\n")
	writeFile(t, filepath.Join(dir, "tracked.txt"), "x")
	gitRun(t, dir, "add", "-f", "tracked.txt")
	gitRun(t, dir, "commit", "-q", "-m", "tracked")

	got, err := r.Ignored(ctx, "a.log", "keep.log", "build/sub/CHANGELOG.md", "tracked.txt", "secret", "README.md", "-n")
	want := map[string]IgnoreRule{
		"a.log":                  {".gitignore", 1, "*.log"},
		"build/sub/CHANGELOG.md": {".gitignore", 3, "build/"},
		"secret":                 {".git/info/exclude", 1, "secret"},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Ignored = %v, %v; want %v (a \"!\" rule lets keep.log through, tracked.txt is tracked)", got, err, want)
	}
	if got, err := r.Ignored(ctx, "README.md"); err != nil || len(got) != 0 {
		t.Fatalf("nothing ignored: %v, %v", got, err)
	}
	if got := want["a.log"].String(); got != ".gitignore:1: *.log" {
		t.Fatalf("String = %q", got)
	}
}

// Paths are paths, not pathspecs: glob characters and a leading ":"
// (pathspec magic) name one file each.
func TestPathsAreLiteral(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	writeFile(t, filepath.Join(dir, ".gitignore"), "*.log\n:(exclude)x\n")
	writeFile(t, filepath.Join(dir, "a1.log"), "x")
	gitRun(t, dir, "add", "-f", ".gitignore", "a1.log")
	gitRun(t, dir, "commit", "-q", "-m", "base")

	// "a[1].log" is untracked and ignored, though the glob matches the
	// tracked a1.log; ":(exclude)x" is ignored by its own rule.
	got, err := r.Ignored(ctx, "a[1].log", ":(exclude)x")
	want := map[string]IgnoreRule{
		"a[1].log":    {".gitignore", 1, "*.log"},
		":(exclude)x": {".gitignore", 2, ":(exclude)x"},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Ignored = %v, %v; want %v", got, err, want)
	}

	writeFile(t, filepath.Join(dir, "c[1].md"), "mine")
	writeFile(t, filepath.Join(dir, "c1.md"), "untracked, not for the commit")
	writeFile(t, filepath.Join(dir, ":(exclude)y"), "mine too")
	if _, err := r.CommitPaths(ctx, "paths", nil, "c[1].md", ":(exclude)y"); err != nil {
		t.Fatal(err)
	}
	if files := gitRun(t, dir, "show", "--name-only", "--format=", "HEAD"); files != ":(exclude)y\nc[1].md" {
		t.Fatalf("committed %q", files)
	}
	writeFile(t, filepath.Join(dir, "c[1].md"), "changed")
	writeFile(t, filepath.Join(dir, "c1.md"), "staged")
	gitRun(t, dir, "add", "c[1].md", "c1.md")
	if err := r.Unstage(ctx, "c[1].md"); err != nil {
		t.Fatal(err)
	}
	if st := gitRun(t, dir, "status", "--porcelain"); st != "A  c1.md\n M c[1].md" && st != " M \"c[1].md\"\nA  c1.md" && st != " M c[1].md\nA  c1.md" {
		t.Fatalf("status after Unstage = %q", st)
	}
}
