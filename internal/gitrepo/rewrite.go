package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// HeadReflogMessage is the message of the newest entry of this worktree's
// HEAD reflog ("commit (amend): SUBJECT", "rebase (pick): SUBJECT"), read
// from the file without starting git; ok is false when there is no reflog
// (core.logAllRefUpdates off) or it cannot be read. A post-commit hook
// tells an amend from a new commit by it: git writes the entry before it
// runs the hook.
func (r *Repo) HeadReflogMessage() (msg string, ok bool) {
	f, err := os.Open(filepath.Join(r.GitDir, "logs", "HEAD"))
	if err != nil {
		return "", false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", false
	}
	// The last entry is one line; a few KiB from the end hold it.
	const tail = 8 << 10
	off := max(fi.Size()-tail, 0)
	buf := make([]byte, fi.Size()-off)
	if _, err := f.ReadAt(buf, off); err != nil && !errors.Is(err, io.EOF) {
		return "", false
	}
	buf = bytes.TrimRight(buf, "\n")
	if i := bytes.LastIndexByte(buf, '\n'); i >= 0 {
		buf = buf[i+1:]
	} else if off > 0 {
		return "", false // one entry longer than the tail: not ours to guess
	}
	_, m, found := strings.Cut(string(buf), "\t")
	if !found {
		return "", false
	}
	return m, true
}

// DeleteTag deletes the tag name, only while it still leads to commit: a
// tag moved or replaced since the caller looked is left alone (an error
// says so).
func (r *Repo) DeleteTag(ctx context.Context, name, commit string) error {
	ref := "refs/tags/" + name
	// The trailing "--" makes both names revisions, never paths.
	out, err := r.Git(ctx, "rev-parse", ref, ref+"^{commit}", "--")
	if err != nil {
		return err
	}
	f := strings.Fields(out) // the two hashes, then the "--" echoed
	if len(f) < 2 {
		return fmt.Errorf("git rev-parse %s: unexpected output %q", ref, out)
	}
	if f[1] != commit {
		return fmt.Errorf("tag %s is on %s now, not on %s; left as it is", name, Short(f[1]), Short(commit))
	}
	// The old value makes the delete fail if the tag changes meanwhile.
	_, err = r.Git(ctx, "update-ref", "-d", ref, f[0])
	return err
}
