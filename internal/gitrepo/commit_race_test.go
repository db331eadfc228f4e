package gitrepo

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
