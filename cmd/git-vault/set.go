package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

// maxValue bounds what --stdin reads: a secret, not a file system.
const maxValue = 1 << 20

var setCmd = &cli.Command{
	Name: "set",
	Usage: `Usage: git vault set NAME [--env VAR] [--stdin] [--identity FILE]

Store a secret. On a terminal the value is read at a prompt that does not
echo it, one line (more typed or pasted there is refused, and read away
rather than left for your shell); with --stdin it is read from standard
input to end of file, byte for byte (multi-line values and PEM keys stay
exact, a trailing newline too); on a terminal, with echo off, ended by
Ctrl-D. There is no flag for the value itself: a value on the command line
would show in ps and in shell history. An empty value is refused.

NAME is lower-case letters, digits, '-', '_' and '.'. It is exported as an
upper-cased environment variable with '-' and '.' turned into '_'
(tls-key -> TLS_KEY) unless --env names another.

Flags:
      --env VAR         environment variable name for the secret
      --stdin           read the value from standard input to EOF
` + identityFlagHelp,
	Flags: func(fs *pflag.FlagSet) {
		fs.String("env", "", "")
		fs.Bool("stdin", false, "")
		identityFlag(fs)
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if len(args) > 1 {
			return cli.Usagef("git vault set takes one NAME; a value is never given on the command line (it would show in ps and shell history)").
				WithHint("type it at the prompt, or pipe it: git vault set %s --stdin < file", args[0])
		}
		if err := cli.NArgs("git vault set", args, 1, 1); err != nil {
			return err
		}
		name := args[0]
		envName, _ := fs.GetString("env")
		if err := vault.CheckName(name); err != nil {
			return userError(err)
		}
		if envName == "" {
			envName = vault.EnvName(name)
		}
		if err := vault.CheckEnv(envName); err != nil {
			return userError(err)
		}
		r, kh, err := openForWrite(ctx, env, fs)
		if err != nil {
			return err
		}
		defer kh.Close()
		fromStdin, _ := fs.GetBool("stdin")
		value, err := readValue(ctx, env, name, fromStdin)
		defer clear(value)
		if err != nil {
			return err
		}
		replaced, err := vault.Set(ctx, r.Root, r.GitDir, kh, name, envName, value)
		if err != nil {
			return userErrorIn(ctx, env, r, err)
		}
		verb := "added"
		if replaced {
			verb = "updated"
		}
		fmt.Fprintf(env.Stderr, "git-vault: %s %s\n", verb, name)
		return nil
	},
}

func readValue(ctx context.Context, env *cli.Env, name string, fromStdin bool) ([]byte, error) {
	if fromStdin {
		if f, ok := env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			// Typed or pasted here, the value would stay on the screen.
			if restore, err := cli.EchoOff(int(f.Fd())); err == nil {
				defer restore()
			}
			fmt.Fprintf(env.Stderr, "Value for %s (input hidden; end it with Ctrl-D at the start of a line): ", name)
			defer fmt.Fprintln(env.Stderr)
		}
		// Read aside, as readHidden does: Ctrl-C (which cli.Program
		// catches) neither killed us nor ended the read, so what came
		// before it, and after it until end of file, was stored; and a
		// producer piping the value, killed by the same Ctrl-C, ended
		// the input early, storing a value cut short. The abandoned read
		// ends with the process.
		type result struct {
			b   []byte
			err error
		}
		// Ctrl-C kills the producer too, whose end of the pipe closing
		// can reach us as end of file before Main's context is
		// cancelled by the same Ctrl-C: at end of file, ask whether it
		// came (11 of 30 cut values were stored without this).
		watch := cli.WatchSignals()
		defer watch.Stop()
		read := make(chan result, 1)
		go func() {
			b, err := readStdin(env, name)
			read <- result{b, err}
		}()
		select {
		case r := <-read:
			if ctx.Err() != nil || watch.Caught() {
				return r.b, stdinInterrupted(name)
			}
			return r.b, r.err
		case <-ctx.Done():
			return nil, stdinInterrupted(name)
		}
	}
	f, ok := env.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, cli.Usagef("standard input is not a terminal, so there is nowhere to prompt for the value").
			WithHint("pass --stdin to read the value from standard input: git vault set %s --stdin < file", name)
	}
	fmt.Fprintf(env.Stderr, "Value for %s (input hidden): ", name)
	value, err := readHidden(ctx, f, "interrupted at the prompt; nothing was stored", fmt.Sprintf("run 'git vault set %s' again to store it", name))
	fmt.Fprintln(env.Stderr)
	if e, ok := err.(*cli.Error); ok {
		return value, e
	}
	// The prompt reads one line: a multi-line value pasted there was
	// stored cut to its first line.
	if err == errMoreThanALine {
		return value, cli.Failf("more was typed or pasted than the one line the prompt reads (a multi-line value?); nothing was stored, and the rest was discarded, not left for your shell").
			WithHint("store a multi-line value with --stdin: git vault set %s --stdin < file (or paste it there, then Ctrl-D)", name)
	}
	if err != nil {
		return value, cli.Failf("reading the value: %v", err)
	}
	if len(value) == 0 {
		return value, cli.Failf("refusing to store an empty value").WithHint("to delete the secret, use 'git vault rm %s'", name)
	}
	return value, nil
}

// readStdin reads --stdin's value to end of file.
func readStdin(env *cli.Env, name string) ([]byte, error) {
	var buf []byte
	lr := io.LimitReader(env.Stdin, maxValue+1)
	chunk := make([]byte, 32*1024)
	defer clear(chunk)
	for {
		n, err := lr.Read(chunk)
		// Grow by hand so no reallocation leaves a copy behind unwiped.
		if len(buf)+n > cap(buf) {
			nb := make([]byte, len(buf), 2*(len(buf)+n))
			copy(nb, buf)
			clear(buf)
			buf = nb
		}
		buf = append(buf, chunk[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			return buf, stdinError(err, name)
		}
	}
	if len(buf) > maxValue {
		return buf, cli.Failf("the value is larger than %d bytes", maxValue).WithHint("a vault holds secrets, not files; store a key to the file instead")
	}
	if len(buf) == 0 {
		return buf, cli.Failf("refusing to store an empty value (stdin was empty)").WithHint("to delete the secret, use 'git vault rm %s'", name)
	}
	return buf, nil
}

func stdinInterrupted(name string) error {
	return cli.Interruptedf("interrupted while the value was read; nothing was stored").WithHint("run 'git vault set %s --stdin' again to store it", name)
}

// stdinError says why --stdin could not be read, without the
// "read /dev/stdin:" Go puts before it.
func stdinError(err error, name string) error {
	return cli.Failf("cannot read the value from standard input: %s", cli.FileReason(err)).
		WithHint("pipe the value in, or redirect a file: git vault set %s --stdin < file", name)
}
