package vault

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
)

// Secret is one decrypted value on its way into a child's environment.
type Secret struct {
	Name  string
	Env   string
	Value []byte
}

// WipeSecrets clears decrypted values.
func WipeSecrets(ss []Secret) {
	for i := range ss {
		clear(ss[i].Value)
	}
}

// ChildEnv is the environment a child gets: ours without the identity
// variable (a child must never inherit the key to every secret) and without
// any variable a secret replaces, plus the requested secrets.
func ChildEnv(base []string, secrets []Secret) ([]string, error) {
	drop := map[string]bool{IdentityEnv: true}
	for _, s := range secrets {
		drop[s.Env] = true
	}
	env := make([]string, 0, len(base)+len(secrets))
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			env = append(env, kv)
		}
	}
	for _, s := range secrets {
		if err := checkSecretEnv(s, "nothing was run"); err != nil {
			return nil, err
		}
		if bytes.IndexByte(s.Value, 0) >= 0 {
			return nil, &ReadError{Msg: fmt.Sprintf("secret %s contains a NUL byte and cannot be an environment variable", s.Name), Hint: fmt.Sprintf("read it with 'git vault get %s' instead", s.Name)}
		}
		env = append(env, s.Env+"="+string(s.Value))
	}
	return env, nil
}

// checkSecretEnv refuses a secret whose environment name set would have
// refused (CheckEnv): the secrets file is written by every recipient's
// tools, and PATH, LD_PRELOAD or BASH_ENV from it would choose what a
// child runs, or what a shell that sources an export does. run, run
// --ssh and every export format apply it before anything is started or
// printed; nothing says what the caller did not do ("nothing was run").
func checkSecretEnv(s Secret, nothing string) error {
	if err := CheckEnv(s.Env); err != nil {
		return &ReadError{Msg: fmt.Sprintf("secret %s: %v", s.Name, err),
			Hint: fmt.Sprintf("%s; see who set it (git log -p -- %s/secrets), and store it under another name with 'git vault set %s --env NAME'", nothing, Dir, s.Name)}
	}
	return nil
}

// CommandError is a command that could not be started; Code follows the
// shell's convention (127 not found, 126 not executable).
type CommandError struct {
	Code int
	Msg  string
}

func (e *CommandError) Error() string { return e.Msg }

func lookPath(name string) (string, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		code := 127
		if errors.Is(err, os.ErrPermission) {
			code = 126
		}
		return "", &CommandError{Code: code, Msg: fmt.Sprintf("cannot run %s: %v", name, errors.Unwrap(err))}
	}
	return path, nil
}

// Exec replaces this process with argv: exit code and signals are the
// child's own because the child is this process.
func Exec(argv, env []string) error {
	path, err := lookPath(argv[0])
	if err != nil {
		return err
	}
	err = syscall.Exec(path, argv, env)
	return &CommandError{Code: 126, Msg: fmt.Sprintf("cannot run %s: %v", argv[0], err)}
}

// forwarded are the signals a supervised child receives from us.
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGTSTP, syscall.SIGCONT}

// Supervise runs argv with its stdout and stderr passed through maskers,
// forwarding signals to it. It returns the child's exit code, or 128+N and
// the signal when the child died of signal N.
func Supervise(argv, env []string, stdin io.Reader, stdout, stderr io.Writer, patterns [][]byte) (int, syscall.Signal, error) {
	path, err := lookPath(argv[0])
	if err != nil {
		return 0, 0, err
	}
	outM, errM := NewMasker(stdout, patterns), NewMasker(stderr, patterns)
	cmd := &exec.Cmd{Path: path, Args: argv, Env: env, Stdin: stdin, Stdout: outM, Stderr: errM}
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return 0, 0, &CommandError{Code: 126, Msg: fmt.Sprintf("cannot run %s: %v", argv[0], err)}
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	werr := cmd.Wait()
	close(done)
	outM.Close()
	errM.Close()
	if werr == nil {
		return 0, 0, nil
	}
	var ee *exec.ExitError
	if errors.As(werr, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), ws.Signal(), nil
		}
		return ee.ExitCode(), 0, nil
	}
	return 0, 0, werr
}
