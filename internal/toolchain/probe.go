package toolchain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// Env is what the probes may look at: the repository root, the
// environment, and how long one tool may take to answer.
type Env struct {
	Root    string
	Getenv  func(string) string
	Environ func() []string // the environment of probe processes
	Timeout time.Duration   // per probe command; 0 means DefaultProbeTimeout
}

// DefaultProbeTimeout bounds each probe command: a tool that hangs (a
// shim waiting for a download, a prompt) must not hang the hook.
const DefaultProbeTimeout = 15 * time.Second

func (e *Env) getenv(k string) string {
	if e.Getenv == nil {
		return os.Getenv(k)
	}
	return e.Getenv(k)
}

func (e *Env) environ() []string {
	if e.Environ == nil {
		return os.Environ()
	}
	return e.Environ()
}

// Found is what a probe learned about one tool.
type Found struct {
	Version string // normalized; "" when nothing would run
	Source  string // where the version comes from: GOTOOLCHAIN, go.mod toolchain, RUSTUP_TOOLCHAIN, rust-toolchain.toml, PATH, probe, …
	Path    string // the executable that answered
	Detail  string // a note for the user: "would be downloaded", "not installed"
	Missing bool   // the tool (or the toolchain it selects) is not installed
	Err     error  // the probe itself failed
}

// lookPath finds an executable in the PATH the probes see.
func (e *Env) lookPath(name string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	for _, dir := range filepath.SplitList(e.getenv("PATH")) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}

// errTimeout is a probe command that did not answer in time.
var errTimeout = errors.New("timed out")

// output runs a probe command in dir with extra environment variables and
// returns stdout and stderr together. The command runs in a session of
// its own, killed as a whole on timeout, with no stdin.
func (e *Env) output(ctx context.Context, dir string, extra []string, name string, args ...string) (string, error) {
	timeout := e.Timeout
	if timeout <= 0 {
		timeout = DefaultProbeTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(e.environ(), extra...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// A session, not only a process group: in a background group of the
	// user's terminal a probe that opened /dev/tty (a version manager
	// asking to install) was stopped by SIGTTIN until the timeout; with
	// no controlling terminal /dev/tty fails at once, as in CI.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return out.String(), fmt.Errorf("%s %s: %w after %s", filepath.Base(name), strings.Join(args, " "), errTimeout, timeout)
	}
	if err != nil {
		msg := strings.TrimSpace(errorLine(out.String()))
		if msg == "" {
			msg = err.Error()
		}
		return out.String(), fmt.Errorf("%s %s: %s", filepath.Base(name), strings.Join(args, " "), msg)
	}
	return out.String(), nil
}

// errorLine is what a failed tool said: its first "error:" line (after
// it a backtrace may follow, whose last line says nothing), else its
// last line.
func errorLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(l)), "error:") {
			return l
		}
	}
	return lastLine(s)
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "\n"); i >= 0 {
		return s[i+1:]
	}
	return s
}

// shimSource names the version manager behind a shim on PATH, whose
// version comes from its own files rather than from the PATH entry.
func shimSource(path string) string {
	switch {
	case strings.Contains(path, "/.asdf/shims/"):
		return "asdf (.tool-versions)"
	case strings.Contains(path, "/mise/shims/"):
		return "mise"
	case strings.Contains(path, "/.volta/"):
		return "volta"
	}
	return "PATH"
}

// versionManagerShim reports whether path is a shim of asdf, mise or
// pyenv, which runs the version its manager's files select.
func versionManagerShim(path string) bool {
	return shimSource(path) != "PATH" || strings.Contains(path, "/.pyenv/shims/")
}

// simpleProbe runs BIN ARGS… and reads the first version in the output.
func simpleProbe(ctx context.Context, e *Env, bins []string, args ...string) Found {
	var path string
	for _, b := range bins {
		if p, err := e.lookPath(b); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		return Found{Source: "PATH", Missing: true, Detail: strings.Join(bins, " or ") + " not on PATH"}
	}
	f := Found{Source: shimSource(path), Path: path}
	out, err := e.output(ctx, e.Root, nil, path, args...)
	if err != nil && versionManagerShim(path) && !errors.Is(err, errTimeout) && firstLine(out) != "" {
		// A shim fails when its manager has no version of the tool to
		// run ("No version is set for command node"): the tool is not
		// installed here. Its first line says so; its last offers
		// versions ("nodejs 20.20.2"), which read as the one found.
		f.Missing, f.Detail = true, firstLine(out)
		return f
	}
	if err != nil {
		f.Err = err
		return f
	}
	// "golangci-lint has version (devel) built with go1.24.1": the Go
	// release a tool was built with is not the tool's version.
	own := out
	if i := strings.Index(own, " built with "); i >= 0 {
		own = own[:i]
	}
	vs := versionsIn(own)
	if len(vs) == 0 {
		f.Err = fmt.Errorf("%s %s printed no version: %q", filepath.Base(path), strings.Join(args, " "), firstLine(out))
		return f
	}
	f.Version = normalize(vs[0])
	return f
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// customProbe runs a tool's probe command from toolchain.toml with sh in
// the repository root; the first version in its output is the version
// found (a probe can cut its output down when a tool prints several).
func customProbe(ctx context.Context, e *Env, probe string) Found {
	f := Found{Source: "probe"}
	out, err := e.output(ctx, e.Root, nil, "sh", "-c", probe)
	if err != nil {
		if errors.Is(err, errTimeout) {
			f.Err = err
			return f
		}
		f.Missing = true
		f.Detail = fmt.Sprintf("probe %q failed: %s", probe, strings.TrimPrefix(err.Error(), "sh -c "+probe+": "))
		return f
	}
	vs := versionsIn(out)
	if len(vs) == 0 {
		// A tool numbered by one number ("mytool 5"): a pin of "5" could
		// never match it.
		vs = wholeNumberRE.FindAllString(out, 1)
	}
	if len(vs) == 0 {
		f.Err = fmt.Errorf("probe %q printed no version: %q", probe, firstLine(out))
		return f
	}
	f.Version = normalize(vs[0])
	return f
}

// wholeNumberRE is a version that is one number, for tools versioned so.
var wholeNumberRE = regexp.MustCompile(`\b\d+\b`)
