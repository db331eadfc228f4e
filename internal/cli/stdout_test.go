package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/spf13/pflag"
)

// failingStdout fails every write with err, as a file on a full disk
// does, and counts the writes it was asked for.
type failingStdout struct {
	err    error
	writes int
}

func (f *failingStdout) Write([]byte) (int, error) {
	f.writes++
	return 0, &fs.PathError{Op: "write", Path: "/dev/stdout", Err: f.err}
}

// Only git vault get and export said why standard output could not be
// written; every other command printed Go's "write /dev/stdout: no space
// left on device", or ignored the error and exited 0 having printed
// nothing. Every command of every program now says it in words, once.
func TestRunSaysWhyStandardOutputFailed(t *testing.T) {
	own := Failf("the vault is damaged").WithHint("restore it")
	for _, c := range []struct {
		name string
		werr syscall.Errno
		// ret is what the command returns, given its write's error.
		ret    func(werr error) error
		code   int
		stderr string
	}{
		{"ignored, full disk", syscall.ENOSPC, func(error) error { return nil }, 1,
			"git-x: error: cannot write to standard output: no space is left on its device\ngit-x: hint: free some space there, or send the output elsewhere\n"},
		{"returned, full disk", syscall.ENOSPC, func(w error) error { return w }, 1,
			"git-x: error: cannot write to standard output: no space is left on its device\ngit-x: hint: free some space there, or send the output elsewhere\n"},
		{"wrapped, full disk", syscall.ENOSPC, func(w error) error { return fmt.Errorf("printing: %w", w) }, 1,
			"git-x: error: cannot write to standard output: no space is left on its device\ngit-x: hint: free some space there, or send the output elsewhere\n"},
		{"quota", syscall.EDQUOT, func(error) error { return nil }, 1,
			"git-x: error: cannot write to standard output: the disk quota is exceeded\ngit-x: hint: free some space there, or send the output elsewhere\n"},
		{"too large", syscall.EFBIG, func(error) error { return nil }, 1,
			"git-x: error: cannot write to standard output: the file is larger than this system allows\ngit-x: hint: send the output elsewhere, or raise the file size limit (ulimit -f)\n"},
		{"input/output", syscall.EIO, func(error) error { return nil }, 1,
			"git-x: error: cannot write to standard output: its device reported an input/output error\ngit-x: hint: check the device standard output is sent to, or send the output elsewhere\n"},
		{"closed", syscall.EBADF, func(error) error { return nil }, 1,
			"git-x: error: cannot write to standard output: it is not open for writing\ngit-x: hint: open standard output for writing ('> FILE', not '1< FILE')\n"},
		{"other", syscall.EPERM, func(error) error { return nil }, 1,
			"git-x: error: cannot write to standard output: operation not permitted\ngit-x: hint: check the file or device standard output is sent to, or send the output elsewhere\n"},
		// A reader that went away ends the command quietly, as SIGPIPE
		// ends other tools.
		{"closed pipe", syscall.EPIPE, func(error) error { return nil }, 141, ""},
		{"closed pipe, returned", syscall.EPIPE, func(w error) error { return w }, 141, ""},
		// The command's own failure is the one to report.
		{"own error", syscall.ENOSPC, func(error) error { return own }, 1,
			"git-x: error: the vault is damaged\ngit-x: hint: restore it\n"},
		{"own error, closed pipe", syscall.EPIPE, func(error) error { return Usagef("bad") }, 2,
			"git-x: error: bad\n"},
		// A silent failure's reason went to standard output, lost: the
		// code is the command's, the words say where they went.
		{"silent", syscall.ENOSPC, func(error) error { return Exit(3) }, 3,
			"git-x: error: cannot write to standard output: no space is left on its device\ngit-x: hint: free some space there, or send the output elsewhere\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := &failingStdout{err: c.werr}
			cmd := &Command{Name: "ls", Run: func(_ context.Context, env *Env, _ *pflag.FlagSet, _ []string) error {
				_, err := fmt.Fprintln(env.Stdout, "secret-value-1")
				fmt.Fprintln(env.Stdout, "secret-value-2")
				return c.ret(err)
			}}
			p := &Program{Name: "git x", Binary: "git-x", Commands: []*Command{cmd}}
			var stderr bytes.Buffer
			code := p.Run(context.Background(), &Env{Stdout: out, Stderr: &stderr}, []string{"ls"})
			if code != c.code || stderr.String() != c.stderr {
				t.Errorf("exit %d, stderr %q; want exit %d, %q", code, stderr.String(), c.code, c.stderr)
			}
			// After a failed write nothing more is tried: a disk that
			// freed some space meanwhile would hold output with a hole.
			if out.writes != 1 {
				t.Errorf("%d writes, want 1", out.writes)
			}
		})
	}
}

// Help and version are written to standard output too.
func TestRunSaysWhyUsageCouldNotBeWritten(t *testing.T) {
	p := &Program{Name: "git x", Binary: "git-x", Usage: "usage: git x\n", Commands: []*Command{{Name: "ls", Usage: "usage: git x ls\n"}}}
	for _, args := range [][]string{{"help"}, {"ls", "--help"}, {"version"}} {
		var stderr bytes.Buffer
		code := p.Run(context.Background(), &Env{Stdout: &failingStdout{err: syscall.ENOSPC}, Stderr: &stderr}, args)
		if code != ExitFailed || !bytes.Contains(stderr.Bytes(), []byte("cannot write to standard output")) {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr.String())
		}
	}
}

// What the command wrote gets through as it was, and a program whose
// output was taken in full exits 0.
func TestRunPassesStandardOutputThrough(t *testing.T) {
	cmd := &Command{Name: "ls", Run: func(_ context.Context, env *Env, _ *pflag.FlagSet, _ []string) error {
		fmt.Fprint(env.Stdout, "a\n")
		io.WriteString(env.Stdout, "b\n")
		return nil
	}}
	p := &Program{Name: "git x", Binary: "git-x", Commands: []*Command{cmd}}
	var out, stderr bytes.Buffer
	if code := p.Run(context.Background(), &Env{Stdout: &out, Stderr: &stderr}, []string{"ls"}); code != 0 || out.String() != "a\nb\n" || stderr.Len() != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), stderr.String())
	}
}

// Go's runtime kills a program with SIGPIPE when its write to fd 1 meets
// a closed pipe, with no word on stderr: the status a shell gives is 141,
// as for other Unix tools. Main keeps it so.
func TestMainDiesOfSIGPIPEOnAClosedPipe(t *testing.T) {
	if os.Getenv("VERDIGRIS_CLI_SIGPIPE_CHILD") == "1" {
		spew := &Command{Name: "spew", Run: func(_ context.Context, env *Env, _ *pflag.FlagSet, _ []string) error {
			for {
				if _, err := fmt.Fprintln(env.Stdout, "line"); err != nil {
					return err
				}
			}
		}}
		os.Args = []string{"spewer", "spew"}
		(&Program{Name: "spewer", Binary: "spewer", Commands: []*Command{spew}}).Main()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainDiesOfSIGPIPEOnAClosedPipe$")
	cmd.Env = append(os.Environ(), "VERDIGRIS_CLI_SIGPIPE_CHILD=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out.Read(make([]byte, 1))
	out.Close()
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("child: %v", err)
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGPIPE || bytes.Contains(stderr.Bytes(), []byte("spewer")) {
		t.Fatalf("child: %v, stderr %q; want killed by SIGPIPE, quietly", err, stderr.String())
	}
}

// A command that runs a program of its own inside its program's (git
// scry model did): a failed write was said twice, once by each.
func TestRunInsideRunSaysItOnce(t *testing.T) {
	ls := &Command{Name: "ls", Run: func(_ context.Context, env *Env, _ *pflag.FlagSet, _ []string) error {
		fmt.Fprintln(env.Stdout, "a model")
		return nil
	}}
	model := &Command{Name: "model", Raw: true, Run: func(ctx context.Context, env *Env, _ *pflag.FlagSet, args []string) error {
		inner := &Program{Name: "git x model", Binary: "git-x", Commands: []*Command{ls}}
		if code := inner.Run(ctx, env, args); code != 0 {
			return Exit(code)
		}
		return nil
	}}
	p := &Program{Name: "git x", Binary: "git-x", Commands: []*Command{model}}
	for _, c := range []struct {
		werr   syscall.Errno
		code   int
		stderr string
	}{
		{syscall.ENOSPC, 1, "git-x: error: cannot write to standard output: no space is left on its device\ngit-x: hint: free some space there, or send the output elsewhere\n"},
		{syscall.EPIPE, 141, ""},
	} {
		var stderr bytes.Buffer
		code := p.Run(context.Background(), &Env{Stdout: &failingStdout{err: c.werr}, Stderr: &stderr}, []string{"model", "ls"})
		if code != c.code || stderr.String() != c.stderr {
			t.Errorf("%v: exit %d, stderr %q; want exit %d, %q", c.werr, code, stderr.String(), c.code, c.stderr)
		}
	}
}
