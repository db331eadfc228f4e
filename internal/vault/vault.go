// Package vault is git vault: team secrets encrypted with age and committed
// to the repository (.verdigris/vault/), injected into commands and CI steps
// without landing in argv, logs or temp files, a guard against pushing them,
// and an ssh-agent-like holder of the unlocked identity. The file format and
// its threat analysis are in docs/vault-format.md.
package vault

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/verdigris-dev/verdigris/internal/atomicfile"
	"github.com/verdigris-dev/verdigris/internal/filelock"
)

// Dir is the vault's directory in a worktree.
const Dir = ".verdigris/vault"

// File names inside Dir.
const (
	RecipientsFile = "recipients"
	KeyFileName    = "key"
	SecretsName    = "secrets"
	attributesFile = ".gitattributes"
)

// vaultFiles are the files of a vault directory.
var vaultFiles = []string{SecretsName, KeyFileName, RecipientsFile, attributesFile}

// The secrets file merges with git's built-in union driver: two branches
// that add different secrets both keep their lines even when git would see
// the additions as touching the same hunk. Each line is self-contained and
// authenticated, so a union can only produce a duplicate name, which is
// reported when that secret is read.
const attributes = "# Each secret is one self-contained line: keep both sides' lines on merge.\nsecrets merge=union\n"

// Vault is a loaded vault.
type Vault struct {
	Root       string // worktree root
	Recipients []*Recipient
	Key        *KeyFile
	Secrets    *SecretsFile

	recipientsRaw []byte
	keyRaw        []byte

	// merged is what history says of each secret a merge left with
	// more than one line (resolveMerges).
	merged map[string]*mergeVerdict
}

// ErrNoVault: the worktree has no vault.
var ErrNoVault = errors.New("no vault in this repository")

// Path is a file of the vault in root.
func Path(root, name string) string { return filepath.Join(root, Dir, name) }

// Exists reports whether root has a vault.
func Exists(root string) bool {
	_, err := os.Stat(Path(root, KeyFileName))
	return err == nil
}

// Load reads and parses every vault file. It checks the structure only;
// authenticity is checked when a key opens it (or by Verify).
func Load(root string) (*Vault, error) { return load(root, nil) }

// load is Load reading a file from the path from gives it (the temp file
// an interrupted write renames over it), else from its place.
func load(root string, from map[string]string) (*Vault, error) {
	read := func(name string) ([]byte, error) {
		if p, ok := from[name]; ok {
			return readVaultFile(p)
		}
		return readVaultFile(Path(root, name))
	}
	v := &Vault{Root: root}
	var err error
	if v.keyRaw, err = read(KeyFileName); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, ErrNoVault
		}
		return nil, unreadable(KeyFileName, err)
	}
	if v.Key, err = ParseKeyFile(v.keyRaw); err != nil {
		return nil, &ReadError{Msg: fmt.Sprintf("%s/%s: %v", Dir, KeyFileName, err), Hint: "restore it from a trusted commit (git log -- .verdigris/vault)"}
	}
	if v.recipientsRaw, err = read(RecipientsFile); err != nil {
		return nil, unreadable(RecipientsFile, err)
	}
	if v.Recipients, err = ParseRecipients(v.recipientsRaw); err != nil {
		return nil, &ReadError{Msg: fmt.Sprintf("%s/%s: %v", Dir, RecipientsFile, err), Hint: "fix the line, or restore the file with 'git checkout -- .verdigris/vault/recipients'"}
	}
	if v.Secrets, err = loadSecrets(root, read); err != nil {
		return nil, err
	}
	return v, nil
}

// unreadable is a vault file that is missing (beside the others) or
// cannot be read.
func unreadable(name string, err error) error {
	what := "cannot be read"
	var pe *fs.PathError
	if errors.Is(err, fs.ErrNotExist) {
		what = "is missing"
	} else if errors.As(err, &pe) {
		if fi, serr := os.Stat(pe.Path); serr == nil && fi.IsDir() {
			what = "is a directory, not a file"
		} else {
			what = "cannot be read: " + pe.Err.Error()
		}
	}
	return &ReadError{Msg: fmt.Sprintf("%s/%s %s", Dir, name, what), Hint: "restore it from a trusted commit: git checkout -- " + Dir + "/" + name}
}

// LoadSecrets reads only the secrets file: names and env names need no key.
func LoadSecrets(root string) (*SecretsFile, error) {
	return loadSecrets(root, func(name string) ([]byte, error) { return readVaultFile(Path(root, name)) })
}

// readVaultFile reads a vault file as git stores it: with core.autocrlf
// (Git for Windows' default) or an eol=crlf attribute, git checks the
// files out with CRLF line ends, but they were written, signed and
// committed with LF ones. Every format is line-based and a value never
// holds a raw line break, so turning CRLF back into LF changes nothing
// else; a lone CR stays and is refused by the parsers.
func readVaultFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil || !bytes.Contains(data, []byte("\r\n")) {
		return data, err
	}
	return bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), nil
}

func loadSecrets(root string, read func(name string) ([]byte, error)) (*SecretsFile, error) {
	data, err := read(SecretsName)
	if errors.Is(err, fs.ErrNotExist) {
		if !Exists(root) {
			return nil, ErrNoVault
		}
		return &SecretsFile{}, nil
	}
	if err != nil {
		return nil, unreadable(SecretsName, err)
	}
	sf, err := ParseSecrets(data)
	if nf := (*NewerFormatError)(nil); errors.As(err, &nf) {
		return nil, &ReadError{Msg: fmt.Sprintf("%s/%s: %v", Dir, SecretsName, err), Hint: "upgrade verdigris to a release that reads it (git vault --version shows this one)"}
	}
	if err != nil {
		return nil, &ReadError{Msg: fmt.Sprintf("%s/%s: %v", Dir, SecretsName, err), Hint: "resolve the merge or restore the file from a trusted commit"}
	}
	return sf, nil
}

// Verify checks the key file against the recipients file without any
// private key (signature, recipient set).
func (v *Vault) Verify() error { return verifyKeyFile(v.Key, v.Recipients) }

// Entry returns the one entry named name.
func (v *Vault) Entry(name string) (Entry, error) {
	es := v.lines(name)
	switch len(es) {
	case 0:
		hint := v.Secrets.Meant(name)
		if hint == "" {
			hint = "list the secrets with 'git vault ls'"
		}
		return Entry{}, &ReadError{Msg: fmt.Sprintf("no secret named %s", nameShown(name)), Hint: hint}
	case 1:
		return es[0], nil
	}
	why, shallow := v.doubled(name)
	return Entry{}, &ReadError{Msg: fmt.Sprintf("secret %s appears %d times (%s)", name, len(es), why), Hint: ChooseHint(name, shallow)}
}

// Unshallow is the other way to settle a doubled secret in a shallow
// clone, whose history stops before the commits that tell which value
// replaced the other.
const Unshallow = "fetch the history that tells which replaced the other (git fetch --unshallow)"

// ChooseHint says how to settle the doubled secret name: set it, or in
// a shallow clone fetch the history that may settle it.
func ChooseHint(name string, shallow bool) string {
	hint := fmt.Sprintf("choose its value with 'git vault set %s'", name)
	if shallow {
		hint += ", or " + Unshallow
	}
	return hint
}

// doubled says why a merge left name with more than one value that
// counts, and whether the clone is too shallow to tell: what get and run
// say, and ls and doctor with them, so that each names the same cause.
func (v *Vault) doubled(name string) (why string, shallow bool) {
	m := v.merged[name]
	if m != nil && m.uncommitted {
		return "a merge kept both versions, and one of them is in no commit, so history cannot tell which replaced the other", false
	}
	return "a merge kept both branches' versions", m != nil && m.shallow
}

// Doubled is a secret that a merge left with more than one value, which
// get, run and export refuse until it is set again.
type Doubled struct {
	Name   string
	Values int
	Why    string // as get says it: "a merge kept both branches' versions"
	// Shallow: this clone's history stops before the commits that
	// could tell which value replaced the other (Unshallow).
	Shallow bool
}

// Doubled lists the secrets a merge left with more than one value, in
// file order, after history has settled those one branch alone changed
// (as a read does). It asks git only when a secret has two lines.
func (v *Vault) Doubled(ctx context.Context) ([]Doubled, error) {
	if err := v.resolveMerges(ctx, openGitHistory(ctx, v.Root)); err != nil {
		return nil, err
	}
	var out []Doubled
	seen := map[string]bool{}
	for _, e := range v.Secrets.Entries {
		if seen[e.Name] {
			continue
		}
		seen[e.Name] = true
		if n := len(v.lines(e.Name)); n > 1 {
			why, shallow := v.doubled(e.Name)
			out = append(out, Doubled{Name: e.Name, Values: n, Why: why, Shallow: shallow})
		}
	}
	return out, nil
}

// lines are name's entries as they count after a union merge: copies
// byte for byte the same (a line both branches moved when they re-sorted
// the file) once, and lines sealed under a data key that a rotation has
// replaced left out beside a line sealed under the current one: nobody
// can read them (the old key is gone), and a branch from before a
// rotation would otherwise double every secret. Stale names those. Of
// lines a merge left that history shows one replaced all the others
// (resolveMerges), that one alone counts.
func (v *Vault) lines(name string) []Entry {
	var out []Entry
	current := false
	for _, e := range v.Secrets.Lookup(name) {
		if slices.ContainsFunc(out, func(o Entry) bool { return o.same(e) }) {
			continue
		}
		current = current || e.Generation == v.Key.Generation
		out = append(out, e)
	}
	if current && len(out) > 1 {
		out = slices.DeleteFunc(out, func(e Entry) bool { return e.Generation != v.Key.Generation })
	}
	if m := v.merged[name]; m != nil && m.winner != nil && len(out) > 1 {
		return []Entry{*m.winner}
	}
	return out
}

// Lines are every secret's lines that count (see lines), in file order:
// what guard searches for, including both values of a secret two merged
// branches changed.
func (v *Vault) Lines() []Entry {
	var out []Entry
	seen := map[string]bool{}
	for _, e := range v.Secrets.Entries {
		if !seen[e.Name] {
			seen[e.Name] = true
			out = append(out, v.lines(e.Name)...)
		}
	}
	return out
}

// Stale lists the secrets that also have a line from before the last key
// rotation beside a current one (a merged branch changed or added them
// then): that line is ignored, and if its branch changed the value, the
// value must be set again.
func (v *Vault) Stale() []string {
	current, old := map[string]bool{}, map[string]bool{}
	for _, e := range v.Secrets.Entries {
		if e.Generation == v.Key.Generation {
			current[e.Name] = true
		} else {
			old[e.Name] = true
		}
	}
	var out []string
	for name := range old {
		if current[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// Listed is a secret as 'git vault ls' shows it.
type Listed struct {
	Name string `json:"name"`
	Env  string `json:"env"`
	// Conflict: the secret has more than one value (two merged branches
	// each set it), which get, run and export refuse until it is set
	// again.
	Conflict bool `json:"conflict,omitempty"`
	Values   int  `json:"-"` // how many
	// Why says, of a Conflict, what get says: why history cannot tell
	// which value replaced the other; Shallow, that fetching more of it
	// may (Unshallow).
	Why     string `json:"-"`
	Shallow bool   `json:"-"`
	// Replaced counts the lines a merge kept beside the one whose
	// commit replaced them, which reads ignore and the next write drops.
	Replaced int `json:"-"`
}

// List lists the secrets of the vault in root, sorted, needing no
// identity: each as reading it counts its lines (Vault.Entry), so a
// line a union merge kept byte for byte twice, or one from before a key
// rotation beside a current one, is not a second secret; a name with
// two values is listed once, marked (once per environment name, when
// the branches also changed that). The secrets file is all it needs:
// when the key file cannot be read, lines from before a rotation cannot
// be told and count. It finishes an interrupted write first, and reads
// under the vault's lock (Open).
func List(ctx context.Context, root, gitDir string) ([]Listed, error) {
	v := &Vault{Root: root, Key: &KeyFile{}}
	err := readLocked(ctx, root, gitDir, func() (err error) {
		if v.Secrets, err = LoadSecrets(root); err != nil {
			return err
		}
		if data, err := readVaultFile(Path(root, KeyFileName)); err == nil {
			if kf, err := ParseKeyFile(data); err == nil {
				v.Key = kf
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := v.resolveMerges(ctx, openGitHistory(ctx, root)); err != nil {
		return nil, err
	}
	sf := v.Secrets
	var names []string
	seen := map[string]bool{}
	for _, e := range sf.Entries {
		if !seen[e.Name] {
			seen[e.Name] = true
			names = append(names, e.Name)
		}
	}
	sort.Strings(names)
	out := []Listed{}
	for _, n := range names {
		es := v.lines(n)
		var envs []string
		for _, e := range es {
			if !slices.Contains(envs, e.Env) {
				envs = append(envs, e.Env)
			}
		}
		sort.Strings(envs)
		replaced := 0
		if m := v.merged[n]; m != nil && m.winner != nil {
			replaced = m.replaced
		}
		why, shallow := "", false
		if len(es) > 1 {
			why, shallow = v.doubled(n)
		}
		for _, env := range envs {
			out = append(out, Listed{Name: n, Env: env, Conflict: len(es) > 1, Values: len(es), Replaced: replaced, Why: why, Shallow: shallow})
		}
	}
	return out, nil
}

// LockPath is the lock every vault write takes: per worktree, since each
// worktree has its own vault files.
func LockPath(gitDir string) string { return filepath.Join(gitDir, "verdigris", "vault.lock") }

// Update runs fn on the freshly loaded vault under the write lock and
// writes what it changed. Nothing is written when fn fails, and all new
// contents are prepared before the first file is replaced.
func Update(ctx context.Context, root, gitDir string, fn func(v *Vault) error) error {
	l, err := lockForWrite(ctx, gitDir)
	if err != nil {
		return err
	}
	defer l.Unlock()
	if err := repair(root, gitDir); err != nil {
		return err
	}
	v, err := Load(root)
	if err != nil {
		return err
	}
	if err := v.resolveMerges(ctx, openGitHistory(ctx, root)); err != nil {
		return err
	}
	// A write keeps the lines that count: no copy of a line a merge
	// doubled, none nobody can read beside a current one (a rotation
	// would fail on those), none a line history shows replaced it.
	v.Secrets.Entries = v.Lines()
	if err := fn(v); err != nil {
		return err
	}
	return v.write(gitDir, false)
}

// lockWait is how long a command waits for another that holds the
// vault's write lock: a write takes milliseconds, so one held longer is a
// command stopped (Ctrl-Z) or stuck, and waiting on would hang this one
// (and the pre-push hook's guard) for as long.
var lockWait = 10 * time.Second

// lockForWrite takes the lock every vault write (and repair) holds.
func lockForWrite(ctx context.Context, gitDir string) (*filelock.Lock, error) {
	l, err := acquire(ctx, gitDir)
	if err != nil {
		return nil, lockError(ctx, gitDir, err)
	}
	return l, nil
}

// acquire takes the vault's write lock, waiting up to lockWait for
// another command holding it; filelock.ErrBusy when that ran out or ctx
// was cancelled.
func acquire(ctx context.Context, gitDir string) (*filelock.Lock, error) {
	wctx, cancel := context.WithTimeout(ctx, lockWait)
	defer cancel()
	return filelock.Acquire(wctx, LockPath(gitDir))
}

// lockError says why the write lock was not taken: busy is another
// command holding it all the while this one waited, or Ctrl-C while it
// waited; anything else is a lock nobody can take here (a repository
// mounted read-only, another user's), not a writer in the way.
func lockError(ctx context.Context, gitDir string, err error) error {
	if errors.Is(err, filelock.ErrBusy) && ctx.Err() != nil {
		return &ReadError{Msg: "interrupted while waiting for another git vault command to finish writing the vault; nothing was changed",
			Hint: "run it again once the other command has finished", Interrupted: true}
	}
	if errors.Is(err, filelock.ErrBusy) {
		return &ReadError{Msg: fmt.Sprintf("another git vault command has been writing the vault for over %v (it holds %s)", lockWait, LockPath(gitDir)),
			Hint: "let it finish, then run this one again (a git vault command stopped with Ctrl-Z holds the vault until 'fg' resumes it); nothing was changed"}
	}
	return &ReadError{Msg: fmt.Sprintf("cannot take the vault's write lock: %v", err),
		Hint: fmt.Sprintf("writing the vault needs write access to %s; reading it does not", filepath.Dir(LockPath(gitDir)))}
}

// write saves the vault's files; changed files only unless all. They are
// only valid together, so the renames are journaled (Repair).
func (v *Vault) write(gitDir string, all bool) error {
	var files []atomicfile.File
	add := func(name string, data []byte, old []byte) {
		if all || string(data) != string(old) {
			files = append(files, atomicfile.File{Path: Path(v.Root, name), Data: data, Perm: 0o644})
		}
	}
	oldSecrets, _ := os.ReadFile(Path(v.Root, SecretsName))
	// A mix of old and new files (a crash between renames) is refused at
	// read time (generation or recipients digest mismatch), never misread,
	// and the journal lets the next command finish the renames.
	add(SecretsName, v.Secrets.Format(), oldSecrets)
	add(KeyFileName, v.Key.Format(), v.keyRaw)
	add(RecipientsFile, FormatRecipients(v.Recipients), v.recipientsRaw)
	if all {
		add(attributesFile, []byte(attributes), nil)
	}
	if err := os.MkdirAll(filepath.Dir(JournalPath(gitDir)), 0o755); err != nil {
		return writeError(gitDir, err)
	}
	if err := atomicfile.WriteAllLogged(JournalPath(gitDir), files); err != nil {
		return writeError(gitDir, err)
	}
	v.keyRaw = v.Key.Format()
	v.recipientsRaw = FormatRecipients(v.Recipients)
	return nil
}

// writeError is a write that failed (a full disk, a vault directory
// this user may not write): before its journal was in place nothing
// changed; after, some renames may be made, and the next command
// finishes the others.
func writeError(gitDir string, err error) error {
	if _, jerr := os.Lstat(JournalPath(gitDir)); jerr == nil {
		return &ReadError{Msg: fmt.Sprintf("writing the vault failed part way: %v", err),
			Hint: "fix that; the next git vault command finishes the write ('verdigris doctor' shows it)"}
	}
	return &ReadError{Msg: fmt.Sprintf("cannot write the vault: %v", err),
		Hint: fmt.Sprintf("nothing was changed: writing the vault needs write access to %s and %s, and free space", Dir, filepath.Dir(JournalPath(gitDir)))}
}

// Create makes a new vault in root with the identity's key as its first
// recipient.
func Create(ctx context.Context, root, gitDir string, kh Keyholder, self *Recipient) (*Vault, error) {
	l, err := lockForWrite(ctx, gitDir)
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	// An init killed between its renames is finished, not written over
	// (its journal replaced, its temp files left).
	if err := repair(root, gitDir); err != nil {
		return nil, err
	}
	if Exists(root) {
		return nil, &ReadError{Msg: "this repository already has a vault", Hint: "list it with 'git vault ls'; add people with 'git vault recipients add'"}
	}
	if err := os.MkdirAll(filepath.Join(root, Dir), 0o755); err != nil {
		return nil, err
	}
	recips := []*Recipient{self}
	kf, err := kh.Create(recips)
	if err != nil {
		return nil, err
	}
	v := &Vault{Root: root, Recipients: recips, Key: kf, Secrets: &SecretsFile{}}
	return v, v.write(gitDir, true)
}
