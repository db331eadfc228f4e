package cli

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// A command stopped by a signal exits as a shell reports it: 130 after
// Ctrl-C and 143 after SIGTERM (it was 130 for both). It dies of the
// signal once it has said so: exiting 130, it left a shell's loop that
// ran it going on to the next command after Ctrl-C.
func TestMainExitsWithTheSignal(t *testing.T) {
	if os.Getenv("VERDIGRIS_CLI_SIGNAL_CHILD") == "1" {
		wait := &Command{Name: "wait", Run: func(ctx context.Context, env *Env, _ *pflag.FlagSet, _ []string) error {
			os.Stdout.WriteString("ready\n")
			<-ctx.Done()
			return Exit(ExitInterrupted)
		}}
		os.Args = []string{"waiter", "wait"}
		(&Program{Name: "waiter", Binary: "waiter", Usage: "usage: waiter wait\n", Commands: []*Command{wait}}).Main()
		return
	}
	for _, c := range []struct {
		sig  syscall.Signal
		want int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMainExitsWithTheSignal$", "wait")
		cmd.Env = append(os.Environ(), "VERDIGRIS_CLI_SIGNAL_CHILD=1")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if line, _ := bufio.NewReader(out).ReadString('\n'); line != "ready\n" {
			t.Fatalf("child said %q", line)
		}
		cmd.Process.Signal(c.sig)
		err = cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("after %v: %v; want it to die of the signal", c.sig, err)
		}
		ws := ee.Sys().(syscall.WaitStatus)
		if !ws.Signaled() || ws.Signal() != c.sig || 128+int(ws.Signal()) != c.want {
			t.Errorf("after %v: %v; want it to die of %v (status %d in a shell)", c.sig, err, c.sig, c.want)
		}
	}
}

// Started with SIGINT ignored (a shell's background job), a command that
// Ctrl-C's kill stopped cannot die of it: it exits 130 at once.
func TestMainExitsWhenTheSignalWasIgnored(t *testing.T) {
	cmd := exec.Command("sh", "-c", `trap '' INT; exec "$0" -test.run='^TestMainExitsWithTheSignal$' wait`, os.Args[0])
	cmd.Env = append(os.Environ(), "VERDIGRIS_CLI_SIGNAL_CHILD=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "ready\n" {
		t.Fatalf("child said %q", line)
	}
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("%v; want exit status 130", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("it took %v to exit", d)
	}
}

// A command stopped by a signal whose error is only what that left (a
// killed git's "context canceled", a repository not found because the
// git asked was killed) says it was interrupted, as the commands that
// word it themselves do; a child's status it passes on, an error of its
// own wording, and a context cancelled otherwise are left as they are.
func TestRunSaysInterruptedForAnyErrorASignalCaused(t *testing.T) {
	for _, c := range []struct {
		name   string
		signal bool
		err    error
		code   int
		stderr string
	}{
		{"killed git", true, errors.New("git log: context canceled"), ExitInterrupted, "x: error: interrupted; git x sync did not finish\nx: hint: run it again\n"},
		{"misread", true, Failf("not inside a git repository").WithHint("cd into a repository"), ExitInterrupted, "x: error: interrupted; git x sync did not finish\nx: hint: run it again\n"},
		{"own words", true, Interruptedf("interrupted; nothing was synced").WithHint("sync again"), ExitInterrupted, "x: error: interrupted; nothing was synced\nx: hint: sync again\n"},
		{"child status", true, Exit(3), 3, ""},
		{"usage", true, Usagef("missing argument"), ExitUsage, "x: error: missing argument\n"},
		{"no signal", false, errors.New("git log: context canceled"), ExitFailed, "x: error: git log: context canceled\n"},
	} {
		ctx, stop := context.WithCancel(context.Background())
		if c.signal {
			ctx, stop = StopOn(context.Background(), syscall.SIGUSR1)
		}
		sync := &Command{Name: "sync", Run: func(ctx context.Context, _ *Env, _ *pflag.FlagSet, _ []string) error {
			if c.signal {
				syscall.Kill(os.Getpid(), syscall.SIGUSR1)
			} else {
				stop()
			}
			<-ctx.Done()
			return c.err
		}}
		var errb strings.Builder
		p := &Program{Name: "git x", Binary: "x", Commands: []*Command{sync}}
		code := p.Run(ctx, &Env{Stdout: io.Discard, Stderr: &errb, Getenv: func(string) string { return "" }}, []string{"sync"})
		stop()
		if code != c.code || errb.String() != c.stderr {
			t.Errorf("%s: exit %d, stderr %q; want exit %d, stderr %q", c.name, code, errb.String(), c.code, c.stderr)
		}
	}
}
