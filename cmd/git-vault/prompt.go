package main

import (
	"context"
	"os"

	"golang.org/x/term"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

// readHidden reads a line from the terminal tty without echoing it. Ctrl-C
// does not kill us (cli.Program catches it and cancels ctx) and does not
// end term.ReadPassword's read either, so the read runs aside: a cancelled
// ctx puts the terminal back as it was and returns an interrupt (exit
// 130) with msg and hint, instead of waiting for the next line and using
// it. The abandoned read ends with the process.
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
		return l.b, l.err
	case <-ctx.Done():
		_ = term.Restore(fd, state)
		return nil, cli.Interruptedf("%s", msg).WithHint("%s", hint)
	}
}
