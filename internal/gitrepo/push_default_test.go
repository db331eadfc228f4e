package gitrepo

import (
	"context"
	"errors"
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
		{[]string{"push.default", "matching"}, same, false},
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
