//go:build linux || darwin

package cli

import "golang.org/x/sys/unix"

// DiscardTerminalInput reads what is waiting in the terminal's input
// queue, unread, and throws it away, returning how many bytes there were;
// the terminal's settings are left as they were. After a hidden prompt
// read its line, what waits there is the rest of a paste (a PEM key's
// other lines) or keys typed ahead: left there, the shell reads it next,
// echoes it, runs each line as a command and keeps it in its history.
// The queue is read with canonical mode and echo off and VMIN = VTIME = 0
// (a read returns at once, with whatever is there, a partial last line
// too), not O_NONBLOCK, which the shell sharing the terminal would keep
// if we died before undoing it.
func DiscardTerminalInput(fd int) (int, error) {
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return 0, err
	}
	t := *old
	t.Lflag &^= unix.ICANON | unix.ECHO
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 0, 0
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &t); err != nil {
		return 0, err
	}
	defer unix.IoctlSetTermios(fd, ioctlSetTermios, old)
	buf := make([]byte, 4096)
	defer clear(buf)
	total := 0
	for {
		n, err := unix.Read(fd, buf)
		if n > 0 {
			total += n
		}
		if err == unix.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			return total, nil
		}
	}
}

// EchoOff stops the terminal echoing what is typed, lines still being
// edited and ended as usual (Ctrl-D ends the input), until restore is
// called: for a value read to end of file from a terminal.
func EchoOff(fd int) (restore func(), err error) {
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return nil, err
	}
	t := *old
	t.Lflag &^= unix.ECHO | unix.ECHOE | unix.ECHOK | unix.ECHONL
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &t); err != nil {
		return nil, err
	}
	return func() { _ = unix.IoctlSetTermios(fd, ioctlSetTermios, old) }, nil
}
