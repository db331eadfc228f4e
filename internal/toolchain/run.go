package toolchain

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
	"unicode"

	"golang.org/x/sys/unix"

	"github.com/verdigris-dev/verdigris/internal/config"
)

// Check outcomes in a run.
const (
	Pass      = "pass"
	Fail      = "fail"
	Skipped   = "skipped"   // named in VERDIGRIS_SKIP
	Blocked   = "blocked"   // a check it runs after did not pass
	Cancelled = "cancelled" // interrupted (Ctrl-C, SIGTERM) or never started
)

// CheckResult is one check's outcome.
type CheckResult struct {
	Name     string        `json:"name"`
	Status   string        `json:"status"`
	Duration time.Duration `json:"-"`
	Seconds  float64       `json:"seconds"`
	ExitCode int           `json:"exit_code"`
	Output   string        `json:"output"`
	Reason   string        `json:"reason,omitempty"`
}

// RunOptions configure a run of checks.
type RunOptions struct {
	Root string   // where checks run: the repository root
	Jobs int      // checks at once; < 1 means 1
	Skip []string // check names to skip (VERDIGRIS_SKIP)
	// Env is the checks' environment. The variables git sets for hooks
	// that point at a repository (GIT_DIR, GIT_INDEX_FILE, …) are removed,
	// so a check that runs git in another repository (a test suite) is
	// not redirected into this one; checks run from the root, where git
	// finds this repository by itself. The configuration given on git's
	// command line or in the environment stays, as git keeps it for
	// another repository (a submodule).
	Env []string
	// Done, if set, is called as each check finishes, one call at a time.
	Done func(CheckResult)
}

// gitLocalEnv is the output of `git rev-parse --local-env-vars`, the
// variables that make git use a particular repository, less
// GIT_CONFIG_PARAMETERS and GIT_CONFIG_COUNT: the configuration given by
// git -c and GIT_CONFIG_COUNT/KEY_n/VALUE_n, which git keeps when it runs
// git in another repository (prepare_other_repo_env). Removed, a CI
// job's credentials for private modules given that way were not the
// checks', which failed to fetch under 'run' and passed run by hand.
var gitLocalEnv = []string{
	"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG",
	"GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE",
	"GIT_INDEX_FILE", "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_PREFIX",
	"GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE", "GIT_COMMON_DIR",
}

func checkEnv(env []string, name string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		local := false
		for _, g := range gitLocalEnv {
			local = local || k == g
		}
		if !local && k != "VERDIGRIS_CHECK" {
			out = append(out, kv)
		}
	}
	return append(out, "VERDIGRIS_CHECK="+name)
}

// SplitSkip parses VERDIGRIS_SKIP: names separated by commas, blanks or
// line breaks (actions/toolchain's skip input is often a YAML block list,
// one name a line).
func SplitSkip(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
}

type runState int

const (
	pending runState = iota
	running
	done
)

// RunChecks runs the named checks of cfg and returns their results in the
// order given. Checks run in parallel up to opts.Jobs; a check waits for
// those in its after list that are part of this run (a failed one blocks
// it); a check with parallel = false runs alone, and no check listed after
// it starts before it. Cancelling ctx kills the running checks' process
// groups and marks the rest cancelled.
func RunChecks(ctx context.Context, cfg *config.File, names []string, opts RunOptions) []CheckResult {
	if opts.Jobs < 1 {
		opts.Jobs = 1
	}
	var order []string
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			order = append(order, n)
		}
	}
	skip := map[string]bool{}
	for _, s := range opts.Skip {
		skip[s] = true
	}
	state := map[string]runState{}
	results := map[string]*CheckResult{}
	finish := func(r CheckResult) {
		r.Seconds = r.Duration.Seconds()
		results[r.Name] = &r
		state[r.Name] = done
		if opts.Done != nil {
			opts.Done(r)
		}
	}
	for _, n := range order {
		if skip[n] {
			finish(CheckResult{Name: n, Status: Skipped, Reason: "VERDIGRIS_SKIP"})
		}
	}

	completed := make(chan CheckResult)
	nRunning, serialRunning := 0, false
	for {
		// Scanned again while a scan blocks a check: one listed before the
		// check it waits for (c after b after a, listed c, b, a) was passed
		// over, then left "not started" when nothing ran any more.
		for again := true; again && ctx.Err() == nil && !serialRunning; {
			again = false
			// gate, once a serial check waits for its after list: the only
			// checks that may start, those it waits for. The checks listed
			// after it wait for it (they started while it waited, and ran
			// before it).
			var gate map[string]bool
		scan:
			for _, n := range order {
				if state[n] != pending || gate != nil && !gate[n] {
					continue
				}
				c := cfg.Checks[n]
				ready, blockedBy := true, ""
				for _, a := range c.After {
					if !seen[a] {
						continue
					}
					switch {
					case state[a] != done:
						ready = false
					case results[a].Status != Pass && results[a].Status != Skipped:
						blockedBy = a
					}
				}
				if blockedBy != "" {
					finish(CheckResult{Name: n, Status: Blocked, Reason: fmt.Sprintf("runs after %s, which did not pass", blockedBy)})
					again = true
					continue
				}
				switch {
				case !ready && !c.Parallel && gate == nil:
					gate = awaited(cfg, n, seen)
				case !ready:
				case !c.Parallel && nRunning > 0:
					break scan // it runs next, alone
				case !c.Parallel:
					serialRunning = true
					nRunning++
					state[n] = running
					go func() { completed <- runCheck(ctx, c, opts) }()
					break scan
				case nRunning < opts.Jobs:
					nRunning++
					state[n] = running
					go func() { completed <- runCheck(ctx, c, opts) }()
				}
			}
		}
		if nRunning == 0 {
			break
		}
		r := <-completed
		nRunning--
		if !cfg.Checks[r.Name].Parallel {
			serialRunning = false
		}
		finish(r)
	}
	out := make([]CheckResult, 0, len(order))
	for _, n := range order {
		if r := results[n]; r != nil {
			out = append(out, *r)
			continue
		}
		out = append(out, CheckResult{Name: n, Status: Cancelled, Reason: "not started"})
	}
	return out
}

// awaited returns the checks of the run that name waits for, directly or
// through their own after lists.
func awaited(cfg *config.File, name string, inRun map[string]bool) map[string]bool {
	out := map[string]bool{}
	var walk func(string)
	walk = func(n string) {
		for _, a := range cfg.Checks[n].After {
			if inRun[a] && !out[a] {
				out[a] = true
				walk(a)
			}
		}
	}
	walk(name)
	return out
}

// killGrace is how long a check gets between SIGTERM and SIGKILL.
const killGrace = 3 * time.Second

func runCheck(ctx context.Context, c *config.Check, opts RunOptions) CheckResult {
	res := CheckResult{Name: c.Name}
	out := &tailBuffer{max: maxOutput}
	cmd := exec.Command("sh", "-c", c.Run)
	cmd.Dir = opts.Root
	cmd.Env = checkEnv(opts.Env, c.Name)
	// The output pipe is ours, not exec's: exec's Wait would also wait for
	// every process holding the pipe, so a check that left a background
	// child running waited out a delay and failed. The check ends when its
	// shell does; its group is then killed and the pipe read to its end.
	pr, pw, err := os.Pipe()
	if err != nil {
		res.Status, res.Output, res.ExitCode = Fail, err.Error(), -1
		return res
	}
	defer pr.Close()
	cmd.Stdout, cmd.Stderr = pw, pw
	// A session of its own: its process group is killed as one, and it
	// has no controlling terminal. In a background group of the user's
	// terminal, a check that read or wrote /dev/tty (a prompt, ssh, gpg)
	// was stopped by SIGTTIN and the push hung; now /dev/tty fails at once,
	// as it does in CI.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	start := time.Now()
	err = cmd.Start()
	pw.Close()
	if err != nil {
		res.Status, res.Output, res.ExitCode = Fail, err.Error(), -1
		return res
	}
	copied := make(chan struct{})
	go func() {
		io.Copy(out, pr)
		close(copied)
	}()
	pgid := cmd.Process.Pid
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err = <-waited:
	case <-ctx.Done():
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case err = <-waited:
		case <-time.After(killGrace):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			err = <-waited
		}
	}
	// Whatever the check left running in its group goes with it.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	select {
	case <-copied:
	case <-time.After(killGrace):
		// A process that left the group (setsid) still holds the pipe.
		pr.Close()
		<-copied
	}
	res.Duration = time.Since(start)
	res.Output = out.String()
	res.Status = Pass
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	switch {
	case ctx.Err() != nil && err != nil:
		res.Status, res.Reason = Cancelled, "interrupted"
	case err != nil:
		res.Status = Fail
		if ws, ok := processStatus(cmd); ok && ws.Signaled() {
			// As a shell reports it: 128 + the signal's number.
			res.ExitCode, res.Reason = 128+int(ws.Signal()), killedBy(ws.Signal())
		} else if res.ExitCode == 0 {
			res.ExitCode = -1
			res.Reason = err.Error()
		}
	}
	return res
}

// ExitStatus says how a failed check exited, as its line shows it: a
// check that printed nothing said nothing else. 127 and 126 are what sh
// exits with when the command it was to run is not found or cannot be
// executed.
func ExitStatus(code int) string {
	switch code {
	case 127:
		return "exit status 127 (command not found)"
	case 126:
		return "exit status 126 (command not executable)"
	}
	return fmt.Sprintf("exit status %d", code)
}

// killedBy names the signal as a shell user knows it, with what it means
// where that says more than "killed by": Go's own text alone read
// "killed by signal killed" and "killed by signal segmentation fault".
func killedBy(sig syscall.Signal) string {
	name := unix.SignalName(sig)
	if name == "" {
		return fmt.Sprintf("killed by signal %d", int(sig))
	}
	switch desc := sig.String(); {
	case desc == "killed", desc == "terminated", strings.HasPrefix(desc, "signal "):
		return "killed by " + name
	default:
		return "killed by " + name + " (" + desc + ")"
	}
}

func processStatus(cmd *exec.Cmd) (syscall.WaitStatus, bool) {
	if cmd.ProcessState == nil {
		return 0, false
	}
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	return ws, ok
}

// maxOutput is how much of a check's output is kept: the end, where the
// failure usually is.
const maxOutput = 4 << 20

// tailBuffer keeps the last max bytes written to it. It holds up to
// twice that and cuts back to max when full: cut on every write, each
// write moved the whole kept tail, and a check printing 1 GB spent 11 s
// of its time there.
type tailBuffer struct {
	max     int
	buf     []byte
	dropped int
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 && len(b.buf) > 2*b.max {
		b.dropped += over
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	kept, dropped := b.buf, b.dropped
	if over := len(kept) - b.max; over > 0 {
		kept, dropped = kept[over:], dropped+over
	}
	if dropped > 0 {
		return fmt.Sprintf("[… %d bytes of earlier output dropped …]\n%s", dropped, kept)
	}
	return string(kept)
}
