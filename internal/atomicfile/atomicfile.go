// Package atomicfile writes files so that readers see the old content or the
// new, never a mix: a temporary file in the same directory, synced, then
// renamed over the target.
package atomicfile

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
)

// Write replaces path with data. perm applies to a new file; an existing
// file's mode is kept.
func Write(path string, data []byte, perm os.FileMode) error {
	return WriteParts(path, [][]byte{data}, perm, true)
}

// WriteParts replaces path with the parts one after the other, so that a
// large file need not be joined in memory first. Without durable, nothing
// is synced: a reader still sees the old content or the new, but a power
// cut may leave neither, which suits a file that can be made again (a
// cache); a write killed before its rename leaves a temp file for
// RemoveLeftovers either way.
func WriteParts(path string, parts [][]byte, perm os.FileMode, durable bool) error {
	if fi, err := os.Stat(path); err == nil {
		perm = fi.Mode().Perm()
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	w := bufio.NewWriterSize(tmp, 1<<20)
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if durable {
		if err := tmp.Sync(); err != nil {
			return err
		}
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	ok = true
	if durable {
		// Make the rename itself durable.
		if d, err := os.Open(dir); err == nil {
			_ = d.Sync()
			d.Close()
		}
	}
	return nil
}

// CanWrite tells, leaving nothing behind, whether Write could replace
// path: it makes and removes the temporary file Write would make beside
// it, which is where a read-only directory or file system, or a name too
// long for the temporary file, makes Write fail (for root too, which the
// permission bits would not tell).
func CanWrite(path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp.Close()
	os.Remove(tmp.Name())
	return nil
}

// RemoveLeftovers removes the temporary files that writes of path killed
// before their rename left beside it (untracked files in a worktree, a
// 'git add -A' away from being committed). The caller holds the lock the
// writes of path are made under, so none of them is still being written.
func RemoveLeftovers(path string) {
	for _, t := range Leftovers(path) {
		os.Remove(t)
	}
}

// Leftovers lists, changing nothing, the temporary files beside path that
// its writes make (RemoveLeftovers): those of a write under way, or left
// by a killed one.
func Leftovers(path string) []string {
	dir, prefix := filepath.Dir(path), "."+filepath.Base(path)+".tmp-"
	ents, _ := os.ReadDir(dir)
	var left []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), prefix) {
			left = append(left, filepath.Join(dir, e.Name()))
		}
	}
	return left
}

// File is one file of a WriteAll.
type File struct {
	Path string
	Data []byte
	Perm os.FileMode
}

// WriteAll replaces several files as close to together as the file system
// allows: every new content is written and synced to a temp file first, so
// a full disk or a permission problem fails before any file changes; only
// then are the temp files renamed over their targets, in order.
func WriteAll(files []File) error {
	return writeAll("", files)
}

func writeAll(journal string, files []File) error {
	var tmps []string
	journaled := false
	defer func() {
		if journaled {
			// The temp files not yet renamed are the journal's now:
			// Recover renames them.
			return
		}
		for _, t := range tmps {
			if t != "" {
				os.Remove(t)
			}
		}
	}()
	for _, f := range files {
		perm := f.Perm
		if fi, err := os.Stat(f.Path); err == nil {
			perm = fi.Mode().Perm()
		}
		tmp, err := os.CreateTemp(filepath.Dir(f.Path), "."+filepath.Base(f.Path)+".tmp-*")
		if err != nil {
			return err
		}
		tmps = append(tmps, tmp.Name())
		err = tmp.Chmod(perm)
		if err == nil {
			_, err = tmp.Write(f.Data)
		}
		if err == nil {
			err = tmp.Sync()
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	if journal != "" {
		steps := make([]Step, len(files))
		for i, f := range files {
			steps[i] = Step{Temp: tmps[i], Target: f.Path, SHA256: Digest(f.Data)}
		}
		data, err := json.Marshal(steps)
		if err != nil {
			return err
		}
		if err := Write(journal, data, 0o600); err != nil {
			return err
		}
		journaled = true
	}
	for i, f := range files {
		if err := os.Rename(tmps[i], f.Path); err != nil {
			return err
		}
		tmps[i] = ""
	}
	syncDirs(files)
	if journal != "" {
		return os.Remove(journal)
	}
	return nil
}

// syncDirs makes the renames into the files' directories durable.
func syncDirs(files []File) {
	dirs := map[string]bool{}
	for _, f := range files {
		dirs[filepath.Dir(f.Path)] = true
	}
	for dir := range dirs {
		if d, err := os.Open(dir); err == nil {
			_ = d.Sync()
			d.Close()
		}
	}
}
