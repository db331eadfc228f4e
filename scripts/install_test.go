package scripts

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// installRun is install.sh copied into a source tree of its own, with a
// go on PATH that "builds" each binary as a stub logging its arguments,
// run in a fresh git repository with a fresh HOME. Building the real
// binaries would take minutes; what is tested is the script.
type installRun struct {
	t     *testing.T
	src   string // the copied source tree
	repo  string // the repository it is run in
	home  string
	tools string // the only directory on PATH, with go and git unless left out
	log   string // what the stubs were called with, one line a call
	env   []string
	cwd   string // where it is run, when not the repository's root
}

// fakeGo builds ./cmd/NAME as a stub: it logs "NAME ARGS", and exits
// $STUB_INSTALL_RC for install; "help --man" prints a page, unlogged. FAKE_GO_FAIL makes the build fail.
// go env GOMODCACHE GOCACHE answers as go does: under HOME unless set,
// and none (GOCACHE "off") without HOME.
const fakeGo = `#!/bin/sh
if [ "$1" = env ]; then
	m=${GOMODCACHE:-${GOPATH:+$GOPATH/pkg/mod}}
	echo "${m:-${HOME:+$HOME/go/pkg/mod}}"
	c=${GOCACHE:-${HOME:+$HOME/.cache/go-build}}
	echo "${c:-off}"
	exit 0
fi
if [ -n "$FAKE_GO_FAIL" ]; then echo "go: $FAKE_GO_FAIL" >&2; exit 1; fi
if [ "$CGO_ENABLED" = 1 ] && [ -n "$FAKE_CC_BROKEN" ]; then echo "runtime/cgo: cgo: exit status 2" >&2; exit 1; fi
out= prev= last=
for a; do [ "$prev" != -o ] || out=$a; prev=$a; last=$a; done
cat >"$out" <<EOF
#!/bin/sh
[ "\$1 \$2" != "help --man" ] || { echo ".TH ${last##*/} 1"; exit 0; }
echo "${last##*/} \$*" >>"\$STUB_LOG"
[ "\$1" != install ] || exit "\${STUB_INSTALL_RC:-0}"
EOF
chmod +x "$out"
`

func newInstallRun(t *testing.T, leaveOut ...string) *installRun {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	r := &installRun{t: t, src: filepath.Join(dir, "src"), repo: filepath.Join(dir, "repo"),
		home: filepath.Join(dir, "home"), tools: filepath.Join(dir, "tools"), log: filepath.Join(dir, "stub.log")}
	script, err := os.ReadFile("install.sh")
	if err != nil {
		t.Fatal(err)
	}
	r.write(filepath.Join(r.src, "scripts", "install.sh"), string(script), 0o755)
	for _, name := range []string{"verdigris", "git-scry"} {
		r.write(filepath.Join(r.src, "cmd", name, "main.go"), "package main\n", 0o644)
	}
	if err := os.MkdirAll(filepath.Join(r.src, "scripts", "setup.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(r.home, 0o755); err != nil {
		t.Fatal(err)
	}
	// PATH is this one directory: what install.sh and the steps run, and
	// go and git unless a test leaves them out.
	skip := map[string]bool{}
	for _, name := range leaveOut {
		skip[name] = true
	}
	if !skip["go"] {
		r.write(filepath.Join(r.tools, "go"), fakeGo, 0o755)
	}
	for _, name := range []string{"bash", "sh", "git", "dirname", "basename", "mkdir", "cat", "chmod", "sleep", "touch", "sed", "mktemp", "mv", "rm", "kill"} {
		if skip[name] {
			continue
		}
		p, err := exec.LookPath(name)
		if err != nil {
			t.Skipf("no %s", name)
		}
		if err := os.MkdirAll(r.tools, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(p, filepath.Join(r.tools, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(r.repo, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-q"}, {"commit", "-q", "--allow-empty", "-m", "first"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = r.repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	r.env = []string{"HOME=" + r.home, "PATH=" + r.tools, "STUB_LOG=" + r.log, "GIT_CONFIG_NOSYSTEM=1", "LANG=C"}
	return r
}

func (r *installRun) write(path, text string, mode os.FileMode) {
	r.t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		r.t.Fatal(err)
	}
}

// step adds a setup step to the copied tree.
func (r *installRun) step(name, body string) {
	r.write(filepath.Join(r.src, "scripts", "setup.d", name), "#!/usr/bin/env bash\n"+body, 0o755)
}

// run runs install.sh in the repository, in a process group of its own
// (so that a step can interrupt it as Ctrl-C does), and returns its
// stderr and exit code.
func (r *installRun) run(env ...string) (string, int) {
	r.t.Helper()
	cmd := exec.Command("bash", filepath.Join(r.src, "scripts", "install.sh"))
	cmd.Dir = r.repo
	if r.cwd != "" {
		cmd.Dir = r.cwd
	}
	cmd.Env = append(append([]string{}, r.env...), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	r.t.Fatalf("install.sh: %v\n%s", err, out)
	return "", 0
}

// calls is what the stubs were called with.
func (r *installRun) calls() string {
	b, err := os.ReadFile(r.log)
	if err != nil && !os.IsNotExist(err) {
		r.t.Fatal(err)
	}
	return string(b)
}

// hasHint says whether every "error:" line of out is followed by a
// "hint:" line.
func hasHint(out string) bool {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.Contains(l, "error:") && (i+1 >= len(lines) || !strings.Contains(lines[i+1], "hint:")) {
			return false
		}
	}
	return true
}

// Ctrl-C during a setup step whose program handles it (git scry index
// keeps what it wrote and exits 1; the step goes on, as a failed step
// does) went unseen: bash stops a script only when the command it waits
// for was killed by the signal, so the install ran the steps after it and
// doctor, and exited 0.
func TestInstallInterruptedInSetupStepStops(t *testing.T) {
	// Ignored on entry (a test run started as a background job), the
	// signal can be neither trapped nor acted on by any shell below.
	if signal.Ignored(os.Interrupt) {
		t.Skip("SIGINT is ignored in this process, and so in install.sh")
	}
	r := newInstallRun(t)
	r.step("10-index.sh", `sh -c 'trap "exit 1" INT; kill -INT 0; sleep 5' || echo "setup: indexing failed" >&2
exit 0
`)
	r.step("20-after.sh", `echo "step after ran" >>"$STUB_LOG"`+"\n")
	out, code := r.run()
	if code != 130 {
		t.Errorf("exit %d, want 130 (interrupted)\n%s", code, out)
	}
	if calls := r.calls(); strings.Contains(calls, "step after ran") || strings.Contains(calls, "verdigris doctor") {
		t.Errorf("the install went on after Ctrl-C:\n%s", calls)
	}
	if !strings.Contains(out, "install: error: interrupted") || !hasHint(out) {
		t.Errorf("output does not say it was interrupted, with a hint:\n%s", out)
	}
}

// go build -o writes over an installed binary in place when its own
// temporary folder is on another file system (a tmpfs /tmp): Ctrl-C in
// the middle left a truncated binary for the hooks to run, and between
// two builds a mix of old and new binaries. Nothing is installed until
// all are built, and nothing is left behind.
func TestInstallInterruptedWhileBuildingInstallsNothing(t *testing.T) {
	if signal.Ignored(os.Interrupt) {
		t.Skip("SIGINT is ignored in this process, and so in install.sh")
	}
	r := newInstallRun(t)
	bindir := filepath.Join(r.home, ".local", "bin")
	for _, name := range []string{"git-scry", "verdigris"} {
		r.write(filepath.Join(bindir, name), "old\n", 0o755)
	}
	// git-scry is built first: Ctrl-C while the second, verdigris, is
	// half written.
	r.write(filepath.Join(r.tools, "go"), strings.Replace(fakeGo, `chmod +x "$out"`,
		`chmod +x "$out"
case $out in */verdigris) echo "half" >"$out"; kill -INT 0; sleep 5 ;; esac`, 1), 0o755)
	out, code := r.run()
	if code != 130 {
		t.Errorf("exit %d, want 130\n%s", code, out)
	}
	entries, err := os.ReadDir(bindir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(bindir, e.Name()))
		if string(b) != "old\n" {
			t.Errorf("%s in %s after Ctrl-C: %q", e.Name(), bindir, b)
		}
	}
	if len(entries) != 2 {
		t.Errorf("%d entries in %s after Ctrl-C, want the 2 binaries that were there", len(entries), bindir)
	}
}

// git-scry is built with cgo when there is a C compiler. One that is
// there and does not work (macOS's gcc without the Command Line Tools,
// gcc without libc's headers) failed the whole install, though git scry
// works without cgo; and with none, the ONNX Runtime step had npm
// download the runtime that a git-scry without cgo cannot load. git-scry
// is built without ONNX Runtime, and the step says why and fetches none.
func TestInstallWithoutAWorkingCCompiler(t *testing.T) {
	for _, c := range []struct {
		name string
		env  []string
		why  string
	}{
		{"none", nil, "no C compiler (gcc) on PATH"},
		{"broken", []string{"CC=sh", "FAKE_CC_BROKEN=1"}, "the C compiler (sh) failed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newInstallRun(t)
			r.realSteps()
			r.write(filepath.Join(r.tools, "npm"), "#!/bin/sh\necho \"npm $*\" >>\"$STUB_LOG\"\nexit 1\n", 0o755)
			out, code := r.run(append(c.env, "PATH="+r.tools+":"+filepath.Join(r.home, ".local", "bin"))...)
			if code != 0 {
				t.Errorf("exit %d\n%s", code, out)
			}
			if _, err := os.Stat(filepath.Join(r.home, ".local", "bin", "git-scry")); err != nil {
				t.Error(err)
			}
			calls := r.calls()
			if strings.Contains(calls, "npm ") {
				t.Errorf("npm ran for a git-scry without cgo:\n%s", calls)
			}
			if !strings.Contains(calls, "verdigris doctor") {
				t.Errorf("no doctor:\n%s", calls)
			}
			if want := "install: setup: onnxruntime: git-scry built without ONNX Runtime (" + c.why; !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		})
	}
}

// CC is a command line, as go reads it: CC="ccache gcc" was looked up
// as one program, not found, and git-scry was built without ONNX
// Runtime, "no C compiler (ccache gcc) on PATH".
func TestInstallCCWithArguments(t *testing.T) {
	r := newInstallRun(t)
	r.realSteps()
	r.write(filepath.Join(r.tools, "npm"), "#!/bin/sh\nexit 1\n", 0o755)
	out, code := r.run("CC=sh -e", "PATH="+r.tools+":"+filepath.Join(r.home, ".local", "bin"))
	if code != 0 {
		t.Errorf("exit %d\n%s", code, out)
	}
	if strings.Contains(out, "without ONNX Runtime") || !strings.Contains(out, "install: setup: onnxruntime: ONNX Runtime for git scry's ONNX embedder") {
		t.Errorf("git-scry built without ONNX Runtime though CC's program is on PATH:\n%s", out)
	}
}

// Without Go the install ended in bash's "go: command not found", and
// without git it said "not inside a git repository" and went on with no
// hooks; a build that failed ended in go's words alone. Each is an error
// that names what is missing, with a hint, before anything is built.
func TestInstallWithoutGoOrGitSaysWhatIsMissing(t *testing.T) {
	for _, tool := range []string{"go", "git"} {
		t.Run(tool, func(t *testing.T) {
			r := newInstallRun(t, tool)
			out, code := r.run()
			if code != 1 {
				t.Errorf("exit %d, want 1\n%s", code, out)
			}
			if want := "install: error: " + tool + " is not on PATH"; !strings.Contains(out, want) || !hasHint(out) {
				t.Errorf("output lacks %q with a hint:\n%s", want, out)
			}
			if strings.Contains(out, "command not found") || strings.Contains(out, "not inside a git repository") || strings.Contains(out, "building") {
				t.Errorf("output:\n%s", out)
			}
		})
	}
	t.Run("build fails", func(t *testing.T) {
		r := newInstallRun(t)
		out, code := r.run("FAKE_GO_FAIL=go.mod requires go >= 1.26.8 (running go 1.25.0; GOTOOLCHAIN=local)")
		if code != 1 {
			t.Errorf("exit %d, want 1\n%s", code, out)
		}
		if !strings.Contains(out, "install: error: building ") || !hasHint(out) {
			t.Errorf("output lacks the failed build with a hint:\n%s", out)
		}
		// Offline, go cannot fetch the toolchain go.mod asks for.
		if !strings.Contains(out, "install it from https://go.dev/dl/") {
			t.Errorf("the hint does not say where to get Go by hand:\n%s", out)
		}
	})
}

// A hooks install that failed (a team's tracked hook that does not call
// the shim, a shim edited by hand, core.hooksPath=/dev/null) stopped the
// install there: no setup step ran (no index, no vault identity) and no
// doctor. The rest runs, and the install ends saying the hooks are not
// all installed, exit 1.
func TestInstallGoesOnWhenHooksInstallFails(t *testing.T) {
	r := newInstallRun(t)
	r.step("50-index.sh", `echo "setup step ran" >>"$STUB_LOG"`+"\n")
	out, code := r.run("STUB_INSTALL_RC=1", "PATH="+r.tools+":"+filepath.Join(r.home, ".local", "bin"))
	if code != 1 {
		t.Errorf("exit %d, want 1\n%s", code, out)
	}
	calls := r.calls()
	if !strings.Contains(calls, "setup step ran") || !strings.Contains(calls, "verdigris doctor") {
		t.Errorf("the install stopped at the hooks:\n%s\n%s", calls, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 2 || !strings.Contains(lines[len(lines)-2], "install: error: the hooks are not all installed") || !hasHint(out) {
		t.Errorf("the install does not end saying the hooks failed, with a hint:\n%s", out)
	}
}

// With ~/.local unwritable (a read-only HOME) the hint said to choose a
// directory one can write, PREFIX=$HOME/.local: the same. It names no
// folder the install has just failed to write.
func TestInstallUnwritableBinDirHint(t *testing.T) {
	for _, c := range []struct{ name, prefix, want string }{
		{"default", "", "PREFIX=/path/to/prefix"},
		{"PREFIX", "/dev/null/prefix", "without PREFIX"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newInstallRun(t)
			// A file where a folder goes: unwritable for root too.
			r.write(filepath.Join(r.home, ".local"), "", 0o644)
			out, code := r.run("PREFIX=" + c.prefix)
			if code != 1 || !strings.Contains(out, "install: error: cannot write the binaries to ") || !hasHint(out) {
				t.Errorf("exit %d\n%s", code, out)
			}
			if strings.Contains(out, "PREFIX=$HOME/.local") || !strings.Contains(out, c.want) {
				t.Errorf("the hint does not offer a folder other than the one that failed (%q):\n%s", c.want, out)
			}
		})
	}
}

// A setup step that exited non-zero without a word of its own (one that
// crashed, as the vault step did on "HOME: unbound variable") stopped
// the install under set -e: no later step, no doctor. The install says
// the step failed and goes on.
func TestInstallGoesOnWhenASetupStepFails(t *testing.T) {
	r := newInstallRun(t)
	r.step("10-broken.sh", "exit 3\n")
	r.step("20-after.sh", `echo "step after ran" >>"$STUB_LOG"`+"\n")
	out, code := r.run("PATH=" + r.tools + ":" + filepath.Join(r.home, ".local", "bin"))
	if code != 0 {
		t.Errorf("exit %d, want 0 (doctor's)\n%s", code, out)
	}
	if calls := r.calls(); !strings.Contains(calls, "step after ran") || !strings.Contains(calls, "verdigris doctor") {
		t.Errorf("the install stopped at the failed step:\n%s\n%s", calls, out)
	}
	if !strings.Contains(out, "install: setup: broken: failed (exit 3)") {
		t.Errorf("output does not say the step failed:\n%s", out)
	}
}

// A relative PREFIX, run from a subdirectory of the repository: go
// built into PREFIX under the source tree (it builds from there), and
// the install then ran verdigris from PREFIX under the working
// directory: "No such file or directory", the hooks said not installed,
// no index, and a PATH line with a relative folder. PREFIX is taken
// from where the install was run.
func TestInstallRelativePrefixFromASubdirectory(t *testing.T) {
	r := newInstallRun(t)
	r.realSteps()
	r.cwd = filepath.Join(r.repo, "sub")
	if err := os.MkdirAll(r.cwd, 0o755); err != nil {
		t.Fatal(err)
	}
	out, code := r.run("PREFIX=rel", "SHELL=/bin/bash")
	if code != 0 || strings.Contains(out, "No such file") {
		t.Errorf("exit %d\n%s", code, out)
	}
	bindir := filepath.Join(r.cwd, "rel", "bin")
	if _, err := os.Stat(filepath.Join(bindir, "verdigris")); err != nil {
		t.Error(err)
	}
	if calls := r.calls(); !strings.Contains(calls, "verdigris install") || !strings.Contains(calls, "git-scry index") || !strings.Contains(calls, "verdigris doctor") {
		t.Errorf("calls:\n%s\n%s", calls, out)
	}
	if want := `export PATH="` + bindir + `:$PATH"`; !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}

// With the install directory not on PATH the install said so between the
// build and the hooks, under everything the hooks, the index and doctor
// printed after it (doctor, run with the directory on PATH, said the
// binaries were fine), so it went unseen, and pushes failed in the hook
// with "git-toolchain is not on PATH". It is the last thing said, with
// the line that adds the directory for the user's shell.
func TestInstallEndsWithThePathToAdd(t *testing.T) {
	for _, c := range []struct{ shell, want string }{
		{"/bin/bash", `echo 'export PATH="$HOME/.local/bin:$PATH"' >>~/.bashrc`},
		{"/usr/bin/zsh", `echo 'export PATH="$HOME/.local/bin:$PATH"' >>~/.zshrc`},
		{"/usr/bin/fish", `fish_add_path "$HOME/.local/bin"`},
		{"", `echo 'export PATH="$HOME/.local/bin:$PATH"' >>~/.profile`},
	} {
		t.Run(filepath.Base(c.shell+"/none"), func(t *testing.T) {
			r := newInstallRun(t)
			r.step("50-index.sh", `echo "git-scry: indexed 1 new commit" >&2`+"\n")
			out, code := r.run("SHELL=" + c.shell)
			if code != 0 {
				t.Errorf("exit %d\n%s", code, out)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			last := lines[len(lines)-1]
			if len(lines) < 2 || !strings.Contains(lines[len(lines)-2], "/home/.local/bin is not on your PATH") || !strings.Contains(last, c.want) {
				t.Errorf("the install does not end with the PATH notice and %q:\n%s", c.want, out)
			}
			if strings.Count(out, "is not on your PATH") != 1 {
				t.Errorf("PATH notice said more than once:\n%s", out)
			}
		})
	}
	// A folder with a space: fish took "fish_add_path /opt/my tools/bin"
	// for two folders.
	t.Run("fish, space", func(t *testing.T) {
		r := newInstallRun(t)
		prefix := filepath.Join(filepath.Dir(r.home), "my tools")
		out, _ := r.run("SHELL=/usr/bin/fish", "PREFIX="+prefix)
		if want := `fish_add_path "` + prefix + `/bin"`; !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	})
	// The line is pasted into a shell and read back from the rc file: a
	// ' in PREFIX ended the echo's quotes early ("/opt/it's" left the
	// pasted line waiting for the rest of a quote), and a " or $ in it
	// was read as shell syntax from the rc file. Each is run as pasted,
	// and the rc file read by the shell it is written for.
	for _, c := range []struct{ name, home, prefix string }{
		{"quote", "home", "it's mine"},
		{"shell syntax", "home", `a"b$c` + "`d`" + `\e`},
		{"quote in HOME", "o'brien", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, shell := range []string{"/bin/bash", "/bin/sh"} {
				r := newInstallRun(t)
				r.home = filepath.Join(filepath.Dir(r.home), c.home)
				if err := os.MkdirAll(r.home, 0o755); err != nil {
					t.Fatal(err)
				}
				env := []string{"SHELL=" + shell, "HOME=" + r.home}
				bindir := filepath.Join(r.home, ".local", "bin")
				if c.prefix != "" {
					prefix := filepath.Join(filepath.Dir(r.home), c.prefix)
					env = append(env, "PREFIX="+prefix)
					bindir = filepath.Join(prefix, "bin")
				}
				out, code := r.run(env...)
				if code != 0 {
					t.Fatalf("exit %d\n%s", code, out)
				}
				_, add, ok := strings.Cut(out, "hint: add it, then open a new shell: ")
				if !ok {
					t.Fatalf("no line to add:\n%s", out)
				}
				add = strings.TrimSpace(add)
				rc := "~/.profile"
				if shell == "/bin/bash" {
					rc = "~/.bashrc"
				}
				for _, script := range []string{add, ". " + rc + `; printf %s "$PATH"`} {
					cmd := exec.Command(shell, "-c", script)
					cmd.Env = []string{"HOME=" + r.home, "PATH=/usr/bin:/bin"}
					got, err := cmd.CombinedOutput()
					if err != nil {
						t.Fatalf("%s -c %q: %v\n%s", shell, script, err, got)
					}
					if script != add && !strings.HasPrefix(string(got), bindir+":") {
						t.Errorf("%s: after %s, PATH is %q, want %s first", shell, add, got, bindir)
					}
				}
			}
		})
	}
	t.Run("on PATH", func(t *testing.T) {
		r := newInstallRun(t)
		out, _ := r.run("PATH=" + r.tools + ":" + filepath.Join(r.home, ".local", "bin"))
		if strings.Contains(out, "is not on your PATH") {
			t.Errorf("PATH notice with the directory on PATH:\n%s", out)
		}
	})
}

// fetch-onnxruntime.sh with a library folder it cannot write (a PREFIX
// of the system's, a file where a folder goes) downloaded the package
// and then ended in mkdir's words, with no hint. It says so first, with
// a hint, and downloads nothing.
func TestFetchOnnxruntimeUnwritableFolderSaysSoFirst(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	// A file where a folder goes: unwritable for root too.
	if err := os.WriteFile(filepath.Join(dir, "lib"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	npm := "#!/bin/sh\necho \"npm $*\" >>\"" + filepath.Join(dir, "npm.log") + "\"\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "npm"), []byte(npm), 0o755); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs("fetch-onnxruntime.sh")
	cmd := exec.Command("bash", abs)
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"VERDIGRIS_LIBDIR="+filepath.Join(dir, "lib", "verdigris"), "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("succeeded:\n%s", out)
	}
	if strings.Contains(string(out), "no library this script knows") {
		t.Skipf("no ONNX Runtime library for this platform:\n%s", out)
	}
	if !strings.Contains(string(out), "fetch-onnxruntime: error: cannot write the library to "+filepath.Join(dir, "lib", "verdigris")) || !hasHint(string(out)) {
		t.Errorf("output does not say the folder cannot be written, with a hint:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "npm.log")); err == nil {
		t.Errorf("npm ran before the folder was checked")
	}
}

// realSteps copies the repository's own setup steps into the copied tree,
// with a cmd/ directory for each binary they run, so that the install
// builds a stub of it.
func (r *installRun) realSteps() {
	r.t.Helper()
	steps, err := filepath.Glob(filepath.Join("setup.d", "*.sh"))
	if err != nil || len(steps) == 0 {
		r.t.Fatalf("no setup steps: %v", err)
	}
	for _, step := range steps {
		b, err := os.ReadFile(step)
		if err != nil {
			r.t.Fatal(err)
		}
		r.write(filepath.Join(r.src, "scripts", "setup.d", filepath.Base(step)), string(b), 0o755)
	}
	r.write(filepath.Join(r.src, "cmd", "git-vault", "main.go"), "package main\n", 0o644)
}

// setupLines is the install's "install: setup:" lines.
func setupLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "install: setup:") {
			lines = append(lines, l)
		}
	}
	return lines
}

// The install printed "install: setup: <file name>" before every setup
// step, the file's numeric prefix included ("40-onnxruntime"), and for
// steps that did nothing ("install: setup: vault" in a repository with
// no vault). A step's line names it without the prefix and is printed
// only when the step does something or says why it does not.
func TestInstallSetupLinesOnlyForStepsThatActOrSayWhy(t *testing.T) {
	check := func(t *testing.T, out string, want, unwanted []string) {
		t.Helper()
		lines := setupLines(out)
		joined := strings.Join(lines, "\n")
		for _, l := range lines {
			if name := strings.TrimPrefix(l, "install: setup: "); name != "" && name[0] >= '0' && name[0] <= '9' {
				t.Errorf("step named with its file prefix: %q", l)
			}
		}
		for _, w := range want {
			if strings.Count(joined, "install: setup: "+w) != 1 {
				t.Errorf("want one line %q among the setup lines:\n%s", "install: setup: "+w, out)
			}
		}
		for _, u := range unwanted {
			if strings.Contains(joined, "install: setup: "+u) {
				t.Errorf("a line for %q, which did nothing:\n%s", u, out)
			}
		}
	}
	path := func(r *installRun) string { return "PATH=" + r.tools + ":" + filepath.Join(r.home, ".local", "bin") }

	t.Run("no vault, no npm", func(t *testing.T) {
		r := newInstallRun(t)
		r.realSteps()
		out, code := r.run(path(r), "CC=sh") // a C compiler: git-scry can use ONNX Runtime
		if code != 0 {
			t.Errorf("exit %d\n%s", code, out)
		}
		check(t, out, []string{"onnxruntime: npm not found", "scry: "}, []string{"vault"})
		if calls := r.calls(); !strings.Contains(calls, "git-scry index") || strings.Contains(calls, "git-vault") {
			t.Errorf("calls:\n%s", calls)
		}
	})
	t.Run("vault, no identity", func(t *testing.T) {
		r := newInstallRun(t)
		r.realSteps()
		if err := os.MkdirAll(filepath.Join(r.repo, ".verdigris", "vault"), 0o755); err != nil {
			t.Fatal(err)
		}
		out, _ := r.run(path(r))
		check(t, out, []string{"vault: "}, nil)
		if calls := r.calls(); !strings.Contains(calls, "git-vault init") {
			t.Errorf("no git vault init:\n%s", calls)
		}
	})
	t.Run("vault and identity", func(t *testing.T) {
		r := newInstallRun(t)
		r.realSteps()
		if err := os.MkdirAll(filepath.Join(r.repo, ".verdigris", "vault"), 0o755); err != nil {
			t.Fatal(err)
		}
		r.write(filepath.Join(r.home, ".config", "verdigris", "identity.txt"), "AGE-SECRET-KEY-1TEST\n", 0o600)
		out, _ := r.run(path(r))
		check(t, out, nil, []string{"vault"})
		if calls := r.calls(); strings.Contains(calls, "git-vault") {
			t.Errorf("git vault ran with an identity present:\n%s", calls)
		}
	})
}

// With the npm registry unreachable (offline, a registry that refuses
// connections) the ONNX Runtime step took 143 s to give up, the install
// stalled on "downloading" with no word, and then printed npm's error
// with its 20-line JavaScript stack trace and object dump. npm waits
// 10 s and then 60 s between its own retries, and the script tries npm
// twice: npm's waits are bounded, and the error keeps npm's words, not
// its stack.
func TestFetchOnnxruntimeRegistryDownFailsFastAndBriefly(t *testing.T) {
	// npm as it fails against a registry that refuses the connection,
	// logging the retry settings it was given.
	out, log := fetchWithNpm(t, `echo "retries=$npm_config_fetch_retries min=$npm_config_fetch_retry_mintimeout max=$npm_config_fetch_retry_maxtimeout" >>"$NPM_LOG"
cat >&2 <<'EOF'
npm error code ECONNREFUSED
npm error syscall connect
npm error errno ECONNREFUSED
npm error FetchError: request to http://127.0.0.1:9/onnxruntime-node failed, reason: connect ECONNREFUSED 127.0.0.1:9
npm error     at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/node_modules/minipass-fetch/lib/index.js:130:14)
npm error     at process.processTicksAndRejections (node:internal/process/task_queues:83:21) {
npm error   code: 'ECONNREFUSED',
npm error   type: 'system'
npm error }
npm error
npm error If you are behind a proxy, please make sure that the 'proxy' config is set properly.  See: 'npm help config'
npm error A complete log of this run can be found in: /home/u/.npm/_logs/debug-0.log
EOF
exit 1
`)
	// npm waits min ms before its first retry, and at most max before each.
	for _, l := range strings.Split(strings.TrimSpace(log), "\n") {
		var retries, min, max int
		if _, err := fmt.Sscanf(l, "retries=%d min=%d max=%d", &retries, &min, &max); err != nil {
			t.Fatalf("npm ran with its own retry waits, 10 s then 60 s (%v): %q", err, l)
		}
		if retries > 1 || max > 5000 || min > max {
			t.Errorf("npm may wait %d times up to %d ms: %q", retries, max, l)
		}
	}
	for _, want := range []string{"npm: npm error code ECONNREFUSED", "reason: connect ECONNREFUSED", "A complete log", "fetch-onnxruntime: error: npm pack"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, noise := range []string{"     at ", "type: 'system'", "npm error }", "syscall connect"} {
		if strings.Contains(out, noise) {
			t.Errorf("output has npm's stack or object dump (%q):\n%s", noise, out)
		}
	}
	if !hasHint(out) {
		t.Errorf("no hint:\n%s", out)
	}
}

// fetchWithNpm runs fetch-onnxruntime.sh with npm the sh script body
// (which may log to $NPM_LOG), and npm's own settings from the
// environment cleared; it returns the output and what npm logged. The
// run must fail.
func fetchWithNpm(t *testing.T, body string) (out, log string) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "npm"), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs("fetch-onnxruntime.sh")
	cmd := exec.Command("bash", abs)
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"VERDIGRIS_LIBDIR="+filepath.Join(dir, "lib"), "HOME="+dir, "NPM_LOG="+filepath.Join(dir, "npm.log"),
		"npm_config_fetch_retries=", "npm_config_fetch_retry_mintimeout=", "npm_config_fetch_retry_maxtimeout=", "npm_config_fetch_timeout=")
	b, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("succeeded:\n%s", b)
	}
	if strings.Contains(string(b), "no library this script knows") {
		t.Skipf("no ONNX Runtime library for this platform:\n%s", b)
	}
	l, err := os.ReadFile(filepath.Join(dir, "npm.log"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b), string(l)
}

// A registry that takes the connection and never answers (a proxy or
// firewall that drops the replies) held npm for its default fetch
// timeout, 5 minutes a request: npm tried twice, the script twice, and
// the install sat on "downloading onnxruntime-node" for 20 minutes
// without a word. npm's wait for an answer is bounded, and a timeout is
// not tried again by the script, npm having retried it already.
func TestFetchOnnxruntimeRegistryHangingIsBounded(t *testing.T) {
	out, log := fetchWithNpm(t, `echo "timeout=$npm_config_fetch_timeout retries=$npm_config_fetch_retries" >>"$NPM_LOG"
echo "npm error code FETCH_ERROR" >&2
echo "npm error network timeout at: http://127.0.0.1:18765/onnxruntime-node" >&2
exit 1
`)
	lines := strings.Split(strings.TrimSpace(log), "\n")
	if len(lines) != 1 {
		t.Errorf("npm ran %d times after it timed out, want once:\n%s", len(lines), log)
	}
	var timeout, retries int
	if _, err := fmt.Sscanf(lines[0], "timeout=%d retries=%d", &timeout, &retries); err != nil || timeout <= 0 {
		t.Fatalf("npm ran with its own fetch timeout, 5 minutes (%v): %q", err, lines[0])
	}
	if total := timeout * (retries + 1); total > 30000 {
		t.Errorf("npm may wait %d ms for a registry that does not answer: %q", total, lines[0])
	}
	if !strings.Contains(out, "npm: npm error network timeout") || !strings.Contains(out, "fetch-onnxruntime: error: npm pack") || !hasHint(out) {
		t.Errorf("output lacks npm's timeout and the error with a hint:\n%s", out)
	}
}

// With HOME unset (env -i, a service's environment) the install ended in
// bash's "HOME: unbound variable", and with HOME set empty it put the
// binaries in /.local/bin. Without PREFIX it says HOME is needed, with a
// hint, before building anything; with PREFIX it installs there.
func TestInstallWithoutHome(t *testing.T) {
	noHome := func(r *installRun, empty bool) {
		var env []string
		for _, e := range r.env {
			if !strings.HasPrefix(e, "HOME=") {
				env = append(env, e)
			}
		}
		if empty {
			env = append(env, "HOME=")
		}
		r.env = env
	}
	for _, c := range []struct {
		name  string
		empty bool
	}{{"unset", false}, {"empty", true}} {
		t.Run(c.name, func(t *testing.T) {
			r := newInstallRun(t)
			noHome(r, c.empty)
			out, code := r.run()
			if code != 1 {
				t.Errorf("exit %d, want 1\n%s", code, out)
			}
			if !strings.Contains(out, "install: error: HOME is not set") || !hasHint(out) || !strings.Contains(out, "PREFIX=") {
				t.Errorf("output does not say HOME is needed, with a PREFIX hint:\n%s", out)
			}
			if strings.Contains(out, "building") || strings.Contains(out, "unbound variable") {
				t.Errorf("output:\n%s", out)
			}
		})
	}
	// go keeps its caches under HOME: without HOME, PREFIX alone made
	// every build fail in go's words ("module cache not found") under a
	// hint about go's version.
	t.Run("PREFIX, go without caches", func(t *testing.T) {
		r := newInstallRun(t)
		noHome(r, false)
		out, code := r.run("PREFIX=" + filepath.Join(filepath.Dir(r.home), "prefix"))
		if code != 1 {
			t.Errorf("exit %d, want 1\n%s", code, out)
		}
		if !strings.Contains(out, "install: error: go has no module cache or build cache to use: HOME is not set") || !hasHint(out) ||
			!strings.Contains(out, "GOMODCACHE=") || !strings.Contains(out, "GOCACHE=") {
			t.Errorf("output does not say go needs its caches, with a hint that sets them:\n%s", out)
		}
		if strings.Contains(out, "building") {
			t.Errorf("output:\n%s", out)
		}
	})
	// In a repository with a vault, the vault step ended in bash's
	// "HOME: unbound variable", which stopped the install before doctor.
	t.Run("PREFIX, vault", func(t *testing.T) {
		for _, empty := range []bool{false, true} {
			r := newInstallRun(t)
			r.realSteps()
			if err := os.MkdirAll(filepath.Join(r.repo, ".verdigris", "vault"), 0o755); err != nil {
				t.Fatal(err)
			}
			noHome(r, empty)
			prefix := filepath.Join(filepath.Dir(r.home), "prefix")
			out, code := r.run("PREFIX="+prefix, "PATH="+r.tools+":"+filepath.Join(prefix, "bin"), "GOMODCACHE=/mod", "GOCACHE=/cache")
			if code != 0 || strings.Contains(out, "unbound variable") {
				t.Errorf("HOME empty %v: exit %d\n%s", empty, code, out)
			}
			if !strings.Contains(out, "install: setup: vault: HOME is not set") {
				t.Errorf("HOME empty %v: the vault step does not say HOME is needed:\n%s", empty, out)
			}
			if calls := r.calls(); !strings.Contains(calls, "verdigris doctor") || strings.Contains(calls, "git-vault") {
				t.Errorf("HOME empty %v: calls:\n%s", empty, calls)
			}
		}
	})
	t.Run("PREFIX", func(t *testing.T) {
		r := newInstallRun(t)
		noHome(r, false)
		prefix := filepath.Join(filepath.Dir(r.home), "prefix")
		out, code := r.run("PREFIX="+prefix, "GOMODCACHE=/mod", "GOCACHE=/cache")
		if code != 0 || strings.Contains(out, "unbound variable") {
			t.Errorf("exit %d\n%s", code, out)
		}
		if want := `export PATH="` + prefix + `/bin:$PATH"`; !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
		if _, err := os.Stat(filepath.Join(prefix, "bin", "verdigris")); err != nil {
			t.Error(err)
		}
	})
}

// Every failure of npm pack hinted "check your npm registry access (npm
// ping)", which helps only when the registry cannot be reached: the hint
// follows npm's error code, and a damaged download is told from a package
// without the library.
func TestFetchOnnxruntimeHintFollowsTheFailure(t *testing.T) {
	for _, c := range []struct {
		name, npm, want, not string
	}{
		{"unreachable", `echo "npm error code ECONNREFUSED" >&2; exit 1`, "could not be reached: check your network and proxy (npm ping)", ""},
		{"not in the registry", `[ "$1" = config ] && { echo https://mirror.example/; exit 0; }
echo "npm error code E404" >&2; echo "npm error 404 Not Found - GET https://mirror.example/onnxruntime-node" >&2; exit 1`, "(https://mirror.example/) has no onnxruntime-node@", "npm ping"},
		{"refused", `echo "npm error code E403" >&2; exit 1`, "npm whoami", "npm ping"},
		{"disk full", `[ "$1" = config ] && { echo /c/.npm; exit 0; }
echo "npm error code ENOSPC" >&2; exit 1`, "free some space or fix the permissions of /c/.npm", "npm ping"},
		{"other", `echo "npm error code EUNKNOWN" >&2; exit 1`, "'npm pack onnxruntime-node@", "npm ping"},
		{"damaged download", `echo x >onnxruntime-node-1.24.1.tgz`, "is damaged (not a gzip tar)", "changed its layout"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, _ := fetchWithNpm(t, "touch \"$NPM_LOG\"\n"+c.npm+"\n")
			if !strings.Contains(out, c.want) || !hasHint(out) {
				t.Errorf("output lacks %q:\n%s", c.want, out)
			}
			if c.not != "" && strings.Contains(out, c.not) {
				t.Errorf("output says %q:\n%s", c.not, out)
			}
		})
	}
}

// git turns "git session --help" into "git help session", which opens
// the manual page git-session(1): install wrote none, and that form said
// "No manual entry for git-session". Each binary's page, from its own
// "help --man", goes to PREFIX/share/man/man1, where man looks for the
// pages of PREFIX/bin on PATH.
func TestInstallWritesManualPages(t *testing.T) {
	r := newInstallRun(t)
	out, code := r.run()
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, name := range []string{"verdigris", "git-scry"} {
		b, err := os.ReadFile(filepath.Join(r.home, ".local", "share", "man", "man1", name+".1"))
		if err != nil || string(b) != ".TH "+name+" 1\n" {
			t.Errorf("%s.1: %q, %v\n%s", name, b, err, out)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(r.home, ".local", "share", "man", "man1", ".*")); len(left) > 0 {
		t.Errorf("temporary pages left: %v", left)
	}
	// A folder that cannot take them: said, and the install goes on.
	r = newInstallRun(t)
	if err := os.MkdirAll(filepath.Join(r.home, ".local", "share"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.home, ".local", "share", "man"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	out, code = r.run()
	if code != 0 || !strings.Contains(out, "cannot write manual pages to "+filepath.Join(r.home, ".local", "share", "man", "man1")) {
		t.Errorf("exit %d\n%s", code, out)
	}
}
