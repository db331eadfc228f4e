package main

import (
	"os"
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
	c := le.cmd(nil, "git-vault", "set", "cut", "--stdin")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	c.Stdin = r
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	w.Write([]byte("the-first-part-of-a-value"))
	// Once the pipe is empty, set is reading the value: Ctrl-C is
	// caught by then (a signal before would kill it, proving nothing).
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		n, err := unix.IoctlGetInt(int(w.Fd()), unix.TIOCINQ) // FIONREAD
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("set --stdin did not read its input")
		}
	}
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
func TestSetStdinInterruptedAsInputEnds(t *testing.T) {
	le := newLeakEnv(t)
	le.run(nil, "git-vault", "init")
	for i := 0; i < 20; i++ {
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
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("set --stdin did not read its input")
			}
		}
		c.Process.Signal(syscall.SIGINT)
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
