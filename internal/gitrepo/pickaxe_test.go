package gitrepo

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
)

func TestPickaxeListsAddingAndRemovingCommitsWithTheirParents(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	f := filepath.Join(dir, "s", "file")
	commit := func(content, msg string) string {
		writeFile(t, f, content)
		gitRun(t, dir, "add", "-A")
		gitRun(t, dir, "commit", "-q", "-m", msg)
		return gitRun(t, dir, "rev-parse", "HEAD")
	}
	base := gitRun(t, dir, "rev-parse", "HEAD")
	add := commit("a = v1:1:XYZ\n", "add")
	other := commit("a = v1:1:XYZ\nb = v1:1:QQQ\n", "other")
	remove := commit("a = v1:1:ABC\nb = v1:1:QQQ\n", "remove")

	got, err := r.Pickaxe(ctx, "v1:1:XYZ", "s/file")
	if err != nil {
		t.Fatal(err)
	}
	want := []PickaxeCommit{{Hash: remove, Parent: other}, {Hash: add, Parent: base}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Pickaxe = %+v, want %+v", got, want)
	}

	// A merge under way: the other side's commits count before the
	// merge is committed.
	gitRun(t, dir, "checkout", "-q", "-b", "side", add)
	side := commit("a = v1:1:SIDE\n", "side")
	gitRun(t, dir, "checkout", "-q", "main")
	gitRun(t, dir, "merge", "-q", "--no-commit", "-s", "ours", "side")
	got, err = r.Pickaxe(ctx, "v1:1:SIDE", "s/file")
	if err != nil || len(got) != 1 || got[0].Hash != side {
		t.Fatalf("Pickaxe during a merge = %+v, %v; want %s", got, err, side)
	}
	gitRun(t, dir, "merge", "--abort")

	// The edge of a shallow clone has no parent.
	clone := filepath.Join(t.TempDir(), "c")
	gitRun(t, dir, "clone", "-q", "--depth", "1", "file://"+dir, clone)
	got, err = openRepo(t, clone).Pickaxe(ctx, "v1:1:QQQ", "s/file")
	if err != nil || len(got) != 1 || got[0].Hash != remove || got[0].Parent != "" {
		t.Fatalf("Pickaxe in a shallow clone = %+v, %v; want %s without a parent", got, err, remove)
	}
}
