package vault

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/verdigris-dev/verdigris/internal/filelock"
)

// Two 'git vault init' at once with no identity yet: the second failed
// with "creating identity: …: file exists", and could read the first's
// file before its key was in it. GenerateIdentity waits for the one
// writing the identity, then reports it there (fs.ErrExist), whole and
// untouched, for init to use.
func TestGenerateIdentityWaitsForAnotherInit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "verdigris", "identity.txt")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	// The other init: its lock held, its file made, the key not yet in it.
	other, f := initHalfway(t, path)
	done := make(chan error, 1)
	go func() {
		id, err := GenerateIdentity(path, time.Now())
		if id != nil {
			err = fmt.Errorf("created %s beside the other init's", id.Recipient.Key)
		}
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("GenerateIdentity returned while another init was writing the identity: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	aid, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	text := aid.String() + "\n"
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	f.Close()
	other.Unlock()
	if err := <-done; !errors.Is(err, fs.ErrExist) {
		t.Fatalf("GenerateIdentity = %v, want the identity there reported (fs.ErrExist)", err)
	}
	if data, err := os.ReadFile(path); err != nil || string(data) != text {
		t.Fatalf("identity file = %q, %v; want the other init's, untouched", data, err)
	}
}

// Many at once: one creates the identity, every other one finds it whole.
func TestGenerateIdentityAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "verdigris", "identity.txt")
	const n = 8
	var wg sync.WaitGroup
	start := make(chan struct{})
	ids := make([]*Identity, n)
	errs := make([]error, n)
	seen := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ids[i], errs[i] = GenerateIdentity(path, time.Now())
			data, _ := os.ReadFile(path)
			seen[i] = string(data)
		}()
	}
	close(start)
	wg.Wait()
	var created *Identity
	for i := range n {
		switch {
		case errs[i] == nil && created == nil:
			created = ids[i]
		case errs[i] == nil:
			t.Fatalf("two identities created: %s and %s", created.Recipient.Key, ids[i].Recipient.Key)
		case !errors.Is(errs[i], fs.ErrExist):
			t.Fatalf("GenerateIdentity = %v", errs[i])
		}
	}
	if created == nil {
		t.Fatal("no identity created")
	}
	for i := range n {
		id, err := ParseIdentity([]byte(seen[i]))
		if err != nil || id.Recipient.Key != created.Recipient.Key {
			t.Fatalf("read after GenerateIdentity returned: %v, %v; want the one created", id, err)
		}
	}
}

// A lock held past the wait (a stuck init) is said as such, with a hint.
func TestGenerateIdentityLockHeldTooLong(t *testing.T) {
	defer func(d time.Duration) { identityLockWait = d }(identityLockWait)
	identityLockWait = 50 * time.Millisecond
	path := filepath.Join(t.TempDir(), "identity.txt")
	other, err := filelock.TryLock(path + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Unlock()
	_, err = GenerateIdentity(path, time.Now())
	var ie *IdentityError
	if !errors.As(err, &ie) || ie.Hint == "" {
		t.Fatalf("GenerateIdentity = %v, want an IdentityError with a hint", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("identity file made while another held the lock: %v", err)
	}
}

// A command reading the identity between another init's create and its
// write of the key (one init found the file there and went on to use
// it) read it empty: "no key found in the identity". It reads it again
// once the other is done.
func TestOpenIdentityFileWhileAnotherInitWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "identity.txt")
	other, f := initHalfway(t, path)
	type result struct {
		kh  Keyholder
		err error
	}
	done := make(chan result, 1)
	go func() {
		kh, err := openIdentityFile(path)
		done <- result{kh, err}
	}()
	time.Sleep(100 * time.Millisecond)
	aid, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(aid.String() + "\n")
	f.Close()
	other.Unlock()
	r := <-done
	if r.err != nil {
		t.Fatalf("openIdentityFile = %v, want the key the other init wrote", r.err)
	}
	defer r.kh.Close()
	if got := r.kh.Recipient().Key; got != aid.Recipient().String() {
		t.Fatalf("recipient = %s, want %s", got, aid.Recipient())
	}
}

// initHalfway is another 'git vault init' creating the identity at path:
// its lock held, its file made, the key not yet written to it.
func initHalfway(t *testing.T, path string) (*filelock.Lock, *os.File) {
	t.Helper()
	l, err := filelock.TryLock(path + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	return l, f
}

// An init killed between creating the identity file and writing its key
// left it empty, and every init after found the file there and wrote no
// key. GenerateIdentity takes an empty file for none: it writes the key
// to a new file of its own, 0600 whatever the empty one's mode, never
// through another name (a hard link) the empty one had.
func TestGenerateIdentityReplacesEmptyFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "verdigris")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "identity.txt")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other-name")
	if err := os.Link(path, other); err != nil {
		t.Fatal(err)
	}
	id, err := GenerateIdentity(path, time.Now())
	if err != nil {
		t.Fatalf("GenerateIdentity over an empty file = %v, want the key written", err)
	}
	defer id.Wipe()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("identity mode = %04o, want 0600", fi.Mode().Perm())
	}
	data, err := ReadIdentityFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseIdentity(data)
	if err != nil || got.Recipient.Key != id.Recipient.Key {
		t.Fatalf("identity file holds %v, %v; want the key created", got, err)
	}
	if data, err := os.ReadFile(other); err != nil || len(data) != 0 {
		t.Fatalf("the empty file's other name holds %d bytes (%v); want it untouched", len(data), err)
	}

	// One with a key in it is never replaced.
	if _, err := GenerateIdentity(path, time.Now()); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("GenerateIdentity over a key = %v, want fs.ErrExist", err)
	}
	if again, err := os.ReadFile(path); err != nil || string(again) != string(data) {
		t.Fatalf("identity file changed: %v", err)
	}
}

// Commands reading an empty identity file say it is empty and why it
// probably is, where they said "no key found in the identity".
func TestOpenEmptyIdentityFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "identity.txt")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := openIdentityFile(path)
	var ie *IdentityError
	if !errors.As(err, &ie) || !errors.Is(err, ErrEmptyIdentity) || ie.Hint == "" {
		t.Fatalf("openIdentityFile = %v, want an IdentityError that is ErrEmptyIdentity, with a hint", err)
	}
}
