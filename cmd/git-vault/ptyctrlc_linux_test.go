package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// onTerminal is a command running on a terminal of its own.
type onTerminal struct {
	m, s *os.File // the terminal's master and slave sides
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan error // the command's Wait, once exited was asked
}

// exited says whether the command ended within d.
func (t *onTerminal) exited(d time.Duration) bool {
	if t.done == nil {
		t.done = make(chan error, 1)
		go func() { t.done <- t.cmd.Wait() }()
	}
	select {
	case <-t.done:
		return true
	case <-time.After(d):
		return false
	}
}

// startOnTerminal starts CMD with a new terminal as its controlling
// terminal, stdin, stdout and stderr. keepSlave keeps the slave side open
// here, so what CMD left unread in the terminal's input can be counted.
func startOnTerminal(ts *testscript.TestScript, args []string, keepSlave bool) *onTerminal {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	ts.Check(err)
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	ts.Check(err)
	ts.Check(unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0))
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	ts.Check(err)
	path := args[0]
	for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(dir, args[0])); err == nil {
			path = filepath.Join(dir, args[0])
			break
		}
	}
	cmd := exec.Command(path, args[1:]...)
	cmd.Dir = ts.MkAbs(".")
	for _, k := range []string{"PATH", "HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "XDG_CACHE_HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "GIT_CEILING_DIRECTORIES", "TMPDIR"} {
		cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s, s, s
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	ts.Check(cmd.Start())
	t := &onTerminal{m: m, s: s, cmd: cmd}
	if !keepSlave {
		s.Close()
		t.s = nil
	}
	go func() {
		buf := make([]byte, 4096)
		for {
			k, err := m.Read(buf)
			t.mu.Lock()
			t.out.Write(buf[:k])
			t.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return t
}

func (t *onTerminal) seen(s string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Contains(t.out.String(), s)
}

// waitPrompt waits for prompt to show, and for echo to be turned off
// after it.
func (t *onTerminal) waitPrompt(ts *testscript.TestScript, prompt string) {
	for deadline := time.Now().Add(10 * time.Second); !t.seen(prompt); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.cmd.Process.Kill()
			ts.Fatalf("no prompt %q; output: %q", prompt, t.out.String())
		}
	}
	time.Sleep(200 * time.Millisecond) // the prompt is printed before echo is turned off
}

// finishWithin waits d for the command to end, then finishes; one still
// running then is killed, and the script fails saying so (when: "after
// 10s").
func (t *onTerminal) finishWithin(ts *testscript.TestScript, d time.Duration, when string) {
	if !t.exited(d) {
		t.cmd.Process.Kill()
		ts.Fatalf("still running %s; output: %q", when, t.out.String())
	}
	t.finish(ts)
}

// finish prints the output and how the command ended.
func (t *onTerminal) finish(ts *testscript.TestScript) {
	time.Sleep(100 * time.Millisecond)
	t.mu.Lock()
	ts.Stdout().Write(t.out.Bytes())
	t.mu.Unlock()
	ws := t.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		fmt.Fprintf(ts.Stdout(), "\nsignal=%s\n", ws.Signal())
	} else {
		fmt.Fprintf(ts.Stdout(), "\nexit=%d\n", ws.ExitStatus())
	}
}

func init() {
	// ctrlc PROMPT CMD...: run CMD on a terminal of its own, press Ctrl-C
	// once PROMPT shows, and print its output and "exit=N" (or
	// "signal=NAME"). A CMD still waiting 5s later is sent a line and
	// the script fails: the prompt ignored Ctrl-C.
	vaultCommands["ctrlc"] = func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) < 2 {
			ts.Fatalf("usage: ctrlc PROMPT CMD...")
		}
		t := startOnTerminal(ts, args[1:], false)
		defer t.m.Close()
		t.waitPrompt(ts, args[0])
		t.m.Write([]byte{3})
		if !t.exited(5 * time.Second) {
			t.m.Write([]byte("typed-after-ctrl-c\n"))
			if !t.exited(5 * time.Second) {
				t.cmd.Process.Kill()
			}
			ts.Fatalf("still at the prompt 5s after Ctrl-C; output: %q", t.out.String())
		}
		t.finish(ts)
	}

	// onterminal CMD...: run CMD on a terminal of its own, and print its
	// output (a line break shows as CRLF, as a terminal writes it) and
	// "exit=N". A CMD still running 10s later fails the script.
	vaultCommands["onterminal"] = func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) < 1 {
			ts.Fatalf("usage: onterminal CMD...")
		}
		t := startOnTerminal(ts, args, false)
		defer t.m.Close()
		t.finishWithin(ts, 10*time.Second, "after 10s")
	}

	// type PROMPT TEXT CMD...: run CMD on a terminal of its own, type
	// TEXT (Go escapes: "\n" is Enter) at once when PROMPT shows, as a
	// paste arrives, and print its output, "exit=N" and "unread=N": the
	// bytes CMD left in the terminal's input, which the shell that ran
	// it would read next. A CMD still running 10s later fails the script.
	vaultCommands["type"] = func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) < 3 {
			ts.Fatalf("usage: type PROMPT TEXT CMD...")
		}
		text, err := strconv.Unquote(`"` + args[1] + `"`)
		ts.Check(err)
		t := startOnTerminal(ts, args[2:], true)
		defer t.m.Close()
		defer t.s.Close()
		t.waitPrompt(ts, args[0])
		t.m.Write([]byte(text))
		t.finishWithin(ts, 10*time.Second, "10s after the text was typed")
		// Non-canonical, so a partial last line counts too.
		_, err = term.MakeRaw(int(t.s.Fd()))
		ts.Check(err)
		n, err := unix.IoctlGetInt(int(t.s.Fd()), unix.TIOCINQ)
		ts.Check(err)
		fmt.Fprintf(ts.Stdout(), "unread=%d\n", n)
	}
}
