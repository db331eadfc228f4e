package gitrepo

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestEachAddedLine(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	git := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(name, content string) {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644)
	}
	write("a.txt", "one\ntwo\nthree\n")
	write("dir/spaced name é.txt", "++ looks like a header\n")
	write("bin.dat", "\x00\x01\x02secret\x00")
	git("add", "-A")
	git("commit", "-qm", "first")
	write("a.txt", "one\nTWO\nthree\nfour\n")
	os.Remove(filepath.Join(dir, "dir/spaced name é.txt"))
	git("add", "-A")
	git("commit", "-qm", "second")
	write("a.txt", "one\nTWO\nthree\nfour\nstaged\n")
	git("add", "a.txt")

	r := openRepo(t, dir)
	commits, err := r.RevList(ctx, "--reverse", "HEAD~2..HEAD")
	if err != nil || len(commits) != 2 {
		t.Fatalf("rev-list: %v %v", commits, err)
	}
	type line struct {
		commit, path string
		n            int
		text         string
	}
	var got []line
	collect := func(al *AddedLine) {
		got = append(got, line{al.Commit, al.Path, al.Line, string(al.Text)})
	}
	if err := r.EachAddedLine(ctx, commits, collect); err != nil {
		t.Fatal(err)
	}
	want := []line{
		{commits[0], "a.txt", 1, "one"}, {commits[0], "a.txt", 2, "two"}, {commits[0], "a.txt", 3, "three"},
		{commits[0], "dir/spaced name é.txt", 1, "++ looks like a header"},
		{commits[1], "a.txt", 2, "TWO"}, {commits[1], "a.txt", 4, "four"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d lines %+v, want %+v", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("line %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	got = nil
	if err := r.EachAddedLine(ctx, nil, collect); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != (line{"", "a.txt", 5, "staged"}) {
		t.Fatalf("staged = %+v", got)
	}
	if !r.HasObject(ctx, commits[0]) || r.HasObject(ctx, "0123456789012345678901234567890123456789") {
		t.Fatal("HasObject")
	}
}

// A renamed file adds only the lines its commit changed, under its new
// name, committed or staged: the guard must not report every secret of a
// moved file again, at a path its fp: lines do not name.
func TestEachAddedLineRename(t *testing.T) {
	ctx := context.Background()
	dir, r := isolatedRepo(t)
	var body strings.Builder
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&body, "line %d of a file long enough to be found renamed\n", i)
	}
	writeFile(t, filepath.Join(dir, "old name.txt"), body.String())
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "first")
	gitRun(t, dir, "mv", "old name.txt", "new\tname é.txt")
	changed := strings.Replace(body.String(), "line 7 of", "LINE SEVEN of", 1)
	writeFile(t, filepath.Join(dir, "new\tname é.txt"), changed)
	gitRun(t, dir, "add", "-A")
	collect := func(commits []string) []string {
		var got []string
		if err := r.EachAddedLine(ctx, commits, func(al *AddedLine) {
			got = append(got, fmt.Sprintf("%s:%d:%s", al.Path, al.Line, al.Text))
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	want := "new\tname é.txt:7:LINE SEVEN of a file long enough to be found renamed"
	if got := collect(nil); len(got) != 1 || got[0] != want {
		t.Errorf("staged rename: %q, want [%q]", got, want)
	}
	gitRun(t, dir, "commit", "-q", "-m", "rename")
	head := gitRun(t, dir, "rev-parse", "HEAD")
	if got := collect([]string{head}); len(got) != 1 || got[0] != want {
		t.Errorf("committed rename: %q, want [%q]", got, want)
	}
}

// A range's ends as git reads them, and the all-zero id git gives a
// pre-push hook for a ref's missing side, which resolves as any full
// hash does and names no object.
func TestRangeEndsAndZeroID(t *testing.T) {
	for _, c := range []struct{ rng, a, b, op string }{
		{"A..B", "A", "B", ".."},
		{"A...B", "A", "B", "..."},
		{"A..", "A", "HEAD", ".."},
		{"..", "HEAD", "HEAD", ".."},
		{"...B", "HEAD", "B", "..."},
	} {
		if a, b, op := RangeEnds(c.rng); a != c.a || b != c.b || op != c.op {
			t.Errorf("RangeEnds(%q) = %q %q %q, want %q %q %q", c.rng, a, b, op, c.a, c.b, c.op)
		}
	}
	zero := strings.Repeat("0", 40)
	for rev, want := range map[string]bool{zero: true, strings.Repeat("0", 64): true, "": false, "0000000": false, "0123456789abcdef0123456789abcdef01234567": false} {
		if IsZeroID(rev) != want {
			t.Errorf("IsZeroID(%q) = %v", rev, !want)
		}
	}
	ctx := context.Background()
	dir := gitInit(t)
	if out, err := exec.Command("git", "-C", dir, "commit", "-q", "--allow-empty", "-m", "one").CombinedOutput(); err != nil {
		t.Fatalf("git commit: %v\n%s", err, out)
	}
	r := openRepo(t, dir)
	for rev, want := range map[string]bool{"HEAD": false, "HEAD^{tree}": false, zero: true, "0123456789abcdef0123456789abcdef01234567": true} {
		if r.ObjectMissing(ctx, rev) != want {
			t.Errorf("ObjectMissing(%q) = %v", rev, !want)
		}
	}
}
