// Package filelock serialises writers across processes with flock(2) on a
// lock file. The kernel drops the lock when the holder exits, even on
// kill -9, so a crashed writer never leaves a stale lock behind.
package filelock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Lock is a held lock.
type Lock struct {
	f    *os.File
	path string
}

// ErrBusy is returned by TryLock when another process holds the lock.
var ErrBusy = errors.New("locked by another process")

func open(path string) (*os.File, error) {
	for try := 0; ; try++ {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		// The folder made may be removed, emptied by the holder
		// before (Remove), until the file is in it.
		if errors.Is(err, os.ErrNotExist) && try < 10 {
			continue
		}
		return f, err
	}
}

// TryLock takes the lock at path without waiting.
func TryLock(path string) (*Lock, error) {
	for {
		f, err := open(path)
		if err != nil {
			return nil, err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, ErrBusy
			}
			return nil, err
		}
		// The holder before may have removed the file (Remove) after this
		// one opened it: a lock on a file no longer at path keeps out no
		// one who opens path now.
		held, herr := f.Stat()
		now, nerr := os.Stat(path)
		if herr == nil && nerr == nil && os.SameFile(held, now) {
			return &Lock{f: f, path: path}, nil
		}
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
		if herr != nil {
			return nil, herr
		}
		if nerr != nil && !errors.Is(nerr, os.ErrNotExist) {
			return nil, nerr
		}
	}
}

// Acquire waits for the lock at path until ctx is done.
func Acquire(ctx context.Context, path string) (*Lock, error) {
	delay := 5 * time.Millisecond
	for {
		l, err := TryLock(path)
		if !errors.Is(err, ErrBusy) {
			return l, err
		}
		select {
		case <-ctx.Done():
			return nil, ErrBusy
		case <-time.After(delay):
		}
		if delay < 200*time.Millisecond {
			delay *= 2
		}
	}
}

// Held reports whether another holder has the lock at path, without
// taking it from anyone: a shared probe, which readers may make at the
// same time, and which a writer waits out (Acquire) rather than fails on.
// A lock file that was never made is not held.
func Held(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
	if err == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	}
	return errors.Is(err, syscall.EWOULDBLOCK)
}

// File is the lock's open file, to hand to a child process
// (exec.Cmd.ExtraFiles): an flock lock belongs to the open file, so the
// child holds it as well, and it is let go only when the last holder
// unlocks it or every descriptor of it is closed.
func (l *Lock) File() *os.File { return l.f }

// Inherit is the lock a parent process took and handed over with its
// open file (File). The descriptor is closed on exec: the processes this
// one starts do not hold the lock on.
func Inherit(f *os.File) *Lock {
	syscall.CloseOnExec(int(f.Fd()))
	return &Lock{f: f}
}

// Remove deletes the lock file and releases the lock, for a lock whose
// state is gone: nothing is left behind. The next taker makes the file
// again; one that opened it before it was removed finds that and takes
// the new one (TryLock).
func (l *Lock) Remove() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := os.Remove(l.path)
	if uerr := l.Unlock(); err == nil {
		err = uerr
	}
	return err
}

// Unlock releases the lock.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
