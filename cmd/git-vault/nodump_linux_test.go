package main

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// dumpable tells whether a process of this user may dump core and be read
// by the user's other processes: Linux gives a non-dumpable process's
// /proc/PID files to root instead of the process's user.
func dumpable(t *testing.T, pid int) bool {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat("/proc/"+strconv.Itoa(pid)+"/environ", &st); err != nil {
		t.Fatal(err)
	}
	return int(st.Uid) == os.Getuid()
}

// TestProcessesHoldingKeysAreNotDumpable: the agent holds the identity
// for its TTL and 'run --mask' every value for as long as its command
// runs; a core dump (GOTRACEBACK=crash and a fatal signal) wrote them to
// disk, and another process of the user could read their memory. Both
// are non-dumpable; the command run starts is dumpable again (execve
// resets it), as the user expects of their own program.
func TestProcessesHoldingKeysAreNotDumpable(t *testing.T) {
	if os.Getuid() == 0 {
		t.Skip("a non-dumpable process's /proc files are root's: as root that cannot be told")
	}
	le := newLeakEnv(t)
	le.run(nil, "git-vault", "init")
	le.run([]byte(randomValue(t, "v-")), "git-vault", "set", "alpha", "--stdin")
	agent := le.agentPID()
	if dumpable(t, agent) {
		t.Error("the agent's memory is readable by other processes of its user (it is dumpable)")
	}

	c := le.cmd(nil, "git-vault", "run", "--mask", "--", "sleep", "3")
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { c.Process.Kill(); c.Wait() }()
	var child int
	for deadline := time.Now().Add(5 * time.Second); child == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		child = childOf(c.Process.Pid)
	}
	if child == 0 {
		t.Fatal("the command run --mask starts was not found")
	}
	if dumpable(t, c.Process.Pid) {
		t.Error("git vault run --mask is dumpable while it holds the values")
	}
	if !dumpable(t, child) {
		t.Error("the command run started is not dumpable as usual")
	}
}

// childOf is the sleep whose parent is pid, or 0.
func childOf(pid int) int {
	for _, m := range mustGlob("/proc/[0-9]*/stat") {
		b, err := os.ReadFile(m)
		if i := strings.LastIndexByte(string(b), ')'); err == nil && i > 0 {
			if f := strings.Fields(string(b[i+1:])); len(f) > 1 && f[1] == strconv.Itoa(pid) && strings.HasSuffix(string(b[:i]), "(sleep") {
				p, _ := strconv.Atoi(strings.Split(m, "/")[2])
				return p
			}
		}
	}
	return 0
}
