package hooks

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
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
