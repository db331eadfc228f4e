package hooks

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	shims "github.com/verdigris-dev/verdigris/hooks"
	"github.com/verdigris-dev/verdigris/internal/atomicfile"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// git started by a GUI client (GitHub Desktop, an IDE) or by cron has
// another PATH than the shell verdigris was installed from, often without
// the folder of the binaries (~/.local/bin, a PREFIX's bin). A shim that
// does not find a binary on PATH looks in the folder of the verdigris
// that installed it, recorded here one line long, and in ~/.local/bin.

// BinDirRecord is the name, in the repository's verdigris state folder,
// of the record of the folder of the verdigris that installed the hooks.
// The shims read it by this name.
const BinDirRecord = "bin-dir"

func binDirFile(r *gitrepo.Repo) string {
	return filepath.Join(r.StateDir(), BinDirRecord)
}

// recordBinDir records the folder of the running verdigris, where its
// sibling binaries are installed with it. It writes only when that
// changes the record.
func recordBinDir(r *gitrepo.Repo) error {
	exe, err := os.Executable()
	if err != nil {
		// Nothing to record: the shims still look on PATH and in
		// ~/.local/bin.
		return nil
	}
	dir := filepath.Dir(exe)
	if strings.ContainsAny(dir, "\n\r") {
		// The shim reads one line.
		return nil
	}
	want := []byte(dir + "\n")
	if b, err := os.ReadFile(binDirFile(r)); err == nil && string(b) == string(want) {
		return nil
	}
	if err := os.MkdirAll(r.StateDir(), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(binDirFile(r), want, 0o644)
}

// OffPathDirs are the folders where the shims look, in their order, for a
// binary that is not on PATH: the folder install recorded (r may be nil:
// outside a repository there is none), then home's .local/bin. Doctor
// looks where the shims do, so that it does not call missing a binary
// the hooks will find. As in the shims, the record's first line counts,
// and only when it is an absolute path.
func OffPathDirs(r *gitrepo.Repo, home string) []string {
	var dirs []string
	if r != nil {
		if b, err := os.ReadFile(binDirFile(r)); err == nil {
			if dir, _, _ := strings.Cut(string(b), "\n"); filepath.IsAbs(dir) {
				dirs = append(dirs, dir)
			}
		}
	}
	if filepath.IsAbs(home) {
		if local := filepath.Join(home, ".local", "bin"); len(dirs) == 0 || dirs[0] != local {
			dirs = append(dirs, local)
		}
	}
	return dirs
}

// dropBinDir removes the record of the binaries' folder once no shim is
// left to read it: uninstall left it behind. The record is the
// repository's, one for every worktree, while a relative core.hooksPath
// gives each worktree a hooks folder of its own: it stays while any
// shim is left in dir (the hooks folder), in ShimDir (a team's hook's),
// or in a folder any worktree's install recorded. A shim left in place
// (changed by hand, the team's tracked copy) still reads it.
func dropBinDir(r *gitrepo.Repo, dir string) error {
	dirs := []string{dir, ShimDir(r)}
	gitDirs, _ := filepath.Glob(filepath.Join(r.CommonDir, "worktrees", "*"))
	for _, g := range append(gitDirs, r.CommonDir) {
		rec, err := readRecord(filepath.Join(g, "verdigris", filepath.Base(recordFile(r))))
		if err != nil {
			// A record that cannot be read may name a folder with shims.
			return nil
		}
		dirs = append(dirs, rec...)
	}
	for _, d := range dirs {
		if holdsShim(d) {
			return nil
		}
	}
	if err := os.Remove(binDirFile(r)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// holdsShim reports whether a file in dir is a verdigris shim, under its
// hook's name or another (pre-push.legacy, where a hook manager kept it).
func holdsShim(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		// Unreadable, not missing: it may hold one.
		return !errors.Is(err, fs.ErrNotExist)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && shims.IsShim(b) {
			return true
		}
	}
	return false
}

// FindBinary finds bin as the shims do: on PATH, else in OffPathDirs in
// their order, tested as the shims test it (a regular file, executable).
// offDir is the folder it was found in off PATH, "" when on PATH. Every
// command that reports a binary (doctor's checks, verdigris version)
// looks here, so that none calls missing a binary the hooks run.
//
// Found executable in none of them, the first regular file of its name
// there without an execute bit, in the same order, is returned with ok
// false and notExec true: the shims' command -v, the shell and git ("not
// a git command") pass over such a file as if there were none, and said
// as "not installed" it sent the user looking for a file that is there.
// Whether it is executable is decided as the shims' [ -x ] decides it,
// for this user (Executable).
func FindBinary(r *gitrepo.Repo, home, bin string) (path, offDir string, ok, notExec bool) {
	if p, err := exec.LookPath(bin); err == nil {
		return p, "", true, false
	}
	for _, dir := range OffPathDirs(r, home) {
		p := filepath.Join(dir, bin)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && Executable(fi) {
			return p, dir, true, false
		}
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if p := filepath.Join(dir, bin); filepath.IsAbs(dir) && notExecutable(p) {
			return p, "", false, true
		}
	}
	for _, dir := range OffPathDirs(r, home) {
		if p := filepath.Join(dir, bin); notExecutable(p) {
			return p, dir, false, true
		}
	}
	return "", "", false, false
}

// NotExecutableBefore lists the regular files of bin's name without an
// execute bit in the PATH folders searched before the one that gave
// found, the path FindBinary found executable on PATH (all of PATH when
// found is "": found off PATH, after it), in PATH's order, each once.
// The shims, the shell and git pass over each as if it were not there,
// so the copy meant to run (a newer one, put first) silently does not.
func NotExecutableBefore(bin, found string) []string {
	var out []string
	seen := map[string]bool{}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" {
			dir = "." // as exec.LookPath reads it
		}
		p := filepath.Join(dir, bin)
		if p == found {
			break
		}
		if filepath.IsAbs(dir) && !seen[p] && notExecutable(p) {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// notExecutable reports whether p is a regular file this user may not
// execute.
func notExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && !Executable(fi)
}

// Executable reports whether this process may execute the file fi
// describes, as the shims' [ -x ] tells (access(2) with X_OK, for the
// effective ids): a file with an execute bit only for another user or
// group (0744 owned by another user, 0700 owned by root) is passed over
// by the shims, the shell and git, and is said to be not executable as
// one with no bit is. Root may execute a file with any one of them.
func Executable(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fi.Mode()&0o111 != 0
	}
	return executableBy(fi.Mode(), st.Uid, st.Gid, processIDs())
}

// ids are the effective user, group and supplementary groups an
// execute permission is decided for.
type ids struct {
	uid, gid uint32
	groups   []uint32
}

// processIDs are this process's ids; a variable for the tests, which run
// as root where one execute bit is enough.
var processIDs = func() ids {
	id := ids{uid: uint32(os.Geteuid()), gid: uint32(os.Getegid())}
	gs, _ := os.Getgroups()
	for _, g := range gs {
		id.groups = append(id.groups, uint32(g))
	}
	return id
}

// executableBy is the kernel's execute permission check for a file of
// mode owned by owner:group, run by id, without ACLs: the owner's bit
// for its owner, else the group's for a member of its group, else the
// others'; root needs any one of them.
func executableBy(mode fs.FileMode, owner, group uint32, id ids) bool {
	perm := mode.Perm()
	switch {
	case id.uid == 0:
		return perm&0o111 != 0
	case id.uid == owner:
		return perm&0o100 != 0
	case id.gid == group || slices.Contains(id.groups, group):
		return perm&0o010 != 0
	}
	return perm&0o001 != 0
}
