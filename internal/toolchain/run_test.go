package toolchain

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verdigris-dev/verdigris/internal/config"
)

func parseChecks(t *testing.T, toml string) *config.File {
	t.Helper()
	cfg, err := config.Parse("toolchain.toml", []byte(toml))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func statuses(rs []CheckResult) map[string]string {
	m := map[string]string{}
	for _, r := range rs {
		m[r.Name] = r.Status
	}
	return m
}

// barrier makes a check that passes only if the other check runs at the
// same time: each marks itself started and waits for the other.
func barrier(me, other string) string {
	return `touch started.` + me + `; i=0; while [ ! -e started.` + other + ` ]; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.05; done`
}

func TestIndependentChecksRunInParallel(t *testing.T) {
	cfg := parseChecks(t, `
[checks.a]
run = '`+barrier("a", "b")+`'
[checks.b]
run = '`+barrier("b", "a")+`'
`)
	rs := RunChecks(context.Background(), cfg, []string{"a", "b"}, RunOptions{Root: t.TempDir(), Jobs: 2, Env: os.Environ()})
	if s := statuses(rs); s["a"] != Pass || s["b"] != Pass {
		t.Fatalf("parallel checks did not overlap: %v", rs)
	}
}

// exclusive makes a check that fails if any other check is running while
// it runs: checks mark themselves running for a while.
func exclusive(me string) string {
	return `if ls running.* >/dev/null 2>&1; then echo "overlap: $(ls running.*)"; exit 1; fi; touch running.` + me + `; sleep 0.3; rm running.` + me + `; touch done.` + me
}

// marker makes a check that marks itself running for a while.
// wantAllPass fails the test for each check that did not pass.
func wantAllPass(t *testing.T, rs []CheckResult) {
	t.Helper()
	for _, r := range rs {
		if r.Status != Pass {
			t.Errorf("%s: %s %s\n%s", r.Name, r.Status, r.Reason, r.Output)
		}
	}
}

func marker(me string) string {
	return `touch running.` + me + `; sleep 0.3; rm running.` + me
}

func TestSerialCheckRunsAloneAndBeforeLaterChecks(t *testing.T) {
	// p1 runs before the serial check s and must be done when s starts; p2
	// and p3 come after s in the set and must not start before s is done.
	// p2 and p3 may overlap each other: both are parallel.
	cfg := parseChecks(t, `
[checks.p1]
run = '`+marker("p1")+`'
[checks.s]
run = '`+exclusive("s")+`'
parallel = false
[checks.p2]
run = 'test -e done.s && `+marker("p2")+`'
[checks.p3]
run = 'test -e done.s && `+marker("p3")+`'
`)
	rs := RunChecks(context.Background(), cfg, []string{"p1", "s", "p2", "p3"}, RunOptions{Root: t.TempDir(), Jobs: 4, Env: os.Environ()})
	wantAllPass(t, rs)
}

// A serial check still waiting for a check it runs after keeps the checks
// listed after it waiting too: test started while migrate waited for
// build, and ran before it. What migrate waits for (build, and dep, listed
// after it) still runs, or it would wait for ever.
func TestSerialCheckWaitingForAfterHoldsLaterChecks(t *testing.T) {
	cfg := parseChecks(t, `
[checks.build]
run = "sleep 0.3; touch built"
[checks.migrate]
run = 'test -e built && test -e dep && `+exclusive("migrate")+`'
parallel = false
after = ["build", "dep"]
[checks.test]
run = "test -e done.migrate"
[checks.dep]
run = "touch dep"
`)
	rs := RunChecks(context.Background(), cfg, []string{"build", "migrate", "test", "dep"}, RunOptions{Root: t.TempDir(), Jobs: 4, Env: os.Environ()})
	wantAllPass(t, rs)
}

func TestAfterOrdersAndAFailureBlocks(t *testing.T) {
	cfg := parseChecks(t, `
[checks.build]
run = "sleep 0.2; touch built"
[checks.test]
run = "test -e built"
after = ["build"]
[checks.bad]
run = "echo to stdout; echo to stderr >&2; exit 7"
[checks.deploy]
run = "touch deployed"
after = ["bad"]
[checks.final]
run = "true"
after = ["deploy", "missing-from-set"]
[checks.missing-from-set]
run = "false"
`)
	root := t.TempDir()
	rs := RunChecks(context.Background(), cfg, []string{"test", "build", "bad", "deploy", "final"}, RunOptions{Root: root, Jobs: 4, Env: os.Environ()})
	want := map[string]string{"build": Pass, "test": Pass, "bad": Fail, "deploy": Blocked, "final": Blocked}
	got := statuses(rs)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s; want %s", k, got[k], v)
		}
	}
	if rs[0].Name != "test" {
		t.Errorf("results not in set order: %v", rs)
	}
	for _, r := range rs {
		if r.Name == "bad" && (r.ExitCode != 7 || r.Output != "to stdout\nto stderr\n") {
			t.Errorf("bad: exit %d, output %q", r.ExitCode, r.Output)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "deployed")); err == nil {
		t.Error("a check ran after the check it depends on failed")
	}
}

func TestSkippedChecksDoNotRunAndDoNotBlock(t *testing.T) {
	cfg := parseChecks(t, `
[checks.slow]
run = "touch ran"
[checks.next]
run = "true"
after = ["slow"]
`)
	root := t.TempDir()
	rs := RunChecks(context.Background(), cfg, []string{"slow", "next"}, RunOptions{Root: root, Jobs: 2, Skip: []string{"slow"}, Env: os.Environ()})
	if s := statuses(rs); s["slow"] != Skipped || s["next"] != Pass {
		t.Fatalf("got %v", s)
	}
	if _, err := os.Stat(filepath.Join(root, "ran")); err == nil {
		t.Error("skipped check ran")
	}
}

func TestChecksDoNotSeeTheHooksRepositoryVariables(t *testing.T) {
	cfg := parseChecks(t, `
[checks.env]
run = 'echo "dir=${GIT_DIR:-unset} index=${GIT_INDEX_FILE:-unset} check=$VERDIGRIS_CHECK keep=$KEEP pwd=$(pwd -P)"'
`)
	root, _ := filepath.EvalSymlinks(t.TempDir())
	env := append(os.Environ(), "GIT_DIR=/elsewhere/.git", "GIT_INDEX_FILE=/elsewhere/index", "KEEP=yes")
	rs := RunChecks(context.Background(), cfg, []string{"env"}, RunOptions{Root: root, Jobs: 1, Env: env})
	want := "dir=unset index=unset check=env keep=yes pwd=" + root + "\n"
	if rs[0].Output != want {
		t.Fatalf("output %q; want %q", rs[0].Output, want)
	}
}

func TestCancelKillsTheChecksProcessGroup(t *testing.T) {
	root := t.TempDir()
	// The check leaves a background child that keeps writing a heartbeat.
	cfg := parseChecks(t, `
[checks.hang]
run = "(while :; do date +%s%N > beat; sleep 0.05; done) & sleep 60"
[checks.later]
run = "true"
after = ["hang"]
`)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for i := 0; i < 200; i++ {
			if _, err := os.Stat(filepath.Join(root, "beat")); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
	}()
	start := time.Now()
	rs := RunChecks(ctx, cfg, []string{"hang", "later"}, RunOptions{Root: root, Jobs: 2, Env: os.Environ()})
	if took := time.Since(start); took > 30*time.Second {
		t.Fatalf("cancel took %s", took)
	}
	if s := statuses(rs); s["hang"] != Cancelled || s["later"] != Cancelled {
		t.Fatalf("got %v", s)
	}
	beat := func() string {
		time.Sleep(300 * time.Millisecond)
		b, _ := os.ReadFile(filepath.Join(root, "beat"))
		return string(b)
	}
	if first := beat(); first != beat() {
		t.Fatal("the background process of a cancelled check is still running")
	}
}

// A check that passes while leaving a background child running (a server
// it started, say) passed late and as a failure: exec's Wait waited for
// the child to close the output pipe, then reported "WaitDelay expired".
// It passes, with its output, and the child is gone.
func TestCheckLeavingABackgroundChildPasses(t *testing.T) {
	root := t.TempDir()
	cfg := parseChecks(t, `
[checks.bg]
run = "(while :; do date +%s%N > beat; sleep 0.05; done) & echo started; until [ -s beat ]; do sleep 0.01; done"
`)
	rs := RunChecks(context.Background(), cfg, []string{"bg"}, RunOptions{Root: root, Jobs: 1, Env: os.Environ()})
	if rs[0].Status != Pass || rs[0].ExitCode != 0 || rs[0].Output != "started\n" {
		t.Fatalf("got %+v", rs[0])
	}
	beat := func() string {
		time.Sleep(300 * time.Millisecond)
		b, _ := os.ReadFile(filepath.Join(root, "beat"))
		return string(b)
	}
	// Killed while writing, the child may leave the file empty: that it
	// ran is that the file exists.
	if _, err := os.Stat(filepath.Join(root, "beat")); err != nil {
		t.Fatal("the check's background child never ran")
	}
	if first := beat(); first != beat() {
		t.Fatal("the check's background child is still running")
	}
}

// A check runs in a session of its own, without the user's terminal: in a
// background process group of it, a check that read /dev/tty (a prompt,
// ssh, gpg) was stopped by SIGTTIN and the push hung for ever.
func TestCheckHasNoControllingTerminal(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	cfg := parseChecks(t, `
[checks.leader]
run = 'test "$(cut -d" " -f6 /proc/$$/stat)" = "$$"'
`)
	rs := RunChecks(context.Background(), cfg, []string{"leader"}, RunOptions{Root: t.TempDir(), Jobs: 1, Env: os.Environ()})
	if rs[0].Status != Pass {
		t.Fatalf("the check is not a session leader: %+v", rs[0])
	}
}

// A check killed by a signal says so, with the shell's exit code (it
// showed "exit -1" and no reason), naming the signal as a shell user
// knows it (it read "killed by signal killed").
func TestCheckKilledBySignal(t *testing.T) {
	for _, tc := range []struct {
		sig    string
		code   int
		reason string
	}{
		{"TERM", 143, "killed by SIGTERM"},
		{"KILL", 137, "killed by SIGKILL"},
		{"SEGV", 139, "killed by SIGSEGV (segmentation fault)"},
	} {
		cfg := parseChecks(t, `
[checks.sig]
run = 'kill -`+tc.sig+` $$'
`)
		// In a directory of its own: SIGSEGV may leave a core file.
		rs := RunChecks(context.Background(), cfg, []string{"sig"}, RunOptions{Root: t.TempDir(), Jobs: 1, Env: os.Environ()})
		if rs[0].Status != Fail || rs[0].ExitCode != tc.code || rs[0].Reason != tc.reason {
			t.Errorf("SIG%s: got %+v", tc.sig, rs[0])
		}
	}
}

// A check blocked through a chain is blocked whatever the order the set
// lists them in: listed c, b, a (c after b after a, a failing), c was
// passed over and reported "cancelled (not started)" as a failure.
func TestBlockedThroughAChainListedBackwards(t *testing.T) {
	cfg := parseChecks(t, `
[checks.a]
run = "exit 3"
[checks.b]
run = "true"
after = ["a"]
[checks.c]
run = "true"
after = ["b"]
`)
	rs := RunChecks(context.Background(), cfg, []string{"c", "b", "a"}, RunOptions{Root: t.TempDir(), Jobs: 2, Env: os.Environ()})
	if s := statuses(rs); s["a"] != Fail || s["b"] != Blocked || s["c"] != Blocked {
		t.Fatalf("got %v", s)
	}
}

func TestTailBufferKeepsTheEnd(t *testing.T) {
	b := &tailBuffer{max: 10}
	b.Write([]byte("0123456789"))
	b.Write([]byte("abcde"))
	if got := b.String(); got != "[… 5 bytes of earlier output dropped …]\n56789abcde" {
		t.Fatalf("got %q", got)
	}
}

// A check that printed a lot spent most of its time in the buffer: each
// write cut it back to max, moving the whole kept tail (4 MiB), so 1 GB of
// output took 12 s where the check alone took 1. A cut (counted where it
// drops bytes) may move max bytes, but only once per max bytes written.
func TestTailBufferCutsBackOncePerMaxBytes(t *testing.T) {
	const max, total = 4 << 20, 64 << 20
	chunk := make([]byte, 32<<10) // what one read from the pipe gives
	b := &tailBuffer{max: max}
	cuts := 0
	for n := 0; n < total; n += len(chunk) {
		before := b.dropped
		b.Write(chunk)
		if b.dropped != before {
			cuts++
		}
	}
	if cuts > total/max {
		t.Fatalf("%d MiB in %d KiB writes cut the buffer back %d times; want at most %d", total>>20, len(chunk)>>10, cuts, total/max)
	}
	if got := b.String(); !strings.HasPrefix(got, fmt.Sprintf("[… %d bytes of earlier output dropped …]\n", total-max)) || len(got) > max+100 {
		t.Fatalf("kept %d bytes: %.60q", len(got), got)
	}
}

func TestTailBufferKeepsTheEndOverManyWrites(t *testing.T) {
	b := &tailBuffer{max: 10}
	var all []byte
	for i := range 100 {
		p := []byte(fmt.Sprintf("%d,", i))
		all = append(all, p...)
		b.Write(p)
	}
	b.Write([]byte("this write is longer than max"))
	all = append(all, "this write is longer than max"...)
	want := fmt.Sprintf("[… %d bytes of earlier output dropped …]\n%s", len(all)-10, all[len(all)-10:])
	if got := b.String(); got != want {
		t.Fatalf("got %q; want %q", got, want)
	}
}

// Names separated by commas, blanks or line breaks: actions/toolchain's
// skip input is often a YAML block list, one name a line.
func TestSplitSkipTakesLines(t *testing.T) {
	got := SplitSkip("lint, test\nslow\r\n\tfmt,,\n")
	if want := []string{"lint", "test", "slow", "fmt"}; !slices.Equal(got, want) {
		t.Fatalf("SplitSkip = %q, want %q", got, want)
	}
}
