package cli

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/spf13/pflag"
)

// A command stopped by a signal exits as a shell reports it: 130 after
// Ctrl-C and 143 after SIGTERM (it was 130 for both).
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
		if !errors.As(err, &ee) || ee.ExitCode() != c.want {
			t.Errorf("after %v: %v; want exit status %d", c.sig, err, c.want)
		}
	}
}
