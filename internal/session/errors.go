package session

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// Errors the commands turn into messages with hints.
var (
	ErrNoSession = errors.New("no active session in this worktree")
	ErrNoCommits = errors.New("the repository has no commits yet, and a session tag needs a commit to point at")
	ErrDetached  = errors.New("HEAD is detached, so the record's commit would be on no branch")
	ErrNoRemote  = errors.New("this repository has no remote to push to")
)

// KeyTextError is text for a session's record (its title, a goal, the
// agent's name, a note) that looks like a private key: the record is
// the start tag's message, the archive commit's and the end tag's, which
// every clone and push gets, so such text is refused, and not quoted.
type KeyTextError struct{ What string }

func (e *KeyTextError) Error() string {
	return e.What + " looks like a private key; it is not recorded, nor shown"
}

// checkText refuses text that looks like a private key, what naming it.
func checkText(what string, texts ...string) error {
	for _, t := range texts {
		if cli.LooksLikeKey(t) {
			return &KeyTextError{What: what}
		}
	}
	return nil
}

// FileError is the sessions directory, or a record in it, that could not
// be read or written, named from the repository root: Go's words named
// the call and the absolute path ("read /home/…/layer/sessions/ID.md: is
// a directory"), with no way on.
type FileError struct {
	Op     string // "read the sessions directory", "write the session record"
	Path   string
	Reason string
	// Dir is the sessions directory when it, or a directory above it, is
	// at fault; "" when the record itself is.
	Dir string
	// Link says the record's path is a symbolic link, which the record
	// would replace.
	Link bool
}

func (e *FileError) Error() string { return fmt.Sprintf("cannot %s %s: %s", e.Op, e.Path, e.Reason) }

// fileReason says why rel (slash-separated, below root) could not be
// read or made: the part of its path in the way (a file where a
// directory should be, a symbolic link to nothing), which Go's error
// leaves out or names by its absolute path, else cli.FileReason. isDir:
// rel itself should be a directory. above: the part in the way is a
// directory of rel's path, not rel.
func fileReason(root, rel string, isDir bool, err error) (reason string, above bool) {
	if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, fs.ErrExist) || errors.Is(err, fs.ErrNotExist) {
		parts := strings.Split(rel, "/")
		for i := range parts {
			p, last := strings.Join(parts[:i+1], "/"), i == len(parts)-1
			who := p + " is"
			if last {
				who = "it is"
			}
			abs := filepath.Join(root, filepath.FromSlash(p))
			fi, serr := os.Stat(abs)
			if serr == nil && fi.IsDir() {
				continue
			}
			if serr == nil && (!last || isDir) {
				return who + " a file, not a directory", !last
			}
			if errors.Is(serr, fs.ErrNotExist) {
				if target, lerr := os.Readlink(abs); lerr == nil {
					return fmt.Sprintf("%s a symbolic link to %s, which does not exist", who, target), !last
				}
			}
			break
		}
	}
	return cli.FileReason(err), false
}

// UnbornError is a start on a branch with no commits yet in a
// repository whose other branches have some (git switch --orphan).
type UnbornError struct {
	Branch string
	Others []string // the branches that have commits
}

func (e *UnbornError) Error() string {
	return fmt.Sprintf("branch %s has no commits yet, and a session tag needs a commit to point at", e.Branch)
}

// ActiveError is returned by Start when the worktree already has a session.
type ActiveError struct{ State *State }

func (e *ActiveError) Error() string {
	return fmt.Sprintf("session %s (%q) is already active in this worktree", e.State.ID, e.State.Title)
}

// ConflictError is a session tag name already taken by a tag elsewhere.
type ConflictError struct {
	Tag, Commit, Existing string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("tag %s already exists on %s; it is not moved", e.Tag, gitrepo.Short(e.Existing))
}

// RecordExistsError is a record path taken by another session's record.
type RecordExistsError struct{ Path string }

func (e *RecordExistsError) Error() string {
	return fmt.Sprintf("%s already exists and is not this session's record", e.Path)
}

// IgnoredRecordError is a record that git ignores (and does not track),
// so that git add would refuse it: Rule is the exclude rule that does.
type IgnoredRecordError struct {
	Path string
	Rule gitrepo.IgnoreRule
}

func (e *IgnoredRecordError) Error() string {
	return fmt.Sprintf("the session record %s is ignored by git (%s), so it could not be committed; nothing was made", e.Path, e.Rule)
}

// PushError is a failed push after the session ended locally.
type PushError struct {
	Remote   string
	Refspecs []string
	Err      error
}

func (e *PushError) Error() string {
	return fmt.Sprintf("the session ended, but pushing to %s failed: %v", e.Remote, e.Err)
}

func (e *PushError) Unwrap() error { return e.Err }

// RemoteAheadError: end --push found commits on the remote's branch that
// HEAD lacks; nothing was archived. PushURLs is how many push URLs of its
// own the remote has (gitrepo's PushURLs): not 0, the branch was asked
// there, not at the fetch URL.
type RemoteAheadError struct {
	Remote, Ref string
	PushURLs    int
}

func (e *RemoteAheadError) Error() string {
	at := ""
	if e.PushURLs > 0 {
		at = " at its push URL"
	}
	return fmt.Sprintf("%s/%s%s has commits this branch does not; nothing was archived", e.Remote, e.Ref, at)
}

// RemoteTagError: end --push found the session's start tag on the remote
// on another commit than here; nothing was archived.
// PushURLs is as RemoteAheadError's.
type RemoteTagError struct {
	Remote, Tag, Here, There string
	PushURLs                 int
}

func (e *RemoteTagError) Error() string {
	return fmt.Sprintf("%s has tag %s on %s, and this one is on %s; nothing was archived", e.Remote, e.Tag, gitrepo.Short(e.There), gitrepo.Short(e.Here))
}
