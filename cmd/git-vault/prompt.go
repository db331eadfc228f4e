package main

import (
	"context"
	"errors"
	"os"

	"golang.org/x/term"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

// errMoreThanALine is readHidden's answer when more than the one line it
// reads was typed or pasted: the rest was read away (see
// cli.DiscardTerminalInput) and the caller, which knows what was asked
// for, refuses the line and says what to do instead.
var errMoreThanALine = errors.New("more than one line was typed or pasted at the prompt")

// readHidden reads a line from the terminal tty without echoing it. Ctrl-C
// does not kill us (cli.Program catches it and cancels ctx) and does not
// end term.ReadPassword's read either, so the read runs aside: a cancelled
// ctx puts the terminal back as it was and returns an interrupt (exit
// 130) with msg and hint, instead of waiting for the next line and using
// it. The abandoned read ends with the process.
//
// term.ReadPassword stops at the first line break: what follows it (the
// other lines of a multi-line paste, keys typed ahead) would stay in the
// terminal's input for the shell to echo, run as commands and keep in its
// history. Every hidden prompt reads it away here, and then returns the
// line with errMoreThanALine, as a line read from a paste is not what was
// meant either.
func readHidden(ctx context.Context, tty *os.File, msg, hint string) ([]byte, error) {
	fd := int(tty.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return nil, err
	}
	type line struct {
		b   []byte
		err error
	}
	read := make(chan line, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		read <- line{b, err}
	}()
	select {
	case l := <-read:
		if l.err != nil {
			return l.b, l.err
		}
		if n, _ := cli.DiscardTerminalInput(fd); n > 0 {
			return l.b, errMoreThanALine
		}
		return l.b, nil
	case <-ctx.Done():
		_ = term.Restore(fd, state)
		return nil, cli.Interruptedf("%s", msg).WithHint("%s", hint)
	}
}
