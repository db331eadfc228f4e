package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestSetStdinInterrupted: Ctrl-C while set --stdin reads stores nothing
// and ends the command at once. It was caught and ignored: the read went
// on to end of file (a producer killed by the same Ctrl-C ended it early)
// and what had come was stored, a value cut short, as if complete.
func TestSetStdinInterrupted(t *testing.T) {
	le := newLeakEnv(t)
	le.run(nil, "git-vault", "init")
	c, w := startSetReading(t, le)
	defer w.Close()
	c.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		// Ended as the killed producer would have ended it.
		w.Close()
		<-done
		t.Error("set --stdin was still reading 10s after Ctrl-C")
	}
	if c.ProcessState.Success() {
		t.Error("set --stdin succeeded though interrupted")
	}
	if err := le.cmd(nil, "git-vault", "get", "cut").Run(); err == nil {
		t.Error("an interrupted set --stdin stored what it had read")
	}
}

// TestSetStdinInterruptedAsInputEnds: Ctrl-C kills the producer too, and
// its end of the pipe closing reached set as end of file before Main's
// context was cancelled by the same signal, often enough that a value cut
// short was stored (11 times in 30). SIGINT is sent, then the pipe
// closed, as the producer dying of it closes it: nothing is ever stored.
// The pipe is closed once set has taken the signal from the kernel, as a
// terminal's Ctrl-C reaches it at the same time as the producer, which
// closes its end only when it has died of it; closed at once, on a
// loaded machine the thread that took it could still be descheduled in
// its handler when set asked.
func TestSetStdinInterruptedAsInputEnds(t *testing.T) {
	le := newLeakEnv(t)
	le.run(nil, "git-vault", "init")
	for i := 0; i < 20; i++ {
		c, w := startSetReading(t, le)
		c.Process.Signal(syscall.SIGINT)
		waitSignalTaken(t, c.Process.Pid, syscall.SIGINT)
		w.Close()
		c.Wait()
		if c.ProcessState.Success() {
			t.Fatalf("try %d: set --stdin succeeded though interrupted", i+1)
		}
		if err := le.cmd(nil, "git-vault", "get", "cut").Run(); err == nil {
			t.Fatalf("try %d: an interrupted set --stdin stored the value its killed producer cut short", i+1)
		}
	}
}

// startSetReading starts 'git vault set cut --stdin' with a pipe as its
// input, writes part of a value, and returns once set has read it: it
// is reading the value then, and catches Ctrl-C (a signal before would
// kill it, proving nothing). The pipe's writing end is the caller's.
func startSetReading(t *testing.T, le *leakEnv) (*exec.Cmd, *os.File) {
	t.Helper()
	c := le.cmd(nil, "git-vault", "set", "cut", "--stdin")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c.Stdin = r
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	w.Write([]byte("the-first-part-of-a-value"))
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		n, err := unix.IoctlGetInt(int(w.Fd()), unix.TIOCINQ) // FIONREAD
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return c, w
		}
		if time.Now().After(deadline) {
			t.Fatal("set --stdin did not read its input")
		}
	}
}

// waitSignalTaken waits until no thread of process pid has sig pending:
// one of them has taken it (/proc/PID/status's ShdPnd and each thread's
// SigPnd).
func waitSignalTaken(t *testing.T, pid int, sig syscall.Signal) {
	t.Helper()
	bit := uint64(1) << (uint(sig) - 1)
	pending := func() bool {
		files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/status", pid))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			for _, l := range strings.Split(string(b), "\n") {
				k, v, ok := strings.Cut(l, ":")
				if !ok || (k != "SigPnd" && k != "ShdPnd") {
					continue
				}
				if m, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64); err == nil && m&bit != 0 {
					return true
				}
			}
		}
		return false
	}
	for deadline := time.Now().Add(10 * time.Second); pending(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d left %v pending for 10s", pid, sig)
		}
	}
}
