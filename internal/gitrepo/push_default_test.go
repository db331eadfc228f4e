package gitrepo

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"testing"
)

// PushTarget follows push.default and remote.<name>.push as git push with
// no arguments does for the current branch; what git push would not push,
// or what it is not told how to follow, is a NoPushTargetError.
func TestPushTargetFollowsPushDefaultAndRefspecs(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	for _, name := range []string{"origin", "fork"} {
		bare := filepath.Join(filepath.Dir(dir), name+".git")
		gitRun(t, dir, "init", "-q", "--bare", bare)
		gitRun(t, dir, "remote", "add", name, bare)
	}
	gitRun(t, dir, "push", "-q", "origin", "main:trunk")
	gitRun(t, dir, "branch", "-q", "--set-upstream-to=origin/trunk", "main")
	tracked := RemoteBranch{Remote: "origin", Ref: "refs/heads/trunk", Configured: true}
	same := RemoteBranch{Remote: "origin", Ref: "refs/heads/main"}
	for _, c := range []struct {
		config []string // key value pairs
		want   RemoteBranch
		refuse bool
	}{
		// simple, set or git's default, refuses an upstream named other
		// than the branch (git push: "does not match the name of your
		// current branch").
		{nil, RemoteBranch{}, true},
		{[]string{"push.default", "simple"}, RemoteBranch{}, true},
		// Pushed to another remote than it tracks, simple pushes to the
		// same name there.
		{[]string{"remote.pushDefault", "fork"}, RemoteBranch{Remote: "fork", Ref: "refs/heads/main"}, false},
		{[]string{"push.default", "upstream"}, tracked, false},
		{[]string{"push.default", "tracking"}, tracked, false},
		{[]string{"push.default", "current"}, same, false},
		// matching pushes only a branch the remote has too: origin has
		// trunk, not main.
		{[]string{"push.default", "matching"}, RemoteBranch{}, true},
		{[]string{"push.default", "nothing"}, RemoteBranch{}, true},
		// upstream, pushing to another remote than the one it tracks: git
		// push refuses, not knowing which branch there.
		{[]string{"push.default", "upstream", "remote.pushDefault", "fork"}, RemoteBranch{}, true},
		{[]string{"push.default", "current", "remote.pushDefault", "fork"}, RemoteBranch{Remote: "fork", Ref: "refs/heads/main"}, false},
		// remote.<name>.push overrides push.default.
		{[]string{"remote.origin.push", "refs/heads/main:refs/heads/release"}, RemoteBranch{Remote: "origin", Ref: "refs/heads/release"}, false},
		{[]string{"remote.origin.push", "+refs/heads/*:refs/heads/mine/*"}, RemoteBranch{Remote: "origin", Ref: "refs/heads/mine/main"}, false},
		{[]string{"remote.origin.push", "HEAD:refs/heads/review"}, RemoteBranch{Remote: "origin", Ref: "refs/heads/review"}, false},
		{[]string{"remote.origin.push", "refs/heads/other:refs/heads/other"}, RemoteBranch{}, true},
		{[]string{"remote.origin.push", "refs/heads/main:refs/for/main"}, RemoteBranch{}, true},
		{[]string{"remote.origin.push", "^refs/heads/main"}, RemoteBranch{}, true},
	} {
		for i := 0; i < len(c.config); i += 2 {
			gitRun(t, dir, "config", c.config[i], c.config[i+1])
		}
		got, ok, err := r.PushTarget(ctx, "main")
		var refused *NoPushTargetError
		switch {
		case c.refuse && !errors.As(err, &refused):
			t.Errorf("%v: %+v, %v, %v; want a NoPushTargetError", c.config, got, ok, err)
		case !c.refuse && (err != nil || !ok || got != c.want):
			t.Errorf("%v: %+v, %v, %v; want %+v", c.config, got, ok, err, c.want)
		}
		for i := 0; i < len(c.config); i += 2 {
			gitRun(t, dir, "config", "--unset-all", c.config[i])
		}
	}
}

// push.default=matching, or a remote.<name>.push of ":", pushes the
// branches that the remote has too and no other: PushTarget sent a
// branch made here to the same name there, which git push leaves alone.
// It asks where the push goes (each push URL).
func TestPushTargetMatchingOnlyABranchTheRemoteHas(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	bare := filepath.Join(filepath.Dir(dir), "origin.git")
	gitRun(t, dir, "init", "-q", "--bare", bare)
	gitRun(t, dir, "remote", "add", "origin", bare)
	gitRun(t, dir, "push", "-q", "origin", "main")
	gitRun(t, dir, "branch", "topic")
	for _, c := range []struct {
		config []string // key value pairs
		branch string
		refuse bool
	}{
		{[]string{"push.default", "matching"}, "main", false},
		{[]string{"push.default", "matching"}, "topic", true},
		{[]string{"remote.origin.push", ":"}, "main", false},
		{[]string{"remote.origin.push", ":"}, "topic", true},
		// A branch named as well as ":" is pushed by name.
		{[]string{"remote.origin.push", ":", "remote.origin.push", "refs/heads/topic:refs/heads/topic"}, "topic", false},
		// current makes it.
		{[]string{"push.default", "current"}, "topic", false},
	} {
		for i := 0; i < len(c.config); i += 2 {
			gitRun(t, dir, "config", "--add", c.config[i], c.config[i+1])
		}
		got, ok, err := r.PushTarget(ctx, c.branch)
		want := RemoteBranch{Remote: "origin", Ref: "refs/heads/" + c.branch}
		var refused *NoPushTargetError
		switch {
		case c.refuse && (!errors.As(err, &refused) || refused.Matching != (c.config[0] == "push.default")):
			t.Errorf("%v %s: %+v, %v, %v; want a NoPushTargetError of matching", c.config, c.branch, got, ok, err)
		case !c.refuse && (err != nil || !ok || got != want):
			t.Errorf("%v %s: %+v, %v, %v; want %+v", c.config, c.branch, got, ok, err, want)
		}
		for i := 0; i < len(c.config); i += 2 {
			exec.Command("git", "-C", dir, "config", "--unset-all", c.config[i]).Run() // a key given twice is gone after the first
		}
	}
	// A push URL of its own is where the push goes, and what it has.
	empty := filepath.Join(filepath.Dir(dir), "empty.git")
	gitRun(t, dir, "init", "-q", "--bare", empty)
	gitRun(t, dir, "config", "push.default", "matching")
	gitRun(t, dir, "remote", "set-url", "--push", "origin", empty)
	var refused *NoPushTargetError
	if got, ok, err := r.PushTarget(ctx, "main"); !errors.As(err, &refused) || !refused.Matching {
		t.Errorf("push URL without main: %+v, %v, %v; want a NoPushTargetError of matching", got, ok, err)
	}
}
