package filelock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "x.lock")
	l, err := TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	// flock locks belong to open file descriptions, so a second open in the
	// same process contends like another process would.
	if _, err := TryLock(path); !errors.Is(err, ErrBusy) {
		t.Fatalf("second TryLock = %v; want ErrBusy", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := Acquire(ctx, path); !errors.Is(err, ErrBusy) {
		t.Fatalf("Acquire while held = %v; want ErrBusy", err)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(context.Background(), path)
	if err != nil {
		t.Fatalf("Acquire after unlock: %v", err)
	}
	l2.Unlock()
}

// Held sees a lock another holder has, and takes none itself: probes
// side by side do not see each other, nor does the lock's next taker.
func TestHeld(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	if Held(path) {
		t.Fatal("Held before the lock file exists")
	}
	l, err := TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	if !Held(path) {
		t.Fatal("Held while locked = false")
	}
	l.Unlock()
	if Held(path) {
		t.Fatal("Held after unlock = true")
	}
	if l, err = TryLock(path); err != nil {
		t.Fatalf("TryLock after probes: %v", err)
	}
	l.Unlock()
}

// A lock handed over with its open file (as a child process gets it) is
// held after the giver closes its descriptor, until the taker unlocks.
func TestInherit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	l, err := TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	fd, err := syscall.Dup(int(l.File().Fd()))
	if err != nil {
		t.Fatal(err)
	}
	handed := Inherit(os.NewFile(uintptr(fd), path))
	l.File().Close()
	if !Held(path) {
		t.Fatal("Held after the giver closed its descriptor = false")
	}
	handed.Unlock()
	if Held(path) {
		t.Fatal("Held after the taker unlocked = true")
	}
}

// Remove leaves no file behind, and the lock is free: the next taker
// makes the file again. A file opened before it was removed is not the
// lock any more, so locking it keeps no one out.
func TestRemove(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	l, err := TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	stale, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer stale.Close()
	if err := l.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("lock file after Remove: %v", err)
	}
	l2, err := TryLock(path)
	if err != nil {
		t.Fatalf("TryLock after Remove: %v", err)
	}
	defer l2.Unlock()
	if _, err := TryLock(path); !errors.Is(err, ErrBusy) {
		t.Fatalf("second TryLock after Remove = %v; want ErrBusy", err)
	}
	// The stale file can be flocked, but it is not the file at path.
	if err := syscall.Flock(int(stale.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatalf("flock of the removed file: %v", err)
	}
	fi, _ := stale.Stat()
	now, _ := os.Stat(path)
	if os.SameFile(fi, now) {
		t.Fatal("the removed file is still the lock file")
	}
}
