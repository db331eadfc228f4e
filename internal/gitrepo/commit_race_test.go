package gitrepo

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Another process's commit landing between 'git commit' and the look at
// HEAD (a commit loop beside 'git session end', an agent committing while
// 'git release' runs) made CommitPaths and CommitEmpty return that commit:
// the session's end tag, or the release tag, went on someone else's
// commit. A post-commit hook that commits once more makes the race
// certain.
func TestCommitReturnsItsOwnCommitWhenHEADMovesAtOnce(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	hook := "#!/bin/sh\n[ -n \"$RACED\" ] && exit 0\nRACED=1 git commit -q --allow-empty -m 'someone else'\n"
	if err := os.WriteFile(filepath.Join(dir, ".git", "hooks", "post-commit"), []byte(hook), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "record.md"), []byte("record\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	check := func(what, hash, subject string) {
		t.Helper()
		if got := gitRun(t, dir, "log", "-1", "--format=%s", hash); got != subject {
			t.Fatalf("%s returned %s, the commit %q; want its own commit %q", what, Short(hash), got, subject)
		}
		if hash == gitRun(t, dir, "rev-parse", "HEAD") {
			t.Fatalf("%s: the hook's commit did not land after it; the test proves nothing", what)
		}
	}
	h, err := r.CommitPaths(ctx, "session: archive x (y)\n", nil, "record.md")
	if err != nil {
		t.Fatal(err)
	}
	check("CommitPaths", h, "session: archive x (y)")
	h, err = r.CommitEmpty(ctx, "chore(release): 1.2.3\n\nnotes\n")
	if err != nil {
		t.Fatal(err)
	}
	check("CommitEmpty", h, "chore(release): 1.2.3")
	if n := strings.Count(gitRun(t, dir, "log", "--format=%s"), "someone else"); n != 2 {
		t.Fatalf("%d commits of the hook, want 2", n)
	}
}

// A commit another process makes between CommitPaths' staging of a new
// file and its own commit (a loop of 'git commit --allow-empty' beside
// 'git session end') takes the staged record: CommitPaths' 'git commit
// --only' then found nothing to commit and failed. It makes its commit
// all the same, holding the record, and returns it. A git that makes
// such a commit just before every 'git commit --only' makes the race
// certain.
func TestCommitPathsCommitsWhenAnotherCommitTookThePaths(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	real, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	wrapper := "#!/bin/sh\ncase \" $* \" in *' --only '*) \"" + real + "\" commit -q --allow-empty -m 'someone else' ;; esac\nexec \"" + real + "\" \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "git"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	writeFile(t, filepath.Join(dir, "sessions", "record.md"), "record\n")
	h, err := r.CommitPaths(ctx, "session: archive x (y)\n", nil, "sessions/record.md")
	if err != nil {
		t.Fatalf("CommitPaths: %v", err)
	}
	if got := gitRun(t, dir, "log", "-1", "--format=%s", h); got != "session: archive x (y)" {
		t.Fatalf("CommitPaths returned the commit %q", got)
	}
	if got := gitRun(t, dir, "show", h+":sessions/record.md"); got != "record" {
		t.Fatalf("its commit holds the record %q", got)
	}
	if got := gitRun(t, dir, "log", "-1", "--format=%s", "--", "sessions/record.md"); got != "someone else" {
		t.Fatalf("the record was committed by %q, not by the other commit: the test proves nothing", got)
	}
}

// Another git process's commit holds index.lock, then the branch's lock,
// for a moment (a commit loop beside 'git session end' or 'git release'):
// CommitPaths and CommitEmpty failed at once on "Unable to create
// '.git/index.lock': File exists". They try again for a short while; a
// lock held longer still fails, with git's message, and commits nothing.
func TestCommitWaitsBrieflyForAHeldIndexLock(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	lock := filepath.Join(dir, ".git", "index.lock")
	holdFile := func(file string, d time.Duration) {
		t.Helper()
		if err := os.WriteFile(file, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		time.AfterFunc(d, func() { os.Remove(file) })
	}
	hold := func(d time.Duration) { holdFile(lock, d) }
	writeFile(t, filepath.Join(dir, "record.md"), "record\n")
	hold(300 * time.Millisecond)
	h, err := r.CommitPaths(ctx, "session: archive x (y)\n", nil, "record.md")
	if err != nil {
		t.Fatalf("CommitPaths with index.lock held for 300ms: %v", err)
	}
	if got := gitRun(t, dir, "log", "-1", "--format=%s", h); got != "session: archive x (y)" {
		t.Fatalf("CommitPaths returned the commit %q", got)
	}
	hold(300 * time.Millisecond)
	if _, err := r.CommitEmpty(ctx, "release: v1.2.3\n"); err != nil {
		t.Fatalf("CommitEmpty with index.lock held for 300ms: %v", err)
	}
	holdFile(filepath.Join(dir, ".git", "refs", "heads", "main.lock"), 300*time.Millisecond)
	if _, err := r.CommitEmpty(ctx, "release: v1.2.4\n"); err != nil {
		t.Fatalf("CommitEmpty with the branch's lock held for 300ms: %v", err)
	}

	before := gitRun(t, dir, "rev-parse", "HEAD")
	hold(time.Hour)
	defer os.Remove(lock)
	start := time.Now()
	_, err = r.CommitEmpty(ctx, "release: v1.2.5\n")
	took := time.Since(start)
	if err == nil || !strings.HasPrefix(err.Error(), "git commit: Unable to create") || !strings.Contains(err.Error(), "index.lock': File exists") {
		t.Fatalf("CommitEmpty with index.lock held throughout: %v; want git commit's index.lock error", err)
	}
	if took < time.Second || took > 10*time.Second {
		t.Fatalf("CommitEmpty gave up after %v; want a wait of about 2s", took)
	}
	if after := gitRun(t, dir, "rev-parse", "HEAD"); after != before {
		t.Fatal("a commit was made")
	}
}

// The other commit can also truncate COMMIT_EDITMSG between our write and
// our read: git commit then aborted "due to empty commit message", and
// 'git session end' beside a commit loop failed. Nothing was committed,
// so the commit is tried again. A prepare-commit-msg hook that empties
// the file once makes the race certain.
func TestCommitRetriesWhenAnotherCommitEmptiedCOMMIT_EDITMSG(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	hook := "#!/bin/sh\nonce=\"$(git rev-parse --git-dir)/emptied-$RACE\"\n[ -e \"$once\" ] && exit 0\n: > \"$once\"\n: > \"$1\"\n"
	if err := os.WriteFile(filepath.Join(dir, ".git", "hooks", "prepare-commit-msg"), []byte(hook), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "record.md"), "record\n")
	t.Setenv("RACE", "paths")
	h, err := r.CommitPaths(ctx, "session: archive x (y)\n", nil, "record.md")
	if err != nil {
		t.Fatalf("CommitPaths: %v", err)
	}
	if got := gitRun(t, dir, "log", "-1", "--format=%s", h); got != "session: archive x (y)" {
		t.Fatalf("CommitPaths returned the commit %q", got)
	}
	t.Setenv("RACE", "empty")
	if _, err := r.CommitEmpty(ctx, "chore(release): 1.2.3\n"); err != nil {
		t.Fatalf("CommitEmpty: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git", "emptied-empty")); err != nil {
		t.Fatalf("the hook emptied no message; the test proves nothing: %v", err)
	}
}
