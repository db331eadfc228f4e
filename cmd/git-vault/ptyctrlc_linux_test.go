package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"
)

func init() {
	// ctrlc PROMPT CMD...: run CMD on a terminal of its own, press Ctrl-C
	// once PROMPT shows, and print its output and "exit=N" (or
	// "signal=NAME"). A CMD still waiting 5s later is sent a line and
	// the script fails: the prompt ignored Ctrl-C.
	vaultCommands["ctrlc"] = func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) < 2 {
			ts.Fatalf("usage: ctrlc PROMPT CMD...")
		}
		m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
		ts.Check(err)
		defer m.Close()
		n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
		ts.Check(err)
		ts.Check(unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0))
		s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
		ts.Check(err)
		path := args[1]
		for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
			if _, err := os.Stat(filepath.Join(dir, args[1])); err == nil {
				path = filepath.Join(dir, args[1])
				break
			}
		}
		cmd := exec.Command(path, args[2:]...)
		cmd.Dir = ts.MkAbs(".")
		for _, k := range []string{"PATH", "HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "XDG_CACHE_HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "GIT_CEILING_DIRECTORIES", "TMPDIR"} {
			cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
		}
		cmd.Stdin, cmd.Stdout, cmd.Stderr = s, s, s
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
		ts.Check(cmd.Start())
		s.Close()
		var mu sync.Mutex
		var out bytes.Buffer
		go func() {
			buf := make([]byte, 4096)
			for {
				k, err := m.Read(buf)
				mu.Lock()
				out.Write(buf[:k])
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
		seen := func(s string) bool { mu.Lock(); defer mu.Unlock(); return strings.Contains(out.String(), s) }
		for deadline := time.Now().Add(10 * time.Second); !seen(args[0]); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				ts.Fatalf("no prompt %q; output: %q", args[0], out.String())
			}
		}
		time.Sleep(200 * time.Millisecond) // the prompt is printed before echo is turned off
		m.Write([]byte{3})
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var werr error
		select {
		case werr = <-done:
		case <-time.After(5 * time.Second):
			m.Write([]byte("typed-after-ctrl-c\n"))
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				cmd.Process.Kill()
			}
			ts.Fatalf("still at the prompt 5s after Ctrl-C; output: %q", out.String())
		}
		time.Sleep(100 * time.Millisecond)
		mu.Lock()
		ts.Stdout().Write(out.Bytes())
		mu.Unlock()
		ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if ws.Signaled() {
			fmt.Fprintf(ts.Stdout(), "\nsignal=%s\n", ws.Signal())
		} else {
			fmt.Fprintf(ts.Stdout(), "\nexit=%d\n", ws.ExitStatus())
		}
		_ = werr
	}
}
