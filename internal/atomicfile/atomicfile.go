// Package atomicfile writes files so that readers see the old content or the
// new, never a mix: a temporary file in the same directory, synced, then
// renamed over the target.
package atomicfile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

// WriteAllLogged is WriteAll for files that are only valid together (a
// killed WriteAll leaves some renamed and some not): once every temp file
// is written and synced, the renames to come are recorded in journal (a
// path outside the directories written, such as in the git dir), made,
// and the journal removed. Recover finishes what a killed run left.
func WriteAllLogged(journal string, files []File) error {
	return writeAll(journal, files)
}

// Step is one rename a journal records: Temp over Target. SHA256 is the
// hex SHA-256 of the content written to Temp: it tells a rename made
// before the kill (Target holds that content) from a temp file removed
// since (git clean -fdx removes untracked files) before it was renamed.
// Journals written before it was recorded have none.
type Step struct {
	Temp   string `json:"temp"`
	Target string `json:"target"`
	SHA256 string `json:"sha256,omitempty"`
}

// Digest is the SHA256 a Step records for data.
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// LostError is a rename a journal records that Recover can neither make
// nor take for made: its temp file is gone while its target does not
// hold the content recorded for it, or (Changed) the temp file no longer
// holds that content. The write cannot be finished.
type LostError struct {
	Temp, Target string
	Changed      bool
}

func (e *LostError) Error() string {
	if e.Changed {
		return fmt.Sprintf("%s no longer holds what was written to it", e.Temp)
	}
	return fmt.Sprintf("%s is gone before it was renamed over %s (removed by 'git clean'?)", e.Temp, e.Target)
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

// Recover finishes the renames a killed WriteAllLogged recorded in
// journal (the temp files are complete: they were synced before it was
// written). done reports that there was one. Every step is checked
// (Check) before anything is renamed: when one cannot be finished (a
// *LostError among others), Recover changes nothing and keeps the
// journal. The caller holds the lock the writes were made under.
func Recover(journal string) (done bool, err error) {
	steps, found, err := ReadJournal(journal)
	if !found || err != nil {
		return found, err
	}
	made := make([]bool, len(steps))
	for i, s := range steps {
		if made[i], err = s.Check(); err != nil {
			return true, err
		}
	}
	var files []File
	for i, s := range steps {
		if !made[i] {
			if err := os.Rename(s.Temp, s.Target); err != nil {
				return true, err
			}
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
// the rename was made before the kill (its temp file is gone and its
// target holds the content the journal recorded; Recover skips it), and
// an error saying why when Recover cannot make the rename: a *LostError
// when the temp file is gone and the target does not hold that content,
// or the temp file holds another. A step of a journal that recorded no
// content (written before digests were) is made when its temp file is
// gone, as nothing tells otherwise.
func (s Step) Check() (made bool, err error) {
	fi, err := os.Lstat(s.Temp)
	if errors.Is(err, fs.ErrNotExist) {
		if s.SHA256 == "" {
			return true, nil
		}
		if ok, _ := holds(s.Target, s.SHA256); ok {
			return true, nil
		}
		return false, &LostError{Temp: s.Temp, Target: s.Target}
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
	if s.SHA256 != "" {
		ok, err := holds(s.Temp, s.SHA256)
		if err != nil {
			return false, err
		}
		if !ok {
			return false, &LostError{Temp: s.Temp, Target: s.Target, Changed: true}
		}
	}
	for _, dir := range []string{filepath.Dir(s.Temp), filepath.Dir(s.Target)} {
		if err := syscall.Access(dir, 2 /* W_OK */); err != nil {
			return false, &fs.PathError{Op: "rename in", Path: dir, Err: err}
		}
	}
	return false, nil
}

// holds reports whether path is a regular file whose content has the
// digest sum; the error is one reading it.
func holds(path, sum string) (bool, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return false, err
	}
	if !fi.Mode().IsRegular() {
		return false, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false, err
	}
	return hex.EncodeToString(h.Sum(nil)) == sum, nil
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
