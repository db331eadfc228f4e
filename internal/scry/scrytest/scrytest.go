// Package scrytest holds the testscript commands of the suites that drive
// the commit index (git scry's, and verdigris's through its hooks). It is
// imported only by tests.
package scrytest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/verdigris-dev/verdigris/internal/filelock"
	"github.com/verdigris-dev/verdigris/internal/scry/embedders"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// Setup is a suite's extra set-up: the built-in model learns from the
// scripts' tiny repositories alone; the machine's documentation would cost
// seconds a run.
func Setup(e *testscript.Env) error {
	e.Setenv(embedders.MachineTextEnv, "0")
	return nil
}

// Wait is the command scry-wait N: wait (up to 30s) until the index in
// the current repository holds N commits and no index run holds the lock:
// a background run has finished.
func Wait(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: scry-wait N")
	}
	want, err := strconv.ParseInt(args[0], 10, 64)
	ts.Check(err)
	common := CommonDir(ts)
	db := store.Path(filepath.Join(common, "verdigris"))
	deadline := time.Now().Add(30 * time.Second)
	var got int64 = -1
	for time.Now().Before(deadline) {
		if st, err := store.Open(context.Background(), db); err == nil {
			got, _ = st.CountCommits(context.Background())
			st.Close()
			if got == want && !locked(filepath.Join(common, "verdigris", "scry.lock")) {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	ts.Fatalf("index holds %d commits after 30s, want %d", got, want)
}

func locked(path string) bool {
	l, err := filelock.TryLock(path)
	if err != nil {
		return true
	}
	l.Unlock()
	return false
}

// CommonDir is the absolute common git dir of the repository the script
// is in.
func CommonDir(ts *testscript.TestScript) string {
	return Git(ts, "", "rev-parse", "--path-format=absolute", "--git-common-dir")
}

// Git runs git in the script's directory and environment, with stdin,
// and returns its output.
func Git(ts *testscript.TestScript, stdin string, args ...string) string {
	cmd := exec.Command("git", args...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = os.Environ()
	for _, k := range []string{"HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "GIT_CEILING_DIRECTORIES", "PATH"} {
		cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
	}
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	if err != nil {
		ts.Fatalf("git %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}
