// Package scripts holds the tests of the repository's shell scripts that
// have no Go package of their own.
package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A setup step that fails never fails the install: install.sh runs under
// set -e, and a failed step stopped it before doctor, which says what is
// missing. Each step runs with its binary failing, in a repository that
// has what makes the step run.
func TestSetupStepsNeverFailTheInstall(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	repo := filepath.Join(dir, "repo")
	for _, d := range []string{bin, filepath.Join(repo, ".verdigris", "vault")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"git-vault", "git-scry"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\necho \"$0: error: it broke\" >&2\nexit 1\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("commit", "-q", "--allow-empty", "-m", "first")
	for _, step := range []string{"vault.sh", "50-scry.sh"} {
		cmd := exec.Command("bash", filepath.Join("setup.d", step))
		cmd.Dir = repo
		abs, _ := filepath.Abs(filepath.Join("setup.d", step))
		cmd.Args = []string{"bash", abs}
		cmd.Env = append(os.Environ(), "BINDIR="+bin, "HOME="+filepath.Join(dir, "home"), "XDG_CONFIG_HOME=", "VERDIGRIS_IDENTITY=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("%s with its binary failing: %v\n%s", step, err, out)
		}
		if !strings.Contains(string(out), "it broke") || !strings.Contains(string(out), "setup: ") {
			t.Errorf("%s: output %q, want the binary's error and a setup line", step, out)
		}
	}
}
