package gitrepo

import (
	"context"
	"errors"
	"strings"
	"time"
)

// contendedWait is how long a command that writes the index or moves HEAD
// waits for another git process writing them at the same moment. A git
// commit holds index.lock, then HEAD's branch, for milliseconds: a loop of
// them beside git session end or git release made theirs fail at once.
// A lock held longer (a slow hook, a stale file) still fails.
const contendedWait = 2 * time.Second

// whileContended runs fn, again and again with short sleeps for up to
// contendedWait, while it fails only because another process is writing
// the index or HEAD (contended); then its last error. Running it again
// is safe: none of these failures moved a ref (git add, refused the
// lock, wrote nothing), so a refused git commit left no commit on the
// branch, and the commit tagged is the one git commit reports having made.
func whileContended(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(contendedWait)
	for delay := 10 * time.Millisecond; ; delay = min(2*delay, 100*time.Millisecond) {
		err := fn()
		if err == nil || !contended(err) || time.Now().Add(delay).After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
	}
}

// contended reports whether err is git refusing to write because another
// process is: it holds the index lock ("Unable to create
// '.git/index.lock': File exists"), or HEAD's branch's lock, or moved
// HEAD between git commit reading it and updating it ("cannot lock ref
// 'HEAD': is at X but expected Y").
func contended(err error) bool {
	var ge *Error
	if !errors.As(err, &ge) {
		return false
	}
	s := ge.Stderr
	// Every git commit writes its message to the worktree's one
	// COMMIT_EDITMSG and reads it back: another commit truncating the
	// file in between leaves ours none to read. The callers' messages are
	// never empty, and git made no commit.
	return strings.Contains(s, "/index.lock': File exists") ||
		strings.Contains(s, "Aborting commit due to empty commit message") ||
		strings.Contains(s, "cannot lock ref 'HEAD': ") && (strings.Contains(s, ".lock': File exists") || strings.Contains(s, " but expected "))
}
