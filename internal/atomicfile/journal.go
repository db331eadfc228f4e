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
	"syscall"
)

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

// Recover finishes the renames a killed WriteAllLogged recorded in
// journal (the temp files are complete: they were synced before it was
// written). done reports that there was one. A write nothing is left of
// (Abandoned) is discarded: the journal is removed. Every step is checked
// before anything is renamed, first by allow (a journal is a file anyone
// who can write beside it can craft, or a disk can corrupt: allow refuses
// a step that is not one of the caller's writes, such as a file outside
// the directories it writes), then by Check: when one is refused or
// cannot be finished (a *LostError among others), Recover changes
// nothing and keeps the journal. The caller holds the lock the writes
// were made under. A journal of its own that a write killed before
// renaming it left as a temp file (no rename was made) is removed.
func Recover(journal string, allow func(Step) error) (done bool, err error) {
	RemoveLeftovers(journal)
	steps, found, err := ReadJournal(journal)
	if !found || err != nil {
		return found, err
	}
	for _, s := range steps {
		if err := allow(s); err != nil {
			return true, err
		}
	}
	if Abandoned(steps) {
		return true, os.Remove(journal)
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

// Abandoned reports, changing nothing, whether nothing is left of the
// write steps record: every temp file is gone and no target holds what
// was written to it (killed before its first rename, its temp files then
// removed: git clean -fdx removes untracked files). The targets are as
// they were before it, or as someone has made them since; Recover
// discards such a write (its journal) rather than refuse it, as the
// only way to refuse it left is to throw away what the targets hold.
func Abandoned(steps []Step) bool {
	for _, s := range steps {
		_, err := s.Check()
		var lost *LostError
		if !errors.As(err, &lost) || lost.Changed {
			return false
		}
	}
	return len(steps) > 0
}

// ReadJournal reads, changing nothing, the renames a killed
// WriteAllLogged recorded in journal: the ones Recover makes. found
// reports that there is a journal. A journal is written whole (a temp
// file renamed into place), so a kill cannot tear it: one that does not
// parse was corrupted, and is an error: what it recorded is unknown, and
// the temp files it named may hold the only copy of what renames already
// made need.
func ReadJournal(journal string) (steps []Step, found bool, err error) {
	data, err := os.ReadFile(journal)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	if err := json.Unmarshal(data, &steps); err != nil || steps == nil {
		if err == nil {
			err = errors.New("not a list of renames")
		}
		return nil, true, &CorruptError{Journal: journal, Err: err}
	}
	return steps, true, nil
}

// CorruptError is a journal that does not parse (ReadJournal): it can
// only be discarded.
type CorruptError struct {
	Journal string
	Err     error
}

func (e *CorruptError) Error() string { return fmt.Sprintf("%s is corrupt: %v", e.Journal, e.Err) }

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
