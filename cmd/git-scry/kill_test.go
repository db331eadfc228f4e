package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/verdigris-dev/verdigris/internal/clitest"
	"github.com/verdigris-dev/verdigris/internal/replay"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// TestKillNineMidIndexResumes kills a real 'git scry index' process with
// SIGKILL after its first batch is committed and before it finishes: the
// database must be intact, and the next run must index exactly the
// commits that were missing.
func TestKillNineMidIndexResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("replays a 1,152-commit history")
	}
	bin := filepath.Join(clitest.Binaries(t), "git-scry")
	commits, err := replay.Load(replay.LefthookCorpus())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "lefthook")
	if _, err := replay.Build(context.Background(), dir, commits, replay.Options{}); err != nil {
		t.Fatal(err)
	}
	total := int64(len(commits))
	db := store.Path(filepath.Join(dir, ".git", "verdigris"))

	cmd := exec.Command(bin, "index", "--quiet")
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var before int64
	deadline := time.Now().Add(60 * time.Second)
	for before == 0 && time.Now().Before(deadline) {
		before = count(db)
		if before == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("the indexer was not killed mid-run (%v): it finished first", err)
	}
	killed := count(db)
	if killed == 0 || killed >= total {
		t.Fatalf("after kill -9 the index holds %d of %d commits; want a partial index", killed, total)
	}
	checkIntegrity(t, db)

	cmd = exec.Command(bin, "index", "--json")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("resuming: %v\n%s", err, out)
	}
	var res struct{ Added, Total int64 }
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	if res.Added != total-killed || res.Total != total {
		t.Fatalf("resumed run added %d (total %d); want %d (total %d)", res.Added, res.Total, total-killed, total)
	}
	checkIntegrity(t, db)
	cmd = exec.Command(bin, "--mode", "lexical", "-n", "1", "experimental", "ai", "hooks")
	cmd.Dir = dir
	if out, err := cmd.Output(); err != nil || len(out) == 0 {
		t.Fatalf("search after resume: %v %q", err, out)
	}
}

func count(db string) int64 {
	if _, err := os.Stat(db); err != nil {
		return 0
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		return 0
	}
	defer st.Close()
	n, _ := st.CountCommits(context.Background())
	return n
}

func checkIntegrity(t *testing.T, db string) {
	t.Helper()
	st, _, err := store.Create(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var res string
	if err := st.DB().QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check = %q, %v", res, err)
	}
	if _, err := st.DB().Exec(`INSERT INTO fts(fts) VALUES('integrity-check')`); err != nil {
		t.Fatalf("FTS integrity-check: %v", err)
	}
}
