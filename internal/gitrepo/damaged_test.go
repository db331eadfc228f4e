package gitrepo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A commit lost from the object store stops rev-list; the history is
// still walked, as far as its commits can be read, and the loss said.
func TestWalkADamagedHistory(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t) // first, second
	for _, m := range []string{"third", "fourth", "fifth"} {
		gitRun(t, dir, "commit", "-q", "--allow-empty", "-m", m)
	}
	gitRun(t, dir, "branch", "side", "HEAD~3") // second
	gitRun(t, dir, "tag", "-a", "-m", "on the lost one", "lost", "HEAD~2")
	hash := func(rev string) string { return gitRun(t, dir, "rev-parse", rev) }
	first, second, third, fourth, fifth := hash("HEAD~4"), hash("HEAD~3"), hash("HEAD~2"), hash("HEAD~1"), hash("HEAD")
	if err := os.Remove(filepath.Join(dir, ".git", "objects", third[:2], third[2:])); err != nil {
		t.Fatal(err)
	}
	r := openRepo(t, dir)

	tips, err := r.HistoryTips(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tips["refs/heads/main"] != fifth || tips["refs/heads/side"] != second || tips["HEAD"] != fifth {
		t.Errorf("tips = %v", tips)
	}
	if _, ok := tips["refs/tags/lost"]; ok {
		t.Errorf("a tag of a missing commit is a tip: %v", tips)
	}

	w, err := r.RevWalk(ctx, []string{fifth, second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Newest first; these commits share their second.
	if want := []string{fifth, fourth, second, first}; !slices.Equal(w.Commits, want) {
		t.Errorf("walk = %v, want %v", w.Commits, want)
	}
	if !slices.Equal(w.Missing, []string{third}) {
		t.Errorf("missing = %v, want %v", w.Missing, third)
	}
	w, err = r.RevWalk(ctx, []string{fifth}, []string{fourth})
	if err != nil || !slices.Equal(w.Commits, []string{fifth}) || !w.Boundary[fourth] {
		t.Errorf("walk past the old tip = %+v, %v", w, err)
	}

	list, err := r.NonMergeCommits(ctx, []string{fifth}, nil)
	var de *HistoryDamagedError
	if !errors.As(err, &de) || !slices.Equal(de.Missing, []string{third}) {
		t.Fatalf("NonMergeCommits: %v, want a HistoryDamagedError naming %s", err, third)
	}
	if !slices.Equal(list, []string{fifth, fourth}) {
		t.Errorf("NonMergeCommits = %v", list)
	}
}
