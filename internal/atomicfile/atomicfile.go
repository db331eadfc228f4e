// Package atomicfile writes files so that readers see the old content or the
// new, never a mix: a temporary file in the same directory, synced, then
// renamed over the target.
package atomicfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Write replaces path with data. perm applies to a new file; an existing
// file's mode is kept.
func Write(path string, data []byte, perm os.FileMode) error {
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
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	ok = true
	// Make the rename itself durable.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// RemoveLeftovers removes the temporary files that writes of path killed
// before their rename left beside it (untracked files in a worktree, a
// 'git add -A' away from being committed). The caller holds the lock the
// writes of path are made under, so none of them is still being written.
func RemoveLeftovers(path string) {
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*"))
	for _, t := range left {
		os.Remove(t)
	}
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

// WriteAllLogged is WriteAll for files that are only valid together (a
// killed WriteAll leaves some renamed and some not): once every temp file
// is written and synced, the renames to come are recorded in journal (a
// path outside the directories written, such as in the git dir), made,
// and the journal removed. Recover finishes what a killed run left.
func WriteAllLogged(journal string, files []File) error {
	return writeAll(journal, files)
}

// Step is one rename a journal records: Temp over Target.
type Step struct {
	Temp   string `json:"temp"`
	Target string `json:"target"`
}

func writeAll(journal string, files []File) error {
	var tmps []string
	defer func() {
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
			steps[i] = Step{Temp: tmps[i], Target: f.Path}
		}
		data, err := json.Marshal(steps)
		if err != nil {
			return err
		}
		if err := Write(journal, data, 0o600); err != nil {
			return err
		}
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

// Recover finishes the renames a killed WriteAllLogged recorded in
// journal (the temp files are complete: they were synced before it was
// written). done reports that there was one. The caller holds the lock
// the writes were made under.
func Recover(journal string) (done bool, err error) {
	steps, found, err := ReadJournal(journal)
	if !found || err != nil {
		return found, err
	}
	var files []File
	for _, s := range steps {
		if err := os.Rename(s.Temp, s.Target); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return true, err
		}
		files = append(files, File{Path: s.Target})
	}
	syncDirs(files)
	return true, os.Remove(journal)
}

// ReadJournal reads, changing nothing, the renames a killed
// WriteAllLogged recorded in journal: the ones Recover makes. found
// reports that there is a journal; a journal torn while being written
// has no steps (nothing was renamed yet: Recover only removes it).
func ReadJournal(journal string) (steps []Step, found bool, err error) {
	data, err := os.ReadFile(journal)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	if err := json.Unmarshal(data, &steps); err != nil {
		return nil, true, nil
	}
	return steps, true, nil
}

// Check reports, changing nothing, how Recover will find s: made when
// its temp file is gone (renamed before the kill; Recover skips it), and
// an error saying why when Recover cannot make the rename.
func (s Step) Check() (made bool, err error) {
	fi, err := os.Lstat(s.Temp)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if fi.IsDir() {
		return false, fmt.Errorf("%s is a directory, not a file", s.Temp)
	}
	if ti, err := os.Stat(s.Target); err == nil && ti.IsDir() {
		return false, fmt.Errorf("%s is a directory, not a file", s.Target)
	}
	for _, dir := range []string{filepath.Dir(s.Temp), filepath.Dir(s.Target)} {
		if err := syscall.Access(dir, 2 /* W_OK */); err != nil {
			return false, &fs.PathError{Op: "rename in", Path: dir, Err: err}
		}
	}
	return false, nil
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
