package vault

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/verdigris-dev/verdigris/internal/filelock"
)

// A git vault command stopped (Ctrl-Z) or stuck while it held the vault's
// write lock made every other one, reads and the pre-push hook's guard
// included, wait for it without a word and without end; Ctrl-C then said
// only "locked by another process", with no hint, and exited 1. The wait
// is bounded, then refused with what to do; a wait stopped by Ctrl-C is
// reported as interrupted. Neither changes anything.
func TestWaitForTheLockIsBoundedAndSaysWhatToDo(t *testing.T) {
	defer func(d time.Duration) { lockWait = d }(lockWait)
	lockWait = 100 * time.Millisecond
	root, gitDir, kh := testVault(t)
	mustSet(t, root, gitDir, kh, "db", "hunter2-SECRET")
	before := readVaultFiles(t, root)
	other, err := filelock.TryLock(LockPath(gitDir))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Unlock()

	ops := map[string]func(ctx context.Context) error{
		"Set": func(ctx context.Context) error {
			_, err := Set(ctx, root, gitDir, kh, "db", "", []byte("hunter2-NEW"))
			return err
		},
		"Repair": func(ctx context.Context) error { return Repair(ctx, root, gitDir) },
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { done <- op(context.Background()) }()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("still waiting for the lock after 5s")
			}
			var re *ReadError
			if !errors.As(err, &re) || !strings.Contains(re.Msg, "another git vault command") || !strings.Contains(re.Hint, "Ctrl-Z") || re.Interrupted {
				t.Fatalf("waited out: %#v, want a ReadError saying another command holds the vault, with a hint", err)
			}

			ctx, cancel := context.WithCancel(context.Background())
			go func() { done <- op(ctx) }()
			time.Sleep(20 * time.Millisecond)
			cancel()
			err = <-done
			if !errors.As(err, &re) || !re.Interrupted || !strings.Contains(re.Msg, "nothing was changed") {
				t.Fatalf("interrupted: %#v, want an interrupted ReadError", err)
			}
		})
	}
	after := readVaultFiles(t, root)
	for n := range before {
		if string(before[n]) != string(after[n]) {
			t.Errorf("%s changed", n)
		}
	}
}

// A read took the vault's lock only to finish an interrupted write, then
// read the three files without it: a 'recipients rm' renaming its files
// in between (a key rotation) was met half made, and get, run and export
// failed saying a secret was "encrypted under data key generation 2, but
// the vault is at generation 1 … set it again". Open reads them under
// the lock, so a write waits for the read and the read for a write.
// Here the read is held while it reads the secrets file (a FIFO that
// the test fills): the lock must be held all that time.
func TestOpenReadsTheFilesUnderTheLock(t *testing.T) {
	root, gitDir, kh := testVault(t)
	mustSet(t, root, gitDir, kh, "db", "hunter2-SECRET")
	data, err := os.ReadFile(Path(root, SecretsName))
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(Path(root, SecretsName))
	if err := syscall.Mkfifo(Path(root, SecretsName), 0o644); err != nil {
		t.Fatal(err)
	}
	type opened struct {
		v   *Vault
		err error
	}
	done := make(chan opened, 1)
	go func() {
		v, err := Open(context.Background(), root, gitDir)
		done <- opened{v, err}
	}()
	f, err := os.OpenFile(Path(root, SecretsName), os.O_WRONLY, 0) // waits for the reader
	if err != nil {
		t.Fatal(err)
	}
	l, lerr := filelock.TryLock(LockPath(gitDir))
	if lerr == nil {
		l.Unlock()
	}
	f.Write(data)
	f.Close()
	o := <-done
	if o.err != nil {
		t.Fatal(o.err)
	}
	if !errors.Is(lerr, filelock.ErrBusy) {
		t.Fatalf("the lock was free while Open read the vault files (TryLock: %v)", lerr)
	}
	e, err := o.v.Entry("db")
	if err != nil {
		t.Fatal(err)
	}
	if val, err := kh.Decrypt(o.v, e); err != nil || string(val) != "hunter2-SECRET" {
		t.Fatalf("read %q, %v", val, err)
	}
}
