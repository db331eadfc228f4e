package hooks

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	shims "github.com/verdigris-dev/verdigris/hooks"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

func initRepo(t *testing.T) (*gitrepo.Repo, string) {
	t.Helper()
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	ctx := context.Background()
	r, err := gitrepo.Init(ctx, t.TempDir(), "main")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := Dir(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return r, dir
}

func states(t *testing.T, r *gitrepo.Repo) map[string]Status {
	t.Helper()
	sts, err := Inspect(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]Status{}
	for _, st := range sts {
		m[st.Name] = st
	}
	return m
}

func did(acts []Action) map[string]string {
	m := map[string]string{}
	for _, a := range acts {
		m[a.Name] = a.Did
	}
	return m
}

// A repository set up before the post-merge shim existed (the other shims
// as shipped, the user's own post-merge hook in place): install adds the
// post-merge shim with the user's hook chained and leaves the others as
// they are; uninstall puts the user's hook back, bytes and mode.
func TestInstallAddsPostMergeToAnEarlierInstall(t *testing.T) {
	ctx := context.Background()
	r, dir := initRepo(t)
	for _, name := range shims.Names {
		if name == "post-merge" {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), shim(name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	user := []byte("#!/bin/sh\necho \"my post-merge $1\"\n")
	p := filepath.Join(dir, "post-merge")
	if err := os.WriteFile(p, user, 0o700); err != nil {
		t.Fatal(err)
	}

	if st := states(t, r)["post-merge"]; st.State != Foreign || st.Chained {
		t.Fatalf("before install, post-merge is %+v, want a foreign hook, not chained", st)
	}
	acts, err := Install(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"pre-push": "unchanged", "post-commit": "unchanged", "post-rewrite": "unchanged", "post-merge": "chained"}
	for name, d := range want {
		if got := did(acts)[name]; got != d {
			t.Errorf("install: %s %s, want %s", name, got, d)
		}
	}
	if st := states(t, r)["post-merge"]; st.State != Installed || !st.Chained {
		t.Errorf("after install, post-merge is %+v, want installed and chained", st)
	}
	if b, _ := os.ReadFile(p + shims.ChainedSuffix); !bytes.Equal(b, user) {
		t.Errorf("the kept hook holds %q, want the user's %q", b, user)
	}
	if !Runs(ctx, r, "post-merge") {
		t.Error("git would not run the post-merge shim")
	}

	acts, err = Uninstall(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if got := did(acts)["post-merge"]; got != "restored" {
		t.Errorf("uninstall: post-merge %s, want restored", got)
	}
	b, err := os.ReadFile(p)
	if err != nil || !bytes.Equal(b, user) {
		t.Fatalf("after uninstall post-merge holds %q (%v), want the user's %q", b, err, user)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o700 {
		t.Errorf("the user's hook has mode %o after uninstall, want 700", fi.Mode().Perm())
	}
	if _, err := os.Lstat(p + shims.ChainedSuffix); !os.IsNotExist(err) {
		t.Errorf("the kept copy is still there: %v", err)
	}
	for _, name := range []string{"pre-push", "post-commit", "post-rewrite"} {
		if _, err := os.Lstat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("uninstall left the %s shim: %v", name, err)
		}
	}
}

// Each shim an earlier release installed (testdata holds them as shipped,
// named <hook>.<shim version>) is reported outdated, updated in place by
// install and removed by uninstall: its digest stays in shipped.sha256
// when the shim changes. The version 2 shims looked for the binaries on
// PATH only, which a GUI git client or cron sets apart from the shell's.
func TestInstallUpdatesEarlierShims(t *testing.T) {
	olds, err := filepath.Glob(filepath.Join("testdata", "*.[0-9]*"))
	if err != nil || len(olds) == 0 {
		t.Fatalf("no earlier shims in testdata: %v", err)
	}
	for _, f := range olds {
		name := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		t.Run(filepath.Base(f), func(t *testing.T) {
			ctx := context.Background()
			r, dir := initRepo(t)
			old, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, old, 0o755); err != nil {
				t.Fatal(err)
			}
			if st := states(t, r)[name]; st.State != Outdated {
				t.Fatalf("the earlier %s shim is %s, want %s", name, st.State, Outdated)
			}
			acts, err := Install(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			if got := did(acts)[name]; got != "updated" {
				t.Errorf("install: %s %s, want updated", name, got)
			}
			if b, _ := os.ReadFile(p); !bytes.Equal(b, shim(name)) {
				t.Errorf("%s is not the current shim after install", name)
			}
			if err := os.WriteFile(p, old, 0o755); err != nil {
				t.Fatal(err)
			}
			acts, err = Uninstall(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			if got := did(acts)[name]; got != "removed" {
				t.Errorf("uninstall of the earlier shim: %s %s, want removed", name, got)
			}
		})
	}
}

// A copy without an execute bit before the one found is listed, once,
// in PATH's order; one after it, a folder of the name and a relative
// PATH entry are not.
func TestNotExecutableBefore(t *testing.T) {
	tmp := t.TempDir()
	dirs := map[string]os.FileMode{"a": 0o644, "b": 0o755, "c": 0o644, "d": 0}
	for d, mode := range dirs {
		p := filepath.Join(tmp, d, "git-session")
		if mode == 0 {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
	}
	at := func(d string) string { return filepath.Join(tmp, d) }
	t.Setenv("PATH", strings.Join([]string{at("d"), at("a"), "a", at("a"), at("b"), at("c")}, string(filepath.ListSeparator)))
	t.Chdir(tmp)
	found := filepath.Join(at("b"), "git-session")
	if got := NotExecutableBefore("git-session", found); len(got) != 1 || got[0] != filepath.Join(at("a"), "git-session") {
		t.Errorf("before %s: %q", found, got)
	}
	if got := NotExecutableBefore("git-session", ""); len(got) != 2 || got[1] != filepath.Join(at("c"), "git-session") {
		t.Errorf("off PATH: %q", got)
	}
}

// A file is executable for a user as the shims' [ -x ] says: by the
// owner's bit for its owner, the group's for a member of its group, the
// others' for anyone else, and any one of them for root.
func TestExecutableBy(t *testing.T) {
	const owner, group = 1000, 100
	user := ids{uid: 1000, gid: 100}
	other := ids{uid: 1001, gid: 1001}
	member := ids{uid: 1002, gid: 1002, groups: []uint32{5, 100}}
	root := ids{uid: 0, gid: 0}
	for _, c := range []struct {
		mode fs.FileMode
		id   ids
		want bool
	}{
		{0o755, other, true},
		{0o744, user, true},
		{0o744, other, false},
		{0o744, member, false},
		{0o754, member, true},
		{0o754, other, false},
		{0o701, user, true},
		{0o071, user, false}, // the owner's bit alone counts for the owner
		{0o710, member, true},
		{0o701, member, false},
		{0o644, user, false},
		{0o644, root, false},
		{0o001, root, true},
	} {
		if got := executableBy(c.mode, owner, group, c.id); got != c.want {
			t.Errorf("mode %o owned by %d:%d, run by %+v: executable %v, want %v", c.mode, owner, group, c.id, got, c.want)
		}
	}
}

// A file with an execute bit the user may not use (0700 owned by
// another user) is not executable where the hooks look off PATH, as the
// shims say: found, it was run and did not answer. The tests run as
// root, for whom any bit will do: the user is set to another.
func TestFindBinaryExecuteBitForAnotherUser(t *testing.T) {
	home := t.TempDir()
	bin := filepath.Join(home, ".local", "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(bin, "git-session")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	owner := fi.Sys().(*syscall.Stat_t).Uid
	save := processIDs
	t.Cleanup(func() { processIDs = save })
	processIDs = func() ids { return ids{uid: owner + 1, gid: 65534} }
	if path, _, ok, notExec := FindBinary(nil, home, "git-session"); ok || !notExec || path != p {
		t.Errorf("0700 owned by another user: %s ok %v, notExec %v; want %s not executable", path, ok, notExec, p)
	}
	processIDs = func() ids { return ids{uid: owner, gid: 65534} }
	if path, _, ok, notExec := FindBinary(nil, home, "git-session"); !ok || notExec || path != p {
		t.Errorf("0700 owned by the user: %s ok %v, notExec %v; want %s found", path, ok, notExec, p)
	}
}
