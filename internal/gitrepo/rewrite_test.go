package gitrepo

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The post-commit hook tells an amend from a new commit by the newest
// HEAD reflog entry, which git writes before it runs the hook.
func TestHeadReflogMessage(t *testing.T) {
	dir := gitInit(t)
	r := openRepo(t, dir)
	if msg, ok := r.HeadReflogMessage(); !ok || msg != "commit: second" {
		t.Errorf("after a commit: %q, %v", msg, ok)
	}
	gitRun(t, dir, "commit", "-q", "--amend", "--allow-empty", "-m", "second, amended")
	if msg, ok := r.HeadReflogMessage(); !ok || !strings.HasPrefix(msg, "commit (amend): second, amended") {
		t.Errorf("after an amend: %q, %v", msg, ok)
	}
	// Many entries: the newest is read from the end of the file.
	for range 200 {
		gitRun(t, dir, "commit", "-q", "--allow-empty", "-m", strings.Repeat("long subject ", 10))
	}
	gitRun(t, dir, "commit", "-q", "--allow-empty", "-m", "last")
	if msg, ok := r.HeadReflogMessage(); !ok || msg != "commit: last" {
		t.Errorf("after many commits: %q, %v", msg, ok)
	}
	if err := os.RemoveAll(filepath.Join(r.GitDir, "logs")); err != nil {
		t.Fatal(err)
	}
	if msg, ok := r.HeadReflogMessage(); ok {
		t.Errorf("without a reflog: %q, want not ok", msg)
	}
}

// DeleteTag deletes a tag only while it leads to the commit the caller
// saw it on.
func TestDeleteTag(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	head := gitRun(t, dir, "rev-parse", "HEAD")
	first := gitRun(t, dir, "rev-parse", "HEAD~1")
	if err := r.CreateTag(ctx, "session-20260304-082030-a-start", head, "msg", false); err != nil {
		t.Fatal(err)
	}
	if err := r.DeleteTag(ctx, "session-20260304-082030-a-start", first); err == nil || !strings.Contains(err.Error(), "left as it is") {
		t.Errorf("deleting a tag seen on another commit: %v", err)
	}
	if _, ok, _ := r.LookupTag(ctx, "session-20260304-082030-a-start"); !ok {
		t.Fatal("the tag was deleted although it was on another commit")
	}
	if err := r.DeleteTag(ctx, "session-20260304-082030-a-start", head); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := r.LookupTag(ctx, "session-20260304-082030-a-start"); ok {
		t.Error("the tag is still there")
	}
	if err := r.DeleteTag(ctx, "session-20260304-082030-a-start", head); err == nil {
		t.Error("deleting a missing tag succeeded")
	}
}
