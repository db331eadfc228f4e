package hooks

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// The shims install writes into a folder of the worktree are listed in
// info/exclude, so git status does not show them, and uninstall leaves
// the file as it found it, byte for byte: one whose last line has no
// newline (the block goes before it), an empty one, and none at all
// (install creates it, uninstall removes it).
func TestExcludeBlockTakenOutByteForByte(t *testing.T) {
	const absent = "\x00absent"
	for name, before := range map[string]string{
		"as git init writes it":       "",
		"last line without a newline": "# mine\n*.log\nbuild",
		"empty":                       "\x00empty",
		"none":                        absent,
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			r, _ := initRepo(t)
			git(t, r.Root, "config", "core.hooksPath", "my hooks")
			exclude := filepath.Join(r.CommonDir, "info", "exclude")
			switch before {
			case "":
			case absent:
				if err := os.Remove(exclude); err != nil {
					t.Fatal(err)
				}
			default:
				if err := os.WriteFile(exclude, []byte(strings.TrimPrefix(before, "\x00empty")), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, wantErr := os.ReadFile(exclude)

			if _, err := Install(ctx, r); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(exclude)
			if !bytes.Contains(got, []byte("\n/my\\ hooks/pre-push\n")) {
				t.Errorf("after install, info/exclude holds\n%s\nwant a rule for the pre-push shim", got)
			}
			if strings.HasSuffix(before, "build") && !bytes.HasSuffix(got, []byte("\nbuild")) {
				t.Errorf("after install, the last line moved:\n%s", got)
			}
			if st := git(t, r.Root, "status", "--porcelain", "--untracked-files=all"); st != "" {
				t.Errorf("after install, git status shows\n%s", st)
			}
			again := reinstall(t, r, exclude)
			if !bytes.Equal(again, got) {
				t.Errorf("a second install changed info/exclude to\n%s", again)
			}

			if _, err := Uninstall(ctx, r); err != nil {
				t.Fatal(err)
			}
			after, err := os.ReadFile(exclude)
			if os.IsNotExist(err) != os.IsNotExist(wantErr) || !bytes.Equal(after, want) {
				t.Errorf("after uninstall info/exclude is %q (%v), want %q (%v)", after, err, want, wantErr)
			}
		})
	}
}

func reinstall(t *testing.T, r *gitrepo.Repo, exclude string) []byte {
	t.Helper()
	if _, err := Install(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(exclude)
	return b
}

// A rule of the user's outside the block stays when uninstall takes the
// block out, and a hook kept beside its shim is listed with it.
func TestExcludeBlockKeepsTheUsersLines(t *testing.T) {
	ctx := context.Background()
	r, _ := initRepo(t)
	git(t, r.Root, "config", "core.hooksPath", ".githooks")
	dir := filepath.Join(r.Root, ".githooks")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "post-commit"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	exclude := filepath.Join(r.CommonDir, "info", "exclude")
	orig, _ := os.ReadFile(exclude)
	if _, err := Install(ctx, r); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(exclude)
	if !bytes.Contains(b, []byte("\n/.githooks/post-commit.verdigris-chained\n")) {
		t.Errorf("info/exclude lists no kept hook:\n%s", b)
	}
	if err := os.WriteFile(exclude, append(b, "*.tmp\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Uninstall(ctx, r); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(exclude)
	if want := string(orig) + "*.tmp\n"; string(after) != want {
		t.Errorf("after uninstall info/exclude is %q, want %q", after, want)
	}
}
