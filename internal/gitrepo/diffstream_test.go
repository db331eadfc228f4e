package gitrepo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDiffCommitsMatchesNumstat pins the stream parser against git's own
// numstat on the awkward cases: quoted paths, binary files, type and mode
// changes, removed lines that look like patch headers, no final newline.
func TestDiffCommitsMatchesNumstat(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	writeFile(t, filepath.Join(dir, "a.txt"), "hello\n--- not a header\nworld\n")
	writeFile(t, filepath.Join(dir, "d d", "é.go"), "package x\nfunc parseHTTPHeader() {}\n")
	writeFile(t, filepath.Join(dir, "bin.dat"), "\x00\x01\x02binary")
	writeFile(t, filepath.Join(dir, "link"), "target\n")
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "feat: add files\n\nA body with\nseveral lines.\n\nRefs: #12")
	writeFile(t, filepath.Join(dir, "a.txt"), "hello\n-- removed? no\nworld")
	os.Remove(filepath.Join(dir, "link"))
	if err := os.Symlink("a.txt", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(dir, "d d", "é.go"), 0o755)
	writeFile(t, filepath.Join(dir, "bin.dat"), "\x00\x05changed")
	os.Remove(filepath.Join(dir, "d d", "é.go"))
	writeFile(t, filepath.Join(dir, "d d", "é.go"), "package x\nfunc parseHTTPHeader() { return }\n// maxRetryCount\n")
	os.Chmod(filepath.Join(dir, "d d", "é.go"), 0o755)
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "fix: many kinds of change")
	gitRun(t, dir, "rm", "-q", "bin.dat")
	gitRun(t, dir, "commit", "-q", "-m", "chore: delete")

	hashes := strings.Fields(gitRun(t, dir, "rev-list", "HEAD"))
	var lines []string
	var got []*CommitDiff
	err := (&Repo{Root: dir, GitDir: filepath.Join(dir, ".git")}).DiffCommits(ctx, hashes, DiffOptions{
		Patch:  true,
		OnLine: func(file int, l []byte) { lines = append(lines, string(l)) },
	}, func(c *CommitDiff) error { got = append(got, c); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(hashes) {
		t.Fatalf("got %d commits, want %d", len(got), len(hashes))
	}
	for i, c := range got {
		if c.Hash != hashes[i] {
			t.Fatalf("commit %d = %s, want %s (order kept)", i, c.Hash, hashes[i])
		}
		want := map[string]string{}
		for _, l := range strings.Split(gitRun(t, dir, "-c", "core.quotePath=false", "show", "--numstat", "--format=", "--no-renames", c.Hash), "\n") {
			if f := strings.SplitN(l, "\t", 3); len(f) == 3 {
				want[f[2]] += f[0] + "/" + f[1] + ";"
			}
		}
		gotStat := map[string]string{}
		for _, f := range c.Files {
			a, d := "-", "-"
			if !f.Binary {
				a, d = itoa(f.Added), itoa(f.Deleted)
			}
			gotStat[f.Path] += a + "/" + d + ";"
		}
		// A type change is one raw entry but two numstat lines.
		for p, w := range want {
			if strings.Count(w, ";") == 2 {
				parts := strings.Split(strings.TrimSuffix(w, ";"), ";")
				var a, d int
				for _, s := range parts {
					x, y, _ := strings.Cut(s, "/")
					a += atoi(x)
					d += atoi(y)
				}
				want[p] = itoa(a) + "/" + itoa(d) + ";"
			}
		}
		if len(want) != len(gotStat) {
			t.Errorf("%s: files %v, want %v", c.Subject, gotStat, want)
		}
		for p, w := range want {
			if gotStat[p] != w {
				t.Errorf("%s: %s = %q, want %q", c.Subject, p, gotStat[p], w)
			}
		}
	}
	first := got[len(got)-3]
	if first.Subject != "feat: add files" || first.Body != "A body with\nseveral lines.\n\nRefs: #12" || first.AuthorName != "T" {
		t.Fatalf("header = %+v", first.Commit)
	}
	joined := strings.Join(lines, "\n")
	for _, w := range []string{"func parseHTTPHeader() { return }", "-- not a header", "// maxRetryCount"} {
		if !strings.Contains(joined, w) {
			t.Errorf("OnLine never saw %q", w)
		}
	}
	var statuses []string
	for _, f := range got[1].Files {
		statuses = append(statuses, f.Path+":"+string(f.Status))
	}
	if s := strings.Join(statuses, " "); s != "a.txt:M bin.dat:M d d/é.go:M link:T" {
		t.Errorf("statuses = %s", s)
	}
}

func TestDiffCommitsReportsTheFailingCommit(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	writeFile(t, filepath.Join(dir, "a.txt"), "one\n")
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "add a")
	blob := gitRun(t, dir, "rev-parse", "HEAD:a.txt")
	writeFile(t, filepath.Join(dir, "a.txt"), "two\n")
	gitRun(t, dir, "commit", "-q", "-am", "change a")
	// Damage the repository: the first version of a.txt is gone.
	os.Remove(filepath.Join(dir, ".git", "objects", blob[:2], blob[2:]))
	hashes := strings.Fields(gitRun(t, dir, "rev-list", "HEAD"))
	var got []string
	err := (&Repo{Root: dir, GitDir: filepath.Join(dir, ".git")}).DiffCommits(ctx, hashes, DiffOptions{Patch: true},
		func(c *CommitDiff) error { got = append(got, c.Subject); return nil })
	var se *DiffStreamError
	if !errors.As(err, &se) || se.Failed != hashes[0] {
		t.Fatalf("err = %v, want a DiffStreamError naming %s", err, hashes[0])
	}
	if len(got) != 0 {
		t.Fatalf("delivered %v before the failure", got)
	}
	// Without the patch, the same commits are readable.
	got = nil
	err = (&Repo{Root: dir, GitDir: filepath.Join(dir, ".git")}).DiffCommits(ctx, hashes, DiffOptions{},
		func(c *CommitDiff) error { got = append(got, c.Subject); return nil })
	if err != nil || len(got) != 4 {
		t.Fatalf("raw stream = %v, %v", got, err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// SkipLines keeps a file's changed lines from OnLine, hunk headers'
// section text included, and still counts them; the files after it are
// read as before.
func TestDiffCommitsSkipLines(t *testing.T) {
	dir := gitInit(t)
	writeFile(t, filepath.Join(dir, "a.lock"), "func lockedHeader() {\none\ntwo\n")
	writeFile(t, filepath.Join(dir, "b.go"), "package b\n")
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "add")
	writeFile(t, filepath.Join(dir, "a.lock"), "func lockedHeader() {\none\nthree\n")
	writeFile(t, filepath.Join(dir, "b.go"), "package b\n\nfunc keptLine() {}\n")
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "change")

	var lines []string
	var asked []string
	var got *CommitDiff
	err := (&Repo{Root: dir, GitDir: filepath.Join(dir, ".git")}).DiffCommits(context.Background(), []string{gitRun(t, dir, "rev-parse", "HEAD")}, DiffOptions{
		Patch:  true,
		OnLine: func(file int, l []byte) { lines = append(lines, string(l)) },
		SkipLines: func(c *CommitDiff, file int) bool {
			path := c.Files[file].Path
			asked = append(asked, path)
			return strings.HasSuffix(path, ".lock")
		},
	}, func(c *CommitDiff) error { got = c; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(asked, " ") != "a.lock b.go" {
		t.Errorf("SkipLines asked for %q; want each file once", asked)
	}
	if strings.Join(lines, "|") != "package b||func keptLine() {}" {
		t.Errorf("OnLine got %q; want b.go's lines alone", lines)
	}
	if f := got.Files[0]; f.Path != "a.lock" || f.Added != 1 || f.Deleted != 1 {
		t.Errorf("a.lock: %+v; want 1 added, 1 deleted", f)
	}
}
