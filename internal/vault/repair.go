package vault

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/atomicfile"
	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/filelock"
)

// JournalPath records a write of several vault files under way; it lives
// in the git dir, so it is never committed.
func JournalPath(gitDir string) string { return filepath.Join(gitDir, "verdigris", "vault.journal") }

// Pending reports whether root has a vault, or a write of one that a
// killed command left for Repair to finish (a git vault init killed
// before its key file was renamed into place leaves no key file).
func Pending(root, gitDir string) bool {
	if Exists(root) {
		return true
	}
	_, err := os.Lstat(JournalPath(gitDir))
	return err == nil
}

// Repair finishes a write a killed command left half made (some of the
// vault files renamed into place, some not: a mix every read refuses)
// and removes the temporary files killed writes left in the vault
// directory. A write it cannot finish (a rename that would fail, a temp
// file that is gone before it was renamed) is an error, and nothing is
// changed.
func Repair(ctx context.Context, root, gitDir string) error {
	return readLocked(ctx, root, gitDir, func() error { return nil })
}

// Open is the vault in root as a command that reads it sees it: Repair,
// then Load under the same hold of the lock, so that a write (a key
// rotation renames three files one after the other) is never met half
// made: it waits for the read, or the read for it. A secret a merge
// left with more than one line is then looked up in history
// (resolveMerges), which needs no lock: commits do not change.
func Open(ctx context.Context, root, gitDir string) (*Vault, error) {
	var v *Vault
	err := readLocked(ctx, root, gitDir, func() (err error) {
		v, err = Load(root)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := v.resolveMerges(ctx, openGitHistory(ctx, root)); err != nil {
		return nil, err
	}
	return v, nil
}

// readLocked runs read, which reads the vault files, under the vault's
// lock, once repair has finished an interrupted write. Where the lock
// cannot be taken at all (a repository mounted read-only, another
// user's) and there is no such write, read runs without it: a write
// under way there, which no one can make, would be a mix read refuses,
// never misreads.
func readLocked(ctx context.Context, root, gitDir string, read func() error) error {
	if !Pending(root, gitDir) {
		return read()
	}
	l, err := acquire(ctx, gitDir)
	if err != nil && !errors.Is(err, filelock.ErrBusy) {
		if _, jerr := os.Lstat(JournalPath(gitDir)); errors.Is(jerr, fs.ErrNotExist) {
			return read()
		}
		return &ReadError{Msg: fmt.Sprintf("an interrupted vault write is to be finished, and the vault's write lock cannot be taken: %v", err),
			Hint: fmt.Sprintf("run a git vault command where you can write to %s (as its owner, or with the repository writable) to finish it", filepath.Dir(LockPath(gitDir)))}
	}
	if err != nil {
		return lockError(ctx, gitDir, err)
	}
	defer l.Unlock()
	if err := repair(root, gitDir); err != nil {
		return err
	}
	return read()
}

// repair is Repair under the lock.
func repair(root, gitDir string) error {
	allow := func(s atomicfile.Step) error { return checkStep(root, gitDir, s) }
	if _, err := atomicfile.Recover(JournalPath(gitDir), allow); err != nil {
		var re *ReadError
		if errors.As(err, &re) {
			return err
		}
		return journalError(gitDir, "an interrupted vault write cannot be finished", err)
	}
	// What is left is from writes killed before their journal: never used.
	// With no vault, those of an init so killed, which the init run next
	// (this one's caller) would otherwise leave for its own hint, 'git
	// add .verdigris/vault', to commit.
	for _, name := range vaultFiles {
		atomicfile.RemoveLeftovers(Path(root, name))
	}
	return nil
}

// journalError is a journal Repair cannot finish: every command fails on
// it until it is dealt with. A temp file that is gone (or changed), or a
// corrupt journal, cannot be fixed: the write can only be discarded.
func journalError(gitDir, what string, err error) error {
	hint := "fix that, or " + DiscardHint(gitDir)
	var lost *atomicfile.LostError
	var corrupt *atomicfile.CorruptError
	if errors.As(err, &lost) || errors.As(err, &corrupt) {
		hint = DiscardHint(gitDir)
	}
	return &ReadError{Msg: fmt.Sprintf("%s: %v", what, err), Hint: hint}
}

// DiscardHint says how to give up an interrupted write that cannot be
// finished, or whose finished vault is not readable.
func DiscardHint(gitDir string) string {
	return fmt.Sprintf("remove %s, then restore the vault from a trusted commit: git checkout -- %s", JournalPath(gitDir), Dir)
}

// Interrupted is a vault write a killed command left half made, as its
// journal records it: the next command's Repair finishes it.
type Interrupted struct {
	root string
	from map[string]string // vault file → the temp file Repair renames over it

	discarded bool // nothing is left of the write: Repair removes its journal
}

// Discarded reports that nothing is left of the write (killed before its
// first rename, its temp files removed since): Repair discards it,
// leaving the vault as it is.
func (w *Interrupted) Discarded() bool { return w.discarded }

// InspectRepair reads, changing nothing and without the write lock, the
// write a killed command left for Repair to finish: nil when there is
// none. The error (a *ReadError) says why Repair cannot finish it.
func InspectRepair(root, gitDir string) (*Interrupted, error) {
	steps, found, err := atomicfile.ReadJournal(JournalPath(gitDir))
	if !found {
		return nil, nil
	}
	if err != nil {
		return nil, journalError(gitDir, "the journal of an interrupted vault write cannot be read", err)
	}
	for _, s := range steps {
		if err := checkStep(root, gitDir, s); err != nil {
			return nil, err
		}
	}
	w := &Interrupted{root: root, from: map[string]string{}}
	if atomicfile.Abandoned(steps) {
		w.discarded = true
		return w, nil
	}
	for _, s := range steps {
		made, err := s.Check()
		if err != nil {
			return nil, journalError(gitDir, "an interrupted vault write cannot be finished", err)
		}
		if name, ok := vaultFile(root, s.Target); ok && !made {
			w.from[name] = s.Temp
		}
	}
	return w, nil
}

// checkStep refuses a step of a journal that is not a rename a vault
// write makes: one of the vault's temp files over its vault file, both
// in root's vault directory. Whoever can write to the git dir can craft a
// journal, and a corrupted one can name anything: Repair must never
// rename a file elsewhere (a temp file over a git hook, a file of $HOME
// over another). The journal is kept: it can only be discarded.
func checkStep(root, gitDir string, s atomicfile.Step) error {
	name, ok := "", filepath.IsAbs(s.Temp) && filepath.IsAbs(s.Target) &&
		filepath.Clean(s.Temp) == s.Temp && filepath.Clean(s.Target) == s.Target &&
		filepath.Dir(s.Temp) == filepath.Dir(s.Target)
	if ok {
		name, ok = vaultFile(root, s.Target)
	}
	if ok {
		temp := filepath.Base(s.Temp)
		prefix := "." + name + ".tmp-"
		ok = strings.HasPrefix(temp, prefix) && len(temp) > len(prefix)
	}
	if ok {
		return nil
	}
	return &ReadError{
		Msg:  fmt.Sprintf("the journal of an interrupted vault write renames what is not a file of the vault in %s: %s over %s", Dir, cli.Printable(s.Temp), cli.Printable(s.Target)),
		Hint: DiscardHint(gitDir),
	}
}

// vaultFile names the vault file of root that path is, if it is one.
func vaultFile(root, path string) (string, bool) {
	name := filepath.Base(path)
	if !slices.Contains(vaultFiles, name) {
		return "", false
	}
	dir, want := filepath.Dir(path), filepath.Join(root, Dir)
	if filepath.Clean(dir) == filepath.Clean(want) {
		return name, true
	}
	// The same directory by another name (a symbolic link on the way).
	a, err1 := os.Stat(dir)
	b, err2 := os.Stat(want)
	return name, err1 == nil && err2 == nil && os.SameFile(a, b)
}

// StrayTempFiles lists, changing nothing, the temporary files in root's
// vault directory (relative to root) that writes killed before their
// journal left: untracked files nothing uses, which the next git vault
// command removes. The temp files of an interrupted write its journal
// records are not among them. (A write under way has temp files too.)
func StrayTempFiles(root, gitDir string) []string {
	journaled := map[string]bool{}
	steps, _, err := atomicfile.ReadJournal(JournalPath(gitDir))
	if err != nil {
		return nil // any of them may be the journal's: Repair keeps them
	}
	for _, s := range steps {
		journaled[filepath.Base(s.Temp)] = true
	}
	var out []string
	for _, name := range vaultFiles {
		for _, t := range atomicfile.Leftovers(Path(root, name)) {
			if !journaled[filepath.Base(t)] {
				out = append(out, filepath.Join(Dir, filepath.Base(t)))
			}
		}
	}
	sort.Strings(out)
	return out
}

// Files are the vault files Repair will replace, sorted.
func (w *Interrupted) Files() []string {
	var out []string
	for name := range w.from {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Load reads the vault as Repair will leave it, changing nothing (Load).
func (w *Interrupted) Load() (*Vault, error) { return load(w.root, w.from) }
