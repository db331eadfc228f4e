package main

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/verdigris-dev/verdigris/internal/clitest"
	"github.com/verdigris-dev/verdigris/internal/filelock"
	"github.com/verdigris-dev/verdigris/internal/scry/scrytest"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

func TestScripts(t *testing.T) {
	p := clitest.Params(t, "testdata", scrytest.Setup)
	// [root]: permission bits do not stop root, so a script about an
	// index this user may not write skips there.
	p.Condition = func(cond string) (bool, error) {
		if cond == "root" {
			return os.Getuid() == 0, nil
		}
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	p.Cmds = maps.Clone(p.Cmds)
	p.Cmds["scry-wait"] = scrytest.Wait
	p.Cmds["git-objects"] = gitObjects
	p.Cmds["rm-object"] = rmObject
	p.Cmds["corrupt-object"] = corruptObject
	p.Cmds["commit-twin"] = commitTwin
	p.Cmds["scry-sql"] = scrySQL
	p.Cmds["scry-running"] = scryRunning
	testscript.Run(t, p)
}

// git-objects: print the number of objects in the repository's store, to
// show that nothing was fetched.
func gitObjects(ts *testscript.TestScript, neg bool, args []string) {
	out := gitOut(ts, "count-objects", "-v")
	n := 0
	for _, l := range strings.Split(out, "\n") {
		k, v, _ := strings.Cut(l, ": ")
		if k == "count" || k == "in-pack" {
			x, _ := strconv.Atoi(v)
			n += x
		}
	}
	ts.Stdout().Write([]byte(strconv.Itoa(n) + "\n"))
}

func gitOut(ts *testscript.TestScript, args ...string) string {
	return scrytest.Git(ts, "", args...)
}

// rm-object FILE: delete the loose object whose hash FILE holds (damage
// a repository the way a failing disk or a broken copy does).
func rmObject(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: rm-object FILE")
	}
	h := strings.TrimSpace(ts.ReadFile(args[0]))
	gitDir := gitOut(ts, "rev-parse", "--path-format=absolute", "--git-common-dir")
	ts.Check(os.Remove(filepath.Join(gitDir, "objects", h[:2], h[2:])))
}

// corrupt-object FILE: cut the loose object whose hash FILE holds to its
// first bytes, as a failing disk or a copy stopped part way leaves it:
// still in the store, no longer readable.
func corruptObject(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: corrupt-object FILE")
	}
	h := strings.TrimSpace(ts.ReadFile(args[0]))
	gitDir := gitOut(ts, "rev-parse", "--path-format=absolute", "--git-common-dir")
	p := filepath.Join(gitDir, "objects", h[:2], h[2:])
	data, err := os.ReadFile(p)
	ts.Check(err)
	ts.Check(os.Chmod(p, 0o644))
	ts.Check(os.WriteFile(p, data[:10], 0o644))
}

// commit-twin N MESSAGE: commit MESSAGE on HEAD (the tree unchanged)
// with the commit time that makes its hash start with the same N hex
// digits as HEAD's: two commits that one prefix names, which a history
// comes by only after some 16^N commits.
func commitTwin(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: commit-twin N MESSAGE")
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n < 1 || n > 6 {
		ts.Fatalf("commit-twin: N is 1 to 6")
	}
	head := gitOut(ts, "rev-parse", "HEAD")
	tree := gitOut(ts, "rev-parse", "HEAD^{tree}")
	for t := int64(1_700_000_000); t < 1_700_000_000+64<<(4*n); t++ {
		obj := fmt.Sprintf("tree %s\nparent %s\nauthor Test User <test@example.com> %d +0000\ncommitter Test User <test@example.com> %d +0000\n\n%s\n", tree, head, t, t, args[1])
		sum := sha1.Sum([]byte(fmt.Sprintf("commit %d\x00%s", len(obj), obj)))
		if h := hex.EncodeToString(sum[:]); h[:n] == head[:n] {
			if got := scrytest.Git(ts, obj, "hash-object", "-t", "commit", "-w", "--stdin"); got != h {
				ts.Fatalf("commit-twin: git wrote %s, not %s", got, h)
			}
			gitOut(ts, "update-ref", "HEAD", h, head)
			return
		}
	}
	ts.Fatalf("commit-twin: no commit time gives a hash starting with %s", head[:n])
}

// scry-sql [-rebuild] STATEMENT: run STATEMENT on the current
// repository's index (damage it in one known place: a table gone, as a
// failing disk or a half-copied file leaves it), or with -rebuild on the
// rebuild a killed 'git scry index --full' left beside it.
func scrySQL(ts *testscript.TestScript, neg bool, args []string) {
	name := store.FileName
	if len(args) == 2 && args[0] == "-rebuild" {
		name, args = "scry-rebuild.db", args[1:]
	}
	if len(args) != 1 {
		ts.Fatalf("usage: scry-sql [-rebuild] STATEMENT")
	}
	common := gitOut(ts, "rev-parse", "--path-format=absolute", "--git-common-dir")
	st, _, err := store.Create(context.Background(), filepath.Join(common, "verdigris", name))
	ts.Check(err)
	defer st.Close()
	_, err = st.DB().ExecContext(context.Background(), args[0])
	ts.Check(err)
}

// scry-running on|off: hold the mark an index run holds while it runs,
// as the post-commit hook's run does while a search is made; let go of it.
func scryRunning(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || (args[0] != "on" && args[0] != "off") {
		ts.Fatalf("usage: scry-running on|off")
	}
	runningMu.Lock()
	defer runningMu.Unlock()
	if args[0] == "off" {
		runningHeld[ts].Unlock()
		delete(runningHeld, ts)
		return
	}
	common := gitOut(ts, "rev-parse", "--path-format=absolute", "--git-common-dir")
	l, err := filelock.TryLock(filepath.Join(common, "verdigris", "scry.running"))
	ts.Check(err)
	runningHeld[ts] = l
	ts.Defer(func() { l.Unlock() })
}

// runningHeld: the marks scry-running holds, each script's (they run in
// parallel).
var (
	runningMu   sync.Mutex
	runningHeld = map[*testscript.TestScript]*filelock.Lock{}
)

// TestUsageFits80Columns: 'help' and every command's --help fit a
// terminal of 80 columns, which wraps a wider line mid-word.
func TestUsageFits80Columns(t *testing.T) {
	clitest.UsageFits(t, program())
}
