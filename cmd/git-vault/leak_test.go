package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/verdigris-dev/verdigris/internal/clitest"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

// leakEnv is a private HOME, TMPDIR, runtime dir and repository for the
// real binaries.
type leakEnv struct {
	t    *testing.T
	bin  string
	dir  string
	repo string
	env  []string
}

func newLeakEnv(t *testing.T) *leakEnv {
	bin := clitest.Binaries(t)
	dir := t.TempDir()
	run, err := os.MkdirTemp("", "vl")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(run) })
	home := filepath.Join(dir, "home")
	tmp := filepath.Join(dir, "tmp")
	for _, d := range []string{home, tmp} {
		os.MkdirAll(d, 0o755)
	}
	gitconfig := filepath.Join(home, ".gitconfig")
	os.WriteFile(gitconfig, []byte("[user]\n\tname = T\n\temail = t@example.com\n[init]\n\tdefaultBranch = main\n"), 0o644)
	le := &leakEnv{t: t, bin: bin, dir: dir, repo: filepath.Join(dir, "repo"), env: []string{
		"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "XDG_RUNTIME_DIR=" + run,
		"TMPDIR=" + tmp, "GIT_CONFIG_GLOBAL=" + gitconfig, "GIT_CONFIG_NOSYSTEM=1",
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "NO_COLOR=1",
	}}
	os.MkdirAll(le.repo, 0o755)
	le.run(nil, "git", "init", "-q")
	t.Cleanup(func() { le.cmd(nil, "git-vault", "agent", "stop").Run() })
	return le
}

func (le *leakEnv) cmd(stdin []byte, name string, args ...string) *exec.Cmd {
	if name == "git-vault" {
		name = filepath.Join(le.bin, name)
	}
	c := exec.Command(name, args...)
	c.Dir = le.repo
	c.Env = le.env
	if stdin != nil {
		c.Stdin = bytes.NewReader(stdin)
	}
	return c
}

// run runs a command that must succeed and returns stdout and stderr.
func (le *leakEnv) run(stdin []byte, name string, args ...string) (string, string) {
	le.t.Helper()
	c := le.cmd(stdin, name, args...)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Run(); err != nil {
		le.t.Fatalf("%s %v: %v\n%s", name, args, err, errb.String())
	}
	return out.String(), errb.String()
}

// agentPID starts the agent and returns its process id, as agent status
// reports it.
func (le *leakEnv) agentPID() int {
	le.t.Helper()
	le.run(nil, "git-vault", "agent", "start", "--ttl", "1m")
	out, _ := le.run(nil, "git-vault", "agent", "status", "--json")
	i := strings.Index(out, `"pid": `)
	if i < 0 {
		le.t.Fatalf("status: %s", out)
	}
	pid, _ := strconv.Atoi(strings.TrimRight(strings.Fields(out[i+7:])[0], ","))
	return pid
}

func randomValue(t *testing.T, prefix string) string {
	b := make([]byte, 12)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// TestNoValueInOutputArgvEnvOrTempFiles pins the vault's secrecy
// properties with the real binaries: no value in any process's argv while
// a child runs, none in the child's environment beyond what it asked for
// (and never the identity), none in our own stdout/stderr, none in a file
// under TMPDIR or anywhere in HOME or the worktree.
func TestNoValueInOutputArgvEnvOrTempFiles(t *testing.T) {
	le := newLeakEnv(t)
	alpha, bravo := randomValue(t, "alpha-"), randomValue(t, "bravo-")
	values := []string{alpha, bravo}
	noLeak := func(what, s string) {
		t.Helper()
		for _, v := range values {
			if strings.Contains(s, v) {
				t.Fatalf("%s contains a secret value", what)
			}
		}
	}
	check := func(stdin []byte, args ...string) {
		t.Helper()
		out, errs := le.run(stdin, "git-vault", args...)
		noLeak("stdout of git vault "+strings.Join(args, " "), out)
		noLeak("stderr of git vault "+strings.Join(args, " "), errs)
	}
	check(nil, "init")
	check([]byte(alpha), "set", "alpha", "--stdin")
	check([]byte(bravo+"\nsecond line of bravo\n"), "set", "bravo", "--stdin")
	check(nil, "ls")
	check(nil, "ls", "--json")
	check(nil, "recipients", "ls")
	check(nil, "run", "--mask", "--", "sh", "-c", `echo "$ALPHA"; echo "$BRAVO" >&2`)
	check(nil, "guard", "--staged")
	check(nil, "agent", "start")
	check(nil, "agent", "status", "--json")
	check(nil, "run", "--", "true")
	check(nil, "lock")
	check(nil, "agent", "stop")
	// Errors do not quote values either.
	c := le.cmd([]byte(alpha), "git-vault", "set", "Bad Name", "--stdin")
	out, _ := c.CombinedOutput()
	noLeak("a refused set", string(out))

	idPath, err := vault.DefaultIdentityPath(func(k string) string {
		for _, kv := range le.env {
			if strings.HasPrefix(kv, k+"=") {
				return kv[len(k)+1:]
			}
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	identity, err := os.ReadFile(idPath)
	if err != nil {
		t.Fatal(err)
	}
	keyLine := ""
	for _, l := range strings.Split(string(identity), "\n") {
		if strings.HasPrefix(l, "AGE-SECRET-KEY-1") {
			keyLine = l
		}
	}

	// A child that asked for alpha only, started with the identity in
	// VERDIGRIS_IDENTITY, as in CI. Both ways: exec and supervised.
	for _, mask := range [][]string{nil, {"--mask"}} {
		args := append(append([]string{"run", "--only", "alpha"}, mask...), "--", "sleep", "3")
		c := le.cmd(nil, "git-vault", args...)
		c.Env = append(c.Env, vault.IdentityEnv+"="+string(identity))
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		var child int
		for deadline := time.Now().Add(5 * time.Second); child == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			child = findProcWithEnv("ALPHA=" + alpha)
		}
		if child == 0 {
			c.Process.Kill()
			t.Fatalf("run %v: no process got ALPHA", mask)
		}
		for _, m := range mustGlob("/proc/[0-9]*/cmdline") {
			b, _ := os.ReadFile(m)
			noLeak("argv of "+m, string(b))
			if keyLine != "" && strings.Contains(string(b), keyLine) {
				t.Fatalf("argv of %s holds the identity", m)
			}
		}
		env, _ := os.ReadFile("/proc/" + strconv.Itoa(child) + "/environ")
		for _, kv := range strings.Split(string(env), "\x00") {
			if strings.HasPrefix(kv, vault.IdentityEnv+"=") || strings.Contains(kv, "AGE-SECRET-KEY-1") {
				t.Fatalf("run %v: the child inherited the identity", mask)
			}
			if strings.Contains(kv, bravo) || strings.HasPrefix(kv, "BRAVO=") {
				t.Fatalf("run %v: the child got a secret it did not ask for", mask)
			}
		}
		c.Process.Kill()
		c.Wait()
	}

	// Nothing anywhere on disk holds a value: temp files, HOME, worktree.
	filepath.WalkDir(le.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err == nil {
			noLeak("file "+p, string(b))
		}
		return nil
	})
	tmps, _ := os.ReadDir(filepath.Join(le.dir, "tmp"))
	for _, e := range tmps {
		t.Errorf("left in TMPDIR: %s", e.Name())
	}
}

func mustGlob(p string) []string {
	m, _ := filepath.Glob(p)
	return m
}

// findProcWithEnv returns a pid whose environment holds kv.
func findProcWithEnv(kv string) int {
	for _, m := range mustGlob("/proc/[0-9]*/environ") {
		b, err := os.ReadFile(m)
		if err != nil {
			continue
		}
		for _, e := range strings.Split(string(b), "\x00") {
			if e == kv {
				pid, _ := strconv.Atoi(strings.Split(m, "/")[2])
				return pid
			}
		}
	}
	return 0
}

// TestAgentDaemonHasNoInetSocketAndNoIdentityInArgvOrEnv checks the real
// daemon process.
func TestAgentDaemonHasNoInetSocketAndNoIdentityInArgvOrEnv(t *testing.T) {
	le := newLeakEnv(t)
	le.run(nil, "git-vault", "init")
	pid := le.agentPID()
	if _, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd"); os.Getuid() != 0 && os.IsPermission(err) {
		// The agent is not dumpable (TestProcessesHoldingKeysAreNotDumpable):
		// only root may list its descriptors or read its environment.
		t.Log("the agent's descriptors are root's to list: sockets not checked")
	} else {
		checkNoInetSocket(t, pid)
	}
	cmdline, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	environ, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	for _, b := range [][]byte{cmdline, environ} {
		if bytes.Contains(b, []byte("AGE-SECRET-KEY")) {
			t.Fatal("the agent has the identity in its argv or environment")
		}
	}
	if sid, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); len(sid) > 0 {
		f := strings.Fields(string(sid[bytes.LastIndexByte(sid, ')')+2:]))
		if len(f) > 3 && f[3] != strconv.Itoa(pid) {
			t.Fatalf("agent is not a session leader (session %s, pid %d)", f[3], pid)
		}
	}
}

// checkNoInetSocket fails if process pid holds a TCP or UDP socket.
func checkNoInetSocket(t *testing.T, pid int) {
	t.Helper()
	inodes := map[string]bool{}
	for _, fd := range mustGlob("/proc/" + strconv.Itoa(pid) + "/fd/*") {
		if l, err := os.Readlink(fd); err == nil && strings.HasPrefix(l, "socket:[") {
			inodes[strings.Trim(l[7:], "[]")] = true
		}
	}
	if len(inodes) == 0 {
		t.Fatal("no sockets found for the agent")
	}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "/proc/net/udp6"} {
		data, _ := os.ReadFile(f)
		for _, line := range strings.Split(string(data), "\n") {
			if fs := strings.Fields(line); len(fs) > 9 && inodes[fs[9]] {
				t.Fatalf("agent holds an inet socket: %s", line)
			}
		}
	}
}
