package gitrepo

import (
	"context"
	"reflect"
	"testing"
)

// Without an in-process reader (this package's tests register none)
// HeadMessage cannot be sure of anything: the caller opens the repository
// and asks git. The reader's own tests are in package inprocess.
func TestHeadMessageNeedsAReader(t *testing.T) {
	repo := gitInit(t)
	if msg, ok := HeadMessage(repo, func(string) string { return "" }); ok {
		t.Fatalf("HeadMessage without a reader = %q, ok", msg)
	}
}

// Without a reader, tags are read through git, with the same answers as
// the reader gives (see package inprocess): peeled through tags of tags,
// the message of the tag itself, tags of trees left out.
func TestTagsFromGit(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	first, second := gitRun(t, dir, "rev-parse", "HEAD~1"), gitRun(t, dir, "rev-parse", "HEAD")
	gitRun(t, dir, "tag", "s-light", first)
	gitRun(t, dir, "tag", "-a", "-m", "end of it\n\nmore", "s-annotated", second)
	gitRun(t, dir, "tag", "-a", "-m", "outer", "s-nested", "s-annotated")
	gitRun(t, dir, "tag", "-a", "-m", "a tree", "s-tree", "HEAD^{tree}")
	gitRun(t, dir, "tag", "other", second)
	gitRun(t, dir, "tag", "s-dir/deeper", first)

	tags, err := r.Tags(ctx, "s-")
	if err != nil {
		t.Fatal(err)
	}
	want := []Tag{
		{Name: "s-annotated", Commit: second, Annotated: true, Message: "end of it\n\nmore\n"},
		{Name: "s-dir/deeper", Commit: first},
		{Name: "s-light", Commit: first},
		{Name: "s-nested", Commit: second, Annotated: true, Message: "outer\n"},
	}
	if !reflect.DeepEqual(tags, want) {
		t.Fatalf("Tags = %+v\nwant %+v", tags, want)
	}
	if tg, ok, err := r.LookupTag(ctx, "s-light"); err != nil || !ok || tg != want[2] {
		t.Fatalf("LookupTag(s-light) = %+v %v %v", tg, ok, err)
	}
	for _, name := range []string{"s-none", "s-tree", "s-dir"} {
		if tg, ok, err := r.LookupTag(ctx, name); ok || err != nil {
			t.Fatalf("LookupTag(%s) = %+v %v %v", name, tg, ok, err)
		}
	}
}

// A branch named like a tag is ambiguous to git push, which refuses the
// short name; a branch with a tag below its name (v2 and v2/x) is not.
func TestAmbiguousRef(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	gitRun(t, dir, "tag", "v1")
	gitRun(t, dir, "branch", "v1")
	gitRun(t, dir, "branch", "v2")
	gitRun(t, dir, "tag", "v2/x")
	for name, want := range map[string]bool{"v1": true, "v2": false, "v2/x": false, "nosuch": false} {
		if got := r.AmbiguousRef(ctx, name); got != want {
			t.Errorf("AmbiguousRef(%s) = %v, want %v", name, got, want)
		}
	}
}
