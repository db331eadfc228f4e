// Package clitest runs the testscript suites under cmd/<binary>/testdata
// against the real, built binaries in real temporary git repositories,
// and checks every binary's usage texts (UsageFits). It is imported only
// by tests.
package clitest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/verdigris-dev/verdigris/internal/sourcetree"
)

// BinEnv names a directory holding prebuilt binaries (scripts/test.sh
// builds them once for all packages); without it each test process builds
// its own.
const BinEnv = "VERDIGRIS_TEST_BIN"

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
	// built is the temp directory Binaries built into ("" when BinEnv
	// named one, or nothing was built), which Main removes.
	built string
)

// Main runs a package's tests, from its TestMain, and removes the
// binaries Binaries built for them: tens of MiB in a temp directory per
// test process, which nothing else removed (a developer's /tmp filled by
// the hundred).
func Main(m *testing.M) int {
	code := m.Run()
	if built != "" {
		os.RemoveAll(built)
	}
	return code
}

// ModuleRoot is the repository root of verdigris itself.
func ModuleRoot() string {
	root, err := sourcetree.Root()
	if err != nil {
		panic(err)
	}
	return root
}

// Binaries returns the directory with every verdigris binary, building them
// on first use.
func Binaries(t testing.TB) string {
	buildOnce.Do(func() {
		if d := os.Getenv(BinEnv); d != "" {
			binDir = d
			// go test caches a package's result keyed on the files its
			// tests opened or stat'ed: the binaries, so a rebuild runs
			// the scripts again.
			if ents, err := os.ReadDir(d); err == nil {
				for _, e := range ents {
					os.Stat(filepath.Join(d, e.Name()))
				}
			}
			return
		}
		// The scripts run binaries built from the whole module, which the
		// test binary of one cmd/ package does not link: stat'ed here,
		// a change to any source (internal/scry for cmd/git-session's
		// scripts that run git-scry) runs them again instead of a cached
		// "ok".
		statSources(ModuleRoot())
		dir, err := os.MkdirTemp("", "verdigris-bin-")
		if err != nil {
			buildErr = err
			return
		}
		built = dir
		cmd := exec.Command("go", "build", "-o", dir+string(os.PathSeparator), "./cmd/...")
		cmd.Dir = ModuleRoot()
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build ./cmd/...: %v\n%s", err, out)
			return
		}
		binDir = dir
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}

// statSources stats the module's files, testdata and hidden directories
// left out (the binaries embed some that are not Go: the hook shims).
func statSources(root string) {
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if n := d.Name(); p != root && (strings.HasPrefix(n, ".") || n == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		os.Stat(p)
		return nil
	})
}

// Params returns testscript parameters for the scripts in dir: binaries on
// PATH, an isolated HOME and git configuration, deterministic identity.
// Extra setup (per suite) runs after the common one.
func Params(t testing.TB, dir string, extra func(*testscript.Env) error) testscript.Params {
	bin := Binaries(t)
	return testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			if err := Setup(e, bin); err != nil {
				return err
			}
			if extra != nil {
				return extra(e)
			}
			return nil
		},
		Cmds: Commands,
	}
}

// Setup prepares a script's environment.
func Setup(e *testscript.Env, bin string) error {
	home := filepath.Join(e.WorkDir, ".home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	gitconfig := filepath.Join(home, ".gitconfig")
	cfg := "[user]\n\tname = Test User\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n[commit]\n\tgpgSign = false\n[tag]\n\tgpgSign = false\n[protocol \"file\"]\n\tallow = always\n"
	if err := os.WriteFile(gitconfig, []byte(cfg), 0o644); err != nil {
		return err
	}
	e.Setenv("HOME", home)
	e.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	e.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	e.Setenv("GIT_CONFIG_GLOBAL", gitconfig)
	e.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	e.Setenv("NO_COLOR", "1")
	e.Setenv("TERM", "dumb")
	e.Setenv("VERDIGRIS_BIN", bin)
	// A script that runs git outside the repositories it made must fail,
	// not find and change the repository the tests were started from.
	e.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(e.WorkDir))
	// CI variables of the machine running the tests must not leak into
	// scripts that emulate (or must not look like) a runner.
	for _, k := range []string{"GITHUB_ACTIONS", "GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_STEP_SUMMARY", "CI", "VERDIGRIS", "VERDIGRIS_SKIP", "VERDIGRIS_IDENTITY"} {
		e.Setenv(k, "")
	}
	path := bin + string(os.PathListSeparator) + e.Getenv("PATH")
	e.Setenv("PATH", path)
	return nil
}

// Commands are the extra script commands every suite may use.
var Commands = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	// chmod MODE FILE: set a file's permission bits (octal).
	"chmod": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 2 {
			ts.Fatalf("usage: chmod MODE FILE")
		}
		var mode uint32
		if _, err := fmt.Sscanf(args[0], "%o", &mode); err != nil {
			ts.Fatalf("bad mode %q", args[0])
		}
		ts.Check(os.Chmod(ts.MkAbs(args[1]), os.FileMode(mode)))
	},
	// commit MESSAGE [FILE...]: stage the files (or everything) and commit.
	"commit": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) < 1 {
			ts.Fatalf("usage: commit MESSAGE [FILE...]")
		}
		add := append([]string{"add", "--"}, args[1:]...)
		if len(args) == 1 {
			add = []string{"add", "-A"}
		}
		runGit(ts, add...)
		runGit(ts, "commit", "-q", "--allow-empty", "-m", args[0])
	},
	// exitcode N PROG [ARG...]: run PROG and require exit status N (0
	// success, 1 a failed check or operation, 2 bad usage: '! exec'
	// takes either failure); its stdout and stderr are kept for the
	// next stdout/stderr assertions.
	"exitcode": exitCode,
}

func exitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N PROG [ARG...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("bad exit code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d; want %d", args[1], got, want)
	}
}

func runGit(ts *testscript.TestScript, args ...string) {
	if err := ts.Exec("git", args...); err != nil {
		ts.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, ts.ReadFile("stderr"))
	}
}
