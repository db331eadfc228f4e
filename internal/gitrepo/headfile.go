package gitrepo

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
)

// HeadFromFiles reads the commit HEAD names from the git directory's files
// alone (HEAD, the loose refs, packed-refs), without git or go-git: what a
// search, whose whole budget is a few milliseconds, needs to tell whether
// the index has seen HEAD. ok is false whenever it cannot be sure: an
// unborn branch, a ref store it does not read (reftable), a symbolic ref
// chain too long.
func (r *Repo) HeadFromFiles() (hash string, ok bool) {
	data, err := os.ReadFile(filepath.Join(r.GitDir, "HEAD"))
	if err != nil {
		return "", false
	}
	v := strings.TrimSpace(string(data))
	// git follows at most five levels of symbolic refs.
	for range 5 {
		name, symbolic := strings.CutPrefix(v, "ref: ")
		if !symbolic {
			return v, isObjectID(v)
		}
		if v, ok = r.refFromFiles(strings.TrimSpace(name)); !ok {
			return "", false
		}
	}
	return "", false
}

// refFromFiles reads a ref's value (an object id, or "ref: " and another
// ref) from its loose file, else from packed-refs.
func (r *Repo) refFromFiles(name string) (string, bool) {
	if !strings.HasPrefix(name, "refs/") || strings.Contains(name, "..") {
		return "", false
	}
	// These refs are each worktree's own; the others are shared.
	dir := r.CommonDir
	for _, own := range []string{"refs/worktree/", "refs/bisect/", "refs/rewritten/"} {
		if strings.HasPrefix(name, own) {
			dir = r.GitDir
		}
	}
	if data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))); err == nil {
		return strings.TrimSpace(string(data)), true
	}
	packed, err := os.ReadFile(filepath.Join(r.CommonDir, "packed-refs"))
	if err != nil {
		return "", false
	}
	// Lines are "<id> <name>", a peeled tag's "^<id>" after its own.
	suffix := []byte(" " + name)
	for line := range bytes.Lines(packed) {
		line = bytes.TrimRight(line, "\r\n")
		if id, found := bytes.CutSuffix(line, suffix); found && isObjectID(string(id)) {
			return string(id), true
		}
	}
	return "", false
}

// isObjectID: a full SHA-1 or SHA-256 object id in hex.
func isObjectID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
