package index

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/replay"
)

// BenchmarkIndexLefthook indexes the replayed lefthook history from
// scratch; BenchmarkGitLogP is its baseline, the time git itself needs to
// print every diff of the same repository.
func BenchmarkIndexLefthook(b *testing.B) {
	ctx := context.Background()
	dir := lefthookRepo(b)
	r, err := gitrepo.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		os.RemoveAll(r.StateDir())
		if _, err := Run(ctx, r, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGitLogP(b *testing.B) {
	dir := lefthookRepo(b)
	for i := 0; i < b.N; i++ {
		cmd := exec.Command("git", "log", "-p", "--all")
		cmd.Dir = dir
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
	}
}

var lefthookDir string

func lefthookRepo(tb testing.TB) string {
	tb.Helper()
	if lefthookDir != "" {
		return lefthookDir
	}
	commits, err := replay.Load(replay.LefthookCorpus())
	if err != nil {
		tb.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "scry-lefthook-")
	if err != nil {
		tb.Fatal(err)
	}
	dir = filepath.Join(dir, "lefthook")
	if _, err := replay.Build(context.Background(), dir, commits, replay.Options{}); err != nil {
		tb.Fatal(err)
	}
	lefthookDir = dir
	return dir
}
