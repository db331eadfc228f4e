package gitrepo

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestChangedPathsFileAtAndCommitPaths(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	write := func(name, s string) { writeFile(t, filepath.Join(dir, name), s) }
	write("notes/a.md", "one\n")
	write("other.txt", "x\n")
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "add")
	write("notes/a.md", "two\n")
	write("notes/b md.md", "b\n")
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "change")
	gitRun(t, dir, "rm", "-q", "notes/b md.md")
	gitRun(t, dir, "commit", "-q", "-m", "remove")

	got, err := r.ChangedPaths(ctx, []string{"--reverse", "HEAD"}, "notes")
	if err != nil {
		t.Fatal(err)
	}
	var flat []string
	for _, c := range got {
		for _, ch := range c.Changes {
			flat = append(flat, string(ch.Status)+" "+ch.Path)
		}
	}
	if want := []string{"A notes/a.md", "M notes/a.md", "A notes/b md.md", "D notes/b md.md"}; !reflect.DeepEqual(flat, want) || len(got) != 3 {
		t.Fatalf("ChangedPaths = %q (%d commits)", flat, len(got))
	}

	data, ok, err := r.FileAt(ctx, got[0].Hash, "notes/a.md")
	if err != nil || !ok || string(data) != "one\n" {
		t.Fatalf("FileAt = %q %v %v", data, ok, err)
	}
	if _, ok, err := r.FileAt(ctx, got[0].Hash, "notes/none.md"); ok || err != nil {
		t.Fatalf("FileAt of a missing file = %v %v", ok, err)
	}
	if n, err := r.CountCommits(ctx, "HEAD"); err != nil || n != 5 {
		t.Fatalf("CountCommits = %d %v", n, err)
	}

	// CommitPaths commits only the named file; the rest of the index and
	// the worktree stay as they were.
	write("other.txt", "staged\n")
	gitRun(t, dir, "add", "other.txt")
	write("notes/a.md", "unstaged\n")
	write("record.md", "the record\n")
	before := gitRun(t, dir, "status", "--porcelain")
	h, err := r.CommitPaths(ctx, "session: archive x\n", []string{"X_TEST=1"}, "record.md")
	if err != nil {
		t.Fatal(err)
	}
	if head := gitRun(t, dir, "rev-parse", "HEAD"); head != h {
		t.Fatalf("CommitPaths returned %s, HEAD is %s", h, head)
	}
	if files := gitRun(t, dir, "show", "--name-only", "--format=", "HEAD"); files != "record.md" {
		t.Fatalf("committed %q", files)
	}
	after := gitRun(t, dir, "status", "--porcelain")
	if want := strings.TrimSpace(strings.Replace(before, "?? record.md", "", 1)); after != want {
		t.Fatalf("status before %q after %q", before, after)
	}
}

func TestUpstreamAndRebaseState(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r, _ := Open(ctx, dir)
	if rm, b := r.Upstream(ctx, "main"); rm != "" || b != "" {
		t.Fatalf("no upstream: %q %q", rm, b)
	}
	gitRun(t, dir, "config", "branch.main.remote", "origin")
	gitRun(t, dir, "config", "branch.main.merge", "refs/heads/trunk")
	if rm, b := r.Upstream(ctx, "main"); rm != "origin" || b != "trunk" {
		t.Fatalf("Upstream = %q %q", rm, b)
	}
	if r.RebaseInProgress() {
		t.Fatal("rebase in progress?")
	}
	// git am's state: rebase-apply with an "applying" file.
	apply := filepath.Join(r.GitDir, "rebase-apply")
	os.Mkdir(apply, 0o755)
	os.WriteFile(filepath.Join(apply, "applying"), nil, 0o644)
	if r.RebaseInProgress() {
		t.Fatal("git am taken for a rebase")
	}
	// The apply backend's rebase: rebase-apply without it.
	os.Remove(filepath.Join(apply, "applying"))
	if !r.RebaseInProgress() {
		t.Fatal("rebase (apply backend) not seen")
	}
	os.Remove(apply)
	os.Mkdir(filepath.Join(r.GitDir, "rebase-merge"), 0o755)
	if !r.RebaseInProgress() {
		t.Fatal("rebase not seen")
	}
	if r.IsShallow(ctx) {
		t.Fatal("shallow?")
	}
}

func TestFileHistoryFollowsRenames(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	write := func(name, s string) { writeFile(t, filepath.Join(dir, name), s) }
	body := strings.Repeat("a line that stays the same across the move\n", 8)
	write("old/rec.md", body)
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "add")
	first := gitRun(t, dir, "rev-parse", "HEAD")
	write("old/rec.md", body+"edited\n")
	gitRun(t, dir, "commit", "-q", "-am", "edit")
	second := gitRun(t, dir, "rev-parse", "HEAD")
	os.MkdirAll(filepath.Join(dir, "new"), 0o755)
	gitRun(t, dir, "mv", "old/rec.md", "new/rec.md")
	gitRun(t, dir, "commit", "-q", "-m", "move")
	third := gitRun(t, dir, "rev-parse", "HEAD")

	got, err := r.FileHistory(ctx, "HEAD", "new/rec.md")
	if err != nil {
		t.Fatal(err)
	}
	want := []PathVersion{{third, "new/rec.md"}, {second, "old/rec.md"}, {first, "old/rec.md"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("FileHistory = %v, want %v", got, want)
	}
	if ren, err := r.Renames(ctx, third); err != nil || !reflect.DeepEqual(ren, map[string]string{"new/rec.md": "old/rec.md"}) {
		t.Fatalf("Renames(move) = %v, %v", ren, err)
	}
	if ren, err := r.Renames(ctx, second); err != nil || len(ren) != 0 {
		t.Fatalf("Renames(edit) = %v, %v", ren, err)
	}
}

func TestParseRenamesZ(t *testing.T) {
	h1 := strings.Repeat("a", 40)
	h2 := strings.Repeat("b", 40)
	// A path that is itself 40 hex digits, and one starting with R.
	out := h1 + "\x00R100\x00old name\x00new name\x00" + h2 + "\x00R087\x00Readme\x00x\ny\x00R100\x00" + h2 + "\x00" + h1 + "\x00"
	got := parseRenamesZ(out)
	want := map[string][]Rename{
		h1: {{"old name", "new name"}},
		h2: {{"Readme", "x\ny"}, {h2, h1}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// ChangedPathsOf reads the commits named, each alone, from git's stdin
// (a rebase's copies put on one command line could pass the system's
// limit on arguments).
func TestChangedPathsOfNamedCommitsOnly(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	var heads []string
	for i, name := range []string{"notes/a.md", "notes/b.md", "notes/c.md"} {
		writeFile(t, filepath.Join(dir, name), strings.Repeat("x", i+1))
		gitRun(t, dir, "add", "-A")
		gitRun(t, dir, "commit", "-q", "-m", name)
		heads = append(heads, gitRun(t, dir, "rev-parse", "HEAD"))
	}
	got, err := r.ChangedPathsOf(ctx, []string{heads[2], heads[0]}, "notes")
	if err != nil {
		t.Fatal(err)
	}
	var flat []string
	for _, c := range got {
		for _, ch := range c.Changes {
			flat = append(flat, c.Hash[:7]+" "+string(ch.Status)+" "+ch.Path)
		}
	}
	sort.Strings(flat)
	want := []string{heads[2][:7] + " A notes/c.md", heads[0][:7] + " A notes/a.md"}
	sort.Strings(want)
	if !reflect.DeepEqual(flat, want) {
		t.Fatalf("ChangedPathsOf = %q, want %q", flat, want)
	}
	if got, err := r.ChangedPathsOf(ctx, nil); err != nil || got != nil {
		t.Fatalf("no commits: %v, %v", got, err)
	}
}

// RenamesOf asked about one commit for each file a directory's move
// deleted (git scry related's question of the files that changed with
// another): git diffed the commit again for each, and each rename came
// back as many times, a moved directory's thousands of them. A commit
// asked about twice is asked once.
func TestRenamesOfAsksEachCommitOnce(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	writeFile(t, filepath.Join(dir, "old/a.md"), "a\n")
	writeFile(t, filepath.Join(dir, "old/b.md"), "b\n")
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "add")
	gitRun(t, dir, "mv", "old", "new")
	gitRun(t, dir, "commit", "-q", "-m", "move")
	move := gitRun(t, dir, "rev-parse", "HEAD")

	got, err := r.RenamesOf(ctx, []string{move, move, move})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]Rename{move: {{From: "old/a.md", To: "new/a.md"}, {From: "old/b.md", To: "new/b.md"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("RenamesOf(move three times) = %v, want %v", got, want)
	}
}

// A commit git no longer has (rewritten and pruned) has no entry, and one
// that renamed nothing has an empty one: git skips the first without an
// error, and its renames read as none (git scry related's counts).
func TestRenamesOfTellsGoneCommits(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	writeFile(t, filepath.Join(dir, "a.md"), "a\n")
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "add")
	add := gitRun(t, dir, "rev-parse", "HEAD")
	gone := strings.Repeat("e", len(add))
	got, err := r.RenamesOf(ctx, []string{add, gone})
	if err != nil {
		t.Fatal(err)
	}
	if rs, ok := got[add]; !ok || len(rs) != 0 {
		t.Errorf("RenamesOf(a commit without renames) = %v, %v; want an empty entry", rs, ok)
	}
	if rs, ok := got[gone]; ok {
		t.Errorf("RenamesOf(a commit git does not have) = %v; want no entry", rs)
	}
}
