package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/clitest"
)

// benchRepo is a repository whose HEAD has no session marker, and the
// environment to run commands in it.
func benchRepo(b *testing.B, message string) (string, []string) {
	b.Helper()
	dir := b.TempDir()
	cfg := filepath.Join(dir, "gitconfig")
	os.WriteFile(cfg, []byte("[user]\nname = B\nemail = b@example.com\n"), 0o644)
	env := append(os.Environ(), "GIT_CONFIG_GLOBAL="+cfg, "GIT_CONFIG_NOSYSTEM=1",
		"PATH="+clitest.Binaries(b)+string(os.PathListSeparator)+os.Getenv("PATH"))
	repo := filepath.Join(dir, "r")
	for _, args := range [][]string{{"init", "-q", repo}, {"-C", repo, "commit", "-q", "--allow-empty", "-m", message}} {
		cmd := exec.Command("git", args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return repo, env
}

func runIn(b *testing.B, dir string, env []string, name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// The post-commit hook's cost on a commit without markers (what nearly
// every commit is), against starting git once (git rev-parse HEAD) as the
// baseline:
//
//	go test -run XXX -bench 'Hook|GitRevParse' ./cmd/git-session
func BenchmarkHookNoMarker(b *testing.B) {
	repo, env := benchRepo(b, "feat: an ordinary commit")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		runIn(b, repo, env, filepath.Join(clitest.Binaries(b), "git-session"), "hook", "post-commit")
	}
}

// A commit that mentions sessions without being a marker takes the full
// path: open the repository, parse the message.
func BenchmarkHookMentionsSession(b *testing.B) {
	repo, env := benchRepo(b, "docs: explain sessions")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		runIn(b, repo, env, filepath.Join(clitest.Binaries(b), "git-session"), "hook", "post-commit")
	}
}

func BenchmarkGitRevParse(b *testing.B) {
	repo, env := benchRepo(b, "feat: an ordinary commit")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		runIn(b, repo, env, "git", "rev-parse", "HEAD")
	}
}
