package session

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// Sessions started at the same moment in different worktrees (agents side
// by side) each chose an id from a list of tags taken before any of them
// had tagged, and several got the same id, so their records collided.
func TestStartsInParallelWorktreesGetDistinctIDs(t *testing.T) {
	home := t.TempDir()
	for k, v := range map[string]string{
		"HOME": home, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.DevNull,
		"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
		"GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com",
	} {
		t.Setenv(k, v)
	}
	dir := t.TempDir()
	git := func(in string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = in
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	main := filepath.Join(dir, "main")
	git(dir, "init", "-q", "-b", "main", main)
	git(main, "commit", "-q", "--allow-empty", "-m", "first")
	const n = 6
	trees := make([]string, n)
	for i := range trees {
		trees[i] = filepath.Join(dir, fmt.Sprintf("w%d", i))
		git(main, "worktree", "add", "-q", "-b", fmt.Sprintf("w%d", i), trees[i])
	}
	ctx := context.Background()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	managers := make([]*Manager, n)
	for i, tree := range trees {
		r, err := gitrepo.Open(ctx, tree)
		if err != nil {
			t.Fatal(err)
		}
		if managers[i], err = NewManager(r); err != nil {
			t.Fatal(err)
		}
		managers[i].Now = func() time.Time { return now }
	}
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, m := range managers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := m.Start(ctx, StartOptions{Title: "work", Agent: fmt.Sprintf("agent%d", i)})
			if errs[i] = err; err == nil {
				ids[i] = st.ID
			}
		}()
	}
	wg.Wait()
	seen := map[string]int{}
	for i, id := range ids {
		if errs[i] != nil {
			t.Fatalf("worktree %d: %v", i, errs[i])
		}
		if j, dup := seen[id]; dup {
			t.Fatalf("worktrees %d and %d both got session id %s (all: %v)", j, i, id, ids)
		}
		seen[id] = i
	}
}

// start checked a candidate id's record path with os.Stat, through a
// symbolic link: a link to nothing there read as no record, start took
// the id, and end then refused to write the record over the link. Any
// entry at the path, a link included, makes the id taken.
func TestStartSkipsAnIDWhoseRecordPathHoldsAnything(t *testing.T) {
	for k, v := range map[string]string{
		"HOME": t.TempDir(), "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.DevNull,
		"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
		"GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com",
	} {
		t.Setenv(k, v)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []struct {
		name  string
		plant func(path string) error
	}{
		{"link to nothing", func(p string) error { return os.Symlink("../../nowhere.md", p) }},
		{"link to itself", func(p string) error { return os.Symlink(filepath.Base(p), p) }},
		{"link to a file", func(p string) error {
			if err := os.WriteFile(p+".target", []byte("notes\n"), 0o644); err != nil {
				return err
			}
			return os.Symlink(filepath.Base(p)+".target", p)
		}},
		{"file", func(p string) error { return os.WriteFile(p, []byte("# Session: held\n"), 0o644) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command("sh", "-c", "git init -q -b main . && git commit -q --allow-empty -m first")
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			ctx := context.Background()
			r, err := gitrepo.Open(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			m, err := NewManager(r)
			if err != nil {
				t.Fatal(err)
			}
			m.Now = func() time.Time { return now }
			held := m.absPath(m.RecordPath(NewID(now)))
			if err := os.MkdirAll(filepath.Dir(held), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := c.plant(held); err != nil {
				t.Fatal(err)
			}
			st, err := m.Start(ctx, StartOptions{Title: "work", Agent: "ann"})
			if err != nil {
				t.Fatal(err)
			}
			if want := NextID(NewID(now)); st.ID != want {
				t.Errorf("start took id %s, whose record path holds a %s; want %s", st.ID, c.name, want)
			}
		})
	}
}
