package gitrepo

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestListTreeAndReadBlobsSkipMissing(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("alpha\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "sub", "b.md"), []byte("beta"), 0o644)
	for _, args := range [][]string{{"-C", dir, "add", "-A"}, {"-C", dir, "commit", "-qm", "files"}} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	r, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := r.ListTree(ctx, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Path != "a.txt" || entries[0].Size != 6 || entries[1].Path != "sub/b.md" || entries[1].Size != 4 {
		t.Fatalf("entries = %+v", entries)
	}
	// An object that is not in the store (as in a partial clone) is
	// counted and skipped, and the others still arrive in order.
	oids := []string{entries[0].Object, "0123456789012345678901234567890123456789", entries[1].Object}
	var got []string
	missing, err := r.ReadBlobs(ctx, oids, func(i int, data []byte) error {
		got = append(got, string(data))
		if i == 1 {
			t.Errorf("callback for the missing object")
		}
		return nil
	})
	if err != nil || missing != 1 || len(got) != 2 || got[0] != "alpha\n" || got[1] != "beta" {
		t.Fatalf("ReadBlobs: got %q, missing %d, err %v", got, missing, err)
	}
	// A blob that is not in the store is listed without its size, and
	// the listing does not fail for it.
	oid := entries[0].Object
	if err := os.Remove(filepath.Join(dir, ".git", "objects", oid[:2], oid[2:])); err != nil {
		t.Fatal(err)
	}
	entries, err = r.ListTree(ctx, "HEAD")
	if err != nil || len(entries) != 2 || entries[0].Size != -1 || entries[1].Size != 4 {
		t.Fatalf("ListTree with a blob missing: %+v, %v", entries, err)
	}
}

// In a partial clone, the blobs at HEAD that the clone lacks are listed
// without a size, those it has with theirs, and none is fetched.
func TestListTreePartialClone(t *testing.T) {
	ctx := context.Background()
	clone := blobless(t, 1)
	gitRun(t, clone, "cat-file", "blob", "HEAD:README.md") // fetched: now here
	count := func() string { return gitRun(t, clone, "count-objects", "-v") }
	before := count()

	entries, err := openRepo(t, clone).ListTree(ctx, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int64{}
	for _, e := range entries {
		sizes[e.Path] = e.Size
	}
	if len(sizes) != 2 || sizes["README.md"] != int64(len("kept here, version 0\n")) || sizes["far.txt"] != -1 {
		t.Errorf("sizes = %v, want README.md 21 and far.txt -1", sizes)
	}
	if after := count(); after != before {
		t.Errorf("objects were fetched:\n%s\nthen\n%s", before, after)
	}
}

// LocalObjectsOf, which walks a few commits' trees, and LocalObjects,
// which lists the whole store, agree on the objects those commits' diffs
// need in a partial clone, and neither fetches anything.
func TestLocalObjectsOfAgreesWithTheStore(t *testing.T) {
	ctx := context.Background()
	clone := blobless(t, 2)
	gitRun(t, clone, "cat-file", "blob", "HEAD:README.md")
	gitRun(t, clone, "cat-file", "blob", "HEAD~1:README.md")
	before := gitRun(t, clone, "count-objects", "-v")
	r := openRepo(t, clone)
	head := gitRun(t, clone, "rev-parse", "HEAD")
	of, err := r.LocalObjectsOf(ctx, []string{head})
	if err != nil {
		t.Fatal(err)
	}
	all, err := r.LocalObjects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range []string{"HEAD^{tree}", "HEAD~1^{tree}", "HEAD:README.md", "HEAD~1:README.md", "HEAD:far.txt", "HEAD~1:far.txt"} {
		oid := gitRun(t, clone, "rev-parse", spec)
		_, inOf := of[oid]
		_, inAll := all[oid]
		if inOf != inAll {
			t.Errorf("%s: LocalObjectsOf says %v, the store %v", spec, inOf, inAll)
		}
	}
	if _, ok := of[gitRun(t, clone, "rev-parse", "HEAD:far.txt")]; ok {
		t.Errorf("far.txt's blob was never fetched, yet listed")
	}
	if after := gitRun(t, clone, "count-objects", "-v"); after != before {
		t.Errorf("objects were fetched:\n%s\nthen\n%s", before, after)
	}
}

// blobless makes a repository of commits commits, each writing README.md
// and far.txt anew, and returns a blobless clone of it without a checkout
// (it has none of their blobs).
func blobless(t *testing.T, commits int) string {
	t.Helper()
	origin := gitInit(t)
	for i := range commits {
		writeFile(t, filepath.Join(origin, "README.md"), fmt.Sprintf("kept here, version %d\n", i))
		writeFile(t, filepath.Join(origin, "far.txt"), fmt.Sprintf("left on the remote, version %d\n", i))
		gitRun(t, origin, "add", "-A")
		gitRun(t, origin, "commit", "-qm", fmt.Sprintf("files, version %d", i))
	}
	gitRun(t, origin, "config", "uploadpack.allowFilter", "true")
	clone := filepath.Join(t.TempDir(), "clone")
	gitRun(t, origin, "-c", "protocol.file.allow=always", "clone", "-q", "--no-checkout", "--filter=blob:none", "file://"+origin, clone)
	return clone
}

// EntryType and LastEntryType tell a file from a directory of the same
// name, at HEAD and, once deleted, as it was when last there; a path
// is a path, never a pathspec ("[x]" is no character class).
func TestEntryTypeFileBecameDirectory(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	writeFile(t, filepath.Join(dir, "x"), "file\n")
	writeFile(t, filepath.Join(dir, "sub", "[x]"), "brackets\n")
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "x is a file")
	r := openRepo(t, dir)
	for _, c := range []struct{ path, want string }{{"x", "blob"}, {"sub", "tree"}, {"sub/[x]", "blob"}, {"sub/x", ""}, {"nothing", ""}} {
		if got, err := r.EntryType(ctx, "HEAD", c.path); err != nil || got != c.want {
			t.Errorf("EntryType(HEAD, %q) = %q, %v; want %q", c.path, got, err, c.want)
		}
	}
	gitRun(t, dir, "rm", "-q", "x")
	writeFile(t, filepath.Join(dir, "x", "a.go"), "package x\n")
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "x is a directory")
	if got, err := r.LastEntryType(ctx, "x"); err != nil || got != "tree" {
		t.Errorf("LastEntryType(x) = %q, %v; want tree", got, err)
	}
	gitRun(t, dir, "rm", "-q", "-r", "x")
	gitRun(t, dir, "commit", "-q", "-m", "no x")
	if got, err := r.LastEntryType(ctx, "x"); err != nil || got != "tree" {
		t.Errorf("LastEntryType(x) after its deletion = %q, %v; want tree", got, err)
	}
	if got, err := r.LastEntryType(ctx, "never"); err != nil || got != "" {
		t.Errorf("LastEntryType(never) = %q, %v; want \"\"", got, err)
	}
}

// LocalObjectsOf of no commits ran 'git log --stdin' on an empty list,
// which git takes for HEAD: it listed HEAD's whole tree and its parents'
// (git scry index did so whenever the packs changed and no commit was
// degraded, tens of thousands of objects in a large repository).
func TestLocalObjectsOfNoCommitsIsEmpty(t *testing.T) {
	repo := gitInit(t)
	writeFile(t, filepath.Join(repo, "a.txt"), "a\n")
	gitRun(t, repo, "add", "a.txt")
	gitRun(t, repo, "commit", "-q", "-m", "add a")
	r := openRepo(t, repo)
	got, err := r.LocalObjectsOf(context.Background(), nil)
	if err != nil || len(got) != 0 {
		t.Fatalf("LocalObjectsOf(nil) = %d objects, %v; want none", len(got), err)
	}
}
