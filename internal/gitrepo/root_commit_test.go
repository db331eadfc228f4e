package gitrepo

import (
	"context"
	"path/filepath"
	"testing"
)

// TestRootCommitWhateverShowRoot: with log.showRoot=false git log shows a
// root commit without its diff, and every reader of commits' changes saw
// a first commit that changed nothing (the index, the guard, sessions).
func TestRootCommitWhateverShowRoot(t *testing.T) {
	ctx := context.Background()
	dir, r := isolatedRepo(t)
	gitRun(t, dir, "config", "log.showRoot", "false")
	writeFile(t, filepath.Join(dir, "a.txt"), "first line\n")
	gitRun(t, dir, "add", "a.txt")
	gitRun(t, dir, "commit", "-q", "-m", "root")
	root := gitRun(t, dir, "rev-parse", "HEAD")

	var files []FileChange
	var lines []string
	err := r.DiffCommits(ctx, []string{root}, DiffOptions{Patch: true, OnLine: func(_ int, l []byte) { lines = append(lines, string(l)) }},
		func(c *CommitDiff) error { files = c.Files; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Path != "a.txt" || files[0].Added != 1 || len(lines) != 1 {
		t.Errorf("DiffCommits: files %+v, lines %q; want a.txt with its one line", files, lines)
	}

	var added []string
	if err := r.EachAddedLine(ctx, []string{root}, func(al *AddedLine) {
		added = append(added, al.Path+":"+string(al.Text))
	}); err != nil {
		t.Fatal(err)
	}
	if len(added) != 1 || added[0] != "a.txt:first line" {
		t.Errorf("EachAddedLine: %q, want [a.txt:first line]", added)
	}

	changes, err := r.ChangedPaths(ctx, []string{root})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || len(changes[0].Changes) != 1 || changes[0].Changes[0].Path != "a.txt" {
		t.Errorf("ChangedPaths: %+v, want the root commit adding a.txt", changes)
	}

	hist, err := r.FileHistory(ctx, root, "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || hist[0].Path != "a.txt" {
		t.Errorf("FileHistory: %+v, want the root commit with a.txt", hist)
	}
}
