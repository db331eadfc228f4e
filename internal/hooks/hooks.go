// Package hooks installs and removes verdigris's git hook shims. A user's
// existing hook is never destroyed: it is renamed beside the shim, which
// runs it first, and uninstall renames it back, byte for byte.
package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	shims "github.com/verdigris-dev/verdigris/hooks"
	"github.com/verdigris-dev/verdigris/internal/atomicfile"
	"github.com/verdigris-dev/verdigris/internal/filelock"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// State of one hook in a repository.
type State string

const (
	Installed State = "installed" // our current shim
	Outdated  State = "outdated"  // our shim, an older version
	Missing   State = "missing"   // no hook at all
	Foreign   State = "foreign"   // someone else's hook, not chained to ours
	Edited    State = "edited"    // our shim, changed by hand since it was installed
	// NotExecutable is our current shim without its executable bit: git
	// skips it.
	NotExecutable State = "not-executable"
	// Conflict is someone else's hook in place of the shim, beside a
	// different hook that install kept: install leaves both to the user.
	Conflict State = "conflict"
	// Team is the team's own hook, which git tracks: install leaves it as
	// it is, and verdigris's steps run when it calls the shim install
	// keeps in ShimDir (Status.Calls).
	Team State = "team"
	// Managed is another hook manager's hook (pre-commit's), installed
	// after verdigris, which keeps the shim under another name and runs
	// it (Status.Manager, Status.Kept, Status.ShimState).
	Managed State = "managed"
	// Stranded is another hook manager's hook (lefthook's), installed
	// after verdigris, which keeps the shim under another name and runs
	// no hook it keeps: verdigris's steps do not run. Install puts the
	// shim back in front (Status.Manager, Status.Kept, Status.ShimState,
	// Status.ManagerChained).
	Stranded State = "stranded"
	// Looped is a shim in front of a manager's hook that runs the shim
	// it kept, which runs the manager's hook again: install takes the
	// one in front away.
	Looped State = "looped"
)

// Status describes one hook.
type Status struct {
	Name    string `json:"name"`
	Path    string `json:"path"`
	State   State  `json:"state"`
	Chained bool   `json:"chained"` // a user's hook is kept and runs first
	// ChainedSkipped says why the kept hook does not run, though kept:
	// "not executable" or "dangling link". The shim runs it only when
	// executable, as git ran it only then before install.
	ChainedSkipped string `json:"chained_skipped,omitempty"`
	// For a Team hook: whether it calls verdigris's shim, and the state
	// of that shim in ShimDir.
	Calls     bool  `json:"calls,omitempty"`
	ShimState State `json:"shim_state,omitempty"`
	// HandsOn: the call gives the hook's input (pre-push's refs,
	// post-rewrite's commits) to the shim and hands it back to the rest
	// of the team's hook, as CallLine does. Without it one of the two
	// reads none.
	HandsOn bool `json:"hands_on_input,omitempty"`
	// For a Managed or Looped hook: the manager, and the path of the shim
	// it keeps and runs. NoInput: it runs the shim without the hook's
	// input (pre-commit gives post-rewrite's none). For another hook with
	// ManagerChained, the manager whose hook is kept.
	Manager string `json:"manager,omitempty"`
	Kept    string `json:"kept,omitempty"`
	NoInput bool   `json:"no_input,omitempty"`
	// ManagerChained: the hook kept as <hook>.verdigris-chained is the
	// manager's, not the user's: for a Stranded hook its own earlier one,
	// which install may replace; for a Managed hook its own earlier one,
	// which the shim it runs runs again, and install removes; for a
	// shim, the one it runs first.
	ManagerChained bool `json:"manager_chained,omitempty"`
	// Stale: for a shim or a missing hook, the path of a shim verdigris shipped that a
	// manager which runs no hook it keeps (StaleManager: lefthook) kept
	// beside it, left by an install cut short. No hook runs it, the
	// manager refuses to keep the next hook it finds while it is there,
	// and install removes it.
	Stale        string `json:"stale,omitempty"`
	StaleManager string `json:"stale_manager,omitempty"`
}

// Action is what Install or Uninstall did to one hook.
type Action struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	Did    string `json:"did"` // "installed", "updated", "unchanged", "chained", "restored", "removed", "absent", "kept"
	Detail string `json:"detail,omitempty"`
	// Call is the line the team's hook, which install left as it is,
	// needs to run verdigris's shim (CallLine).
	Call string `json:"call,omitempty"`
}

// ConflictError: the hooks directory holds a saved user hook and, in the
// hook's place, a different hook that is not ours (another tool replaced
// our shim). Installing would have to drop one of them, so that hook is
// left as it is.
type ConflictError struct{ Hook, Chained string }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s is not a verdigris shim, and a saved original hook already exists at %s", e.Hook, e.Chained)
}

// executable reports whether git would run the hook at path.
func executable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().Perm()&0o111 != 0
}

// skipped says why git (or the shim, for a kept hook) would not run the
// hook at p, whose Lstat is fi: "" when it runs.
func skipped(p string, fi fs.FileInfo) string {
	switch _, err := os.Stat(p); {
	case err != nil && fi.Mode()&fs.ModeSymlink != 0:
		return "dangling link"
	case !executable(p):
		return "not executable"
	}
	return ""
}

// sameHook reports whether the hooks at a and b are one hook: the same
// symlink target, or regular files with the same bytes and mode, so that
// either could be restored for the other.
func sameHook(a, b string) bool {
	ai, err := os.Lstat(a)
	if err != nil {
		return false
	}
	bi, err := os.Lstat(b)
	if err != nil || ai.Mode() != bi.Mode() {
		return false
	}
	switch {
	case ai.Mode()&fs.ModeSymlink != 0:
		at, aerr := os.Readlink(a)
		bt, berr := os.Readlink(b)
		return aerr == nil && berr == nil && at == bt
	case ai.Mode().IsRegular():
		ab, aerr := os.ReadFile(a)
		bb, berr := os.ReadFile(b)
		return aerr == nil && berr == nil && bytes.Equal(ab, bb)
	}
	return false
}

// EditedError: the hook is a verdigris shim someone changed by hand.
// Updating or removing it would lose their lines, so it is left as it is.
type EditedError struct{ Hook, Chained string }

func (e *EditedError) Error() string {
	return fmt.Sprintf("%s is a verdigris shim with changes made by hand", e.Hook)
}

func shim(name string) []byte {
	b, err := shims.FS.ReadFile(name)
	if err != nil {
		panic(err) // embedded at build time
	}
	return b
}

// Dir returns the hooks directory hooks are installed into: the one the
// repository's config gives git. A core.hooksPath given on git's command
// line or in the environment is one command's, or one tool's (an agent
// that runs git with hooks off): shims put there were skipped by every
// other git command, and the record named the repository's own folder
// as left behind. Override says when git run here uses another.
func Dir(ctx context.Context, r *gitrepo.Repo) (string, error) {
	return r.ConfiguredHooksDir(ctx)
}

// Inspect reports the state of each verdigris hook.
func Inspect(ctx context.Context, r *gitrepo.Repo) ([]Status, error) {
	dir, err := Dir(ctx, r)
	if err != nil {
		return nil, err
	}
	team, err := teamHooks(ctx, r, dir)
	if err != nil {
		return nil, err
	}
	var out []Status
	for _, name := range shims.Names {
		p := filepath.Join(dir, name)
		st := Status{Name: name, Path: p, State: stateOf(p, name)}
		if team[name] && st.State != Installed {
			b, _ := os.ReadFile(p)
			st.State, st.Calls = Team, calls(b, name)
			st.HandsOn = st.Calls && handsOn(b, name)
			st.ShimState = stateOf(filepath.Join(ShimDir(r), name), name)
			out = append(out, st)
			continue
		}
		if m := managedAt(p, p); m != nil {
			st.State, st.Manager, st.Kept = Managed, m.name, p+m.suffix
			st.ShimState = stateOf(st.Kept, name)
			st.NoInput = inputHooks[name] && !slices.Contains(m.input, name)
			// The manager's earlier hook kept behind the shim it runs:
			// the shim runs it again (install removes it).
			st.ManagerChained = managerChained(p, m)
			if !m.runsKept {
				st.State, st.NoInput, st.ManagerChained = Stranded, false, managerChained(p, m)
			}
		} else if m := managedAt(p+shims.ChainedSuffix, p); m != nil && m.runsKept && (st.State == Installed || st.State == Outdated || st.State == NotExecutable) {
			st.State, st.Manager, st.Kept = Looped, m.name, p+m.suffix
		}
		if fi, err := os.Lstat(p + shims.ChainedSuffix); err == nil && st.State != Looped {
			st.Chained = true
			st.ChainedSkipped = skipped(p+shims.ChainedSuffix, fi)
			if st.State == Foreign && !sameHook(p, p+shims.ChainedSuffix) {
				st.State = Conflict
			}
			// The shim in front of lefthook's hook (install's unstrand)
			// runs lefthook's, not the user's.
			if m := chainedBy(p); m != nil && st.Manager == "" {
				st.Manager, st.ManagerChained = m.name, true
			}
		}
		if m := staleKept(p, name); m != nil && (st.State == Installed || st.State == Outdated || st.State == NotExecutable || st.State == Missing) {
			st.Stale, st.StaleManager = p+m.suffix, m.name
		}
		out = append(out, st)
	}
	return out, nil
}

// inputHooks are the hooks git gives input on stdin.
var inputHooks = map[string]bool{"pre-push": true, "post-rewrite": true}

// stateOf is the state of the hook name at p, as far as its own file
// tells.
func stateOf(p, name string) State {
	b, err := os.ReadFile(p)
	switch {
	case err != nil:
		return Missing
	case bytes.Equal(b, shim(name)) && !executable(p):
		return NotExecutable
	case bytes.Equal(b, shim(name)):
		return Installed
	case shims.Shipped(name, b):
		return Outdated
	case shims.IsShim(b):
		return Edited
	}
	return Foreign
}

// Runs reports whether git runs a verdigris shim as the hook name in this
// repository: installed (as shipped or edited since) and executable, or
// called by the team's hook from ShimDir. The
// post-commit hook leaves an amend to the post-rewrite hook when it runs.
func Runs(ctx context.Context, r *gitrepo.Repo, name string) bool {
	// The folder of this git command, which the hook runs under.
	dir, err := r.HooksDir(ctx)
	if err != nil {
		return false
	}
	p := filepath.Join(dir, name)
	b, err := os.ReadFile(p)
	if err != nil || !executable(p) {
		return false
	}
	if shims.IsShim(b) {
		return true
	}
	// A manager's hook that runs the shim it kept, when it gives the
	// shim the hook's input.
	if m := managedAt(p, p); m != nil {
		return m.runsKept && executable(p+m.suffix) && (!inputHooks[name] || slices.Contains(m.input, name))
	}
	// A team's hook that calls the shim install keeps for it.
	if !calls(b, name) {
		return false
	}
	sp := filepath.Join(ShimDir(r), name)
	b, err = os.ReadFile(sp)
	return err == nil && shims.IsShim(b) && executable(sp)
}

func lock(ctx context.Context, r *gitrepo.Repo) (*filelock.Lock, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	l, err := filelock.Acquire(ctx, filepath.Join(r.StateDir(), "hooks.lock"))
	if errors.Is(err, filelock.ErrBusy) {
		return nil, fmt.Errorf("another verdigris install or uninstall is running: %w", err)
	}
	if err != nil {
		// Not another run: a git directory this user may not write.
		return nil, err
	}
	return l, nil
}

// Install places the shims. Re-running it is a no-op; an older shim is
// updated in place; an existing user hook is chained.
func Install(ctx context.Context, r *gitrepo.Repo) ([]Action, error) {
	dir, err := Dir(ctx, r)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	l, err := lock(ctx, r)
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	made := missing(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		if errors.Is(err, syscall.ENOTDIR) {
			return nil, &FileInTheWayError{Dir: dir, File: fileInTheWay(dir), Off: hooksOff(dir)}
		}
		return nil, err
	}
	team, err := teamHooks(ctx, r, dir)
	if err != nil {
		return nil, err
	}
	// Recorded before a shim is written, so that an install cut short
	// is found again all the same.
	add := dir
	if Shared(ctx, r) != nil {
		add = ""
	}
	// Ctrl-C kills the git that reads core.hooksPath, and a value not
	// read is one not set: the shims went to .git/hooks, where git
	// never ran them. Nothing is written after it.
	if err := ctx.Err(); err != nil {
		for _, d := range made {
			_ = os.Remove(d)
		}
		return nil, err
	}
	if err := recordMade(r, made); err != nil {
		return nil, err
	}
	if err := record(ctx, r, add); err != nil {
		return nil, err
	}
	if err := recordBinDir(r); err != nil {
		return nil, err
	}
	dirs, err := others(r, dir)
	if err != nil {
		return nil, err
	}
	dirs = append([]string{dir}, dirs...)
	var acts []Action
	var left, teamLeft error
	for _, name := range shims.Names {
		var a Action
		var err error
		if team[name] {
			a, err = installTeam(r, dir, name)
		} else {
			a, err = installOne(dir, name)
		}
		var te *TeamHookError
		if kept(&a, err) {
			// Another hook left to the user is the more urgent to say.
			if errors.As(err, &te) && teamLeft == nil {
				teamLeft = err
			} else if !errors.As(err, &te) && left == nil {
				left = err
			}
		} else if err != nil {
			// What was written so far stays out of git status all the same.
			_ = syncExclude(ctx, r, dirs)
			return acts, err
		}
		acts = append(acts, a)
	}
	if err := syncExclude(ctx, r, dirs); err != nil {
		return acts, err
	}
	if left == nil {
		left = teamLeft
	}
	return acts, left
}

// kept reports whether err leaves one hook as it is and the others still
// to be done: a shim changed by hand, a saved hook with another tool's
// in its place (or with lefthook's, beside the shim it kept), or the
// team's hook that git tracks. Stopping there left
// the hooks after it uninstalled, or not updated, for as long as the user
// kept their edit. a says so; the command fails with the first such error
// once every hook is done.
func kept(a *Action, err error) bool {
	var ee *EditedError
	var ce *ConflictError
	var te *TeamHookError
	var se *StrandedError
	switch {
	case errors.As(err, &se):
		a.Did, a.Detail = "kept", se.Manager+"'s hook, which runs no hook it keeps, beside the shim it kept as "+filepath.Base(se.Kept)+" and your own hook kept as "+filepath.Base(se.Chained)+"; left as they are"
	case errors.As(err, &te):
		a.Did, a.Detail = "kept", "tracked by git: the team's hook, left as it is; it does not call verdigris's shim"
		a.Call = CallLine(te.Name)
	case errors.As(err, &ee):
		a.Did, a.Detail = "kept", "a verdigris shim changed by hand; left as it is"
	case errors.As(err, &ce):
		a.Did, a.Detail = "kept", "another tool's hook, and a saved original beside it; left as they are"
	default:
		return false
	}
	return true
}

func installOne(dir, name string) (Action, error) {
	a, err := installShim(dir, name)
	if err != nil {
		return a, err
	}
	return a, dropStale(a.Path, name, &a)
}

func installShim(dir, name string) (Action, error) {
	p := filepath.Join(dir, name)
	chained := p + shims.ChainedSuffix
	want := shim(name)
	a := Action{Name: name, Path: p}

	cur, err := os.ReadFile(p)
	_, lerr := os.Lstat(p)
	exists := lerr == nil
	if m := managedAt(p, p); m != nil {
		if !m.runsKept {
			return unstrand(p, name, m)
		}
		return installManaged(p, name, m)
	}
	if m := managedAt(chained, p); m != nil && m.runsKept && err == nil && shims.Shipped(name, cur) {
		return unloop(p, name, m)
	}
	switch {
	case err == nil && bytes.Equal(cur, want) && executable(p):
		a.Did = "unchanged"
		return a, nil
	case err == nil && bytes.Equal(cur, want):
		// git skips a hook that is not executable ("hook was ignored").
		a.Did, a.Detail = "updated", "made executable again"
		return a, os.Chmod(p, 0o755)
	case err == nil && shims.Shipped(name, cur):
		a.Did = "updated"
		return a, atomicfile.Write(p, want, 0o755)
	case err == nil && shims.IsShim(cur):
		return a, &EditedError{Hook: p, Chained: chained}
	case exists:
		// A user's hook (or a dangling symlink): keep it, renamed, so its
		// bytes, mode and link-ness survive untouched.
		if _, err := os.Lstat(chained); err == nil {
			if !sameHook(p, chained) {
				return a, &ConflictError{Hook: p, Chained: chained}
			}
			// A hook manager that writes its hooks on every run (husky
			// from npm install) put back the very hook install kept:
			// nothing of the user's is lost by putting the shim over the
			// copy. lefthook install does not come here: it keeps the
			// shim it finds as <hook>.old, which unstrand undoes.
			if err := atomicfile.Write(p, want, 0o755); err != nil {
				return a, err
			}
			a.Did, a.Detail = "chained", "the hook here was the one kept as "+filepath.Base(chained)+", put back by its tool; the shim runs it first again"
			return a, os.Chmod(p, 0o755)
		}
		if err := os.Rename(p, chained); err != nil {
			return a, err
		}
		if err := atomicfile.Write(p, want, 0o755); err != nil {
			// Put the user's hook back rather than leave no hook.
			_ = os.Rename(chained, p)
			return a, err
		}
		a.Did, a.Detail = "chained", "existing hook kept as "+filepath.Base(chained)+" and run first"
		return a, nil
	case !errors.Is(lerr, fs.ErrNotExist):
		return a, lerr
	default:
		a.Did = "installed"
		if _, err := os.Lstat(chained); err == nil {
			// The shim was removed by hand, or an install stopped
			// between keeping the hook and writing the shim: the shim
			// goes back in front of it.
			a.Detail = "in front of " + keptWhose(p) + ", kept as " + filepath.Base(chained) + ", which runs first"
		}
		return a, atomicfile.Write(p, want, 0o755)
	}
}

// Uninstall removes the shims and restores any chained user hook exactly,
// in the hooks directory and in the folders install put shims in before
// (core.hooksPath was changed since). A hook that is not ours is left
// alone.
func Uninstall(ctx context.Context, r *gitrepo.Repo) ([]Action, error) {
	return uninstall(ctx, r, "")
}

// FileInTheWayError: the hooks folder cannot be created because File,
// the folder itself or one above it, is a file. Off is a folder that is
// a device, not a file (core.hooksPath=/dev/null, git's way to turn its
// hooks off): there is no file to move out of the way.
type FileInTheWayError struct {
	Dir, File string
	Off       bool
}

func (e *FileInTheWayError) Error() string {
	if e.Off {
		return fmt.Sprintf("cannot create the hooks folder %s: core.hooksPath names %s, which is not a folder: git runs no hooks", e.Dir, e.File)
	}
	return fmt.Sprintf("cannot create the hooks folder %s: %s is a file", e.Dir, e.File)
}

// InTheWay returns the problem install would meet creating the hooks
// folder dir, a file in its place or above it, for doctor to report
// before the hint to run install that would fail on it; nil when the
// folder is there or can be created.
func InTheWay(dir string) *FileInTheWayError {
	file := fileInTheWay(dir)
	if fi, err := os.Stat(file); err != nil || fi.IsDir() {
		return nil
	}
	return &FileInTheWayError{Dir: dir, File: file, Off: hooksOff(dir)}
}

// Fix says what clears the way, as install's hint and doctor's: a file
// to move, or (Off) core.hooksPath to point at a folder or unset, in the
// config that sets it. then is what to do after.
func (e *FileInTheWayError) Fix(ctx context.Context, r *gitrepo.Repo, then string) string {
	if !e.Off {
		return "move that file out of the way (or set core.hooksPath to a folder), then " + then
	}
	unset := "git config --unset core.hooksPath"
	if sd := Shared(ctx, r); sd != nil {
		unset = "git config --" + sd.Scope + " --unset core.hooksPath"
	}
	return fmt.Sprintf("point core.hooksPath at a folder, or unset it (%s) to use the git directory's hooks/, then %s", unset, then)
}

// hooksOff is a hooks folder that names a device (/dev/null): git runs
// no hooks from it, and nothing is in the way to move.
func hooksOff(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && !fi.IsDir() && !fi.Mode().IsRegular()
}

// fileInTheWay is the nearest of dir and the folders above it that
// exists; MkdirAll's error names dir, whichever it was.
func fileInTheWay(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || d == filepath.Dir(d) {
			return d
		}
	}
}

// NotRecordedError: UninstallDir was given a folder that is neither the
// hooks directory nor one install recorded.
type NotRecordedError struct{ Dir string }

func (e *NotRecordedError) Error() string {
	return e.Dir + " is not a hooks folder verdigris installed into"
}

// UninstallDir is Uninstall in the folder only: the hooks directory, or a
// folder install used before core.hooksPath changed, whose shims go
// while those where git runs hooks now stay.
func UninstallDir(ctx context.Context, r *gitrepo.Repo, only string) ([]Action, error) {
	return uninstall(ctx, r, only)
}

func uninstall(ctx context.Context, r *gitrepo.Repo, only string) ([]Action, error) {
	// Ctrl-C kills the git that reads core.hooksPath, and a value not
	// read is one not set: uninstall looked in .git/hooks, found
	// nothing, and removed the record of the binaries that the shims
	// where git runs hooks still need.
	dir, err := Dir(ctx, r)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	l, err := lock(ctx, r)
	if err != nil {
		return nil, err
	}
	defer dropLock(r, l)
	olds, err := others(r, dir)
	if err != nil {
		return nil, err
	}
	dirs := append([]string{dir}, olds...)
	if only != "" && !slices.ContainsFunc(dirs, func(d string) bool { return sameFolder(d, only) }) {
		return nil, &NotRecordedError{Dir: only}
	}
	var acts []Action
	var left error
	var cleaned []string
	for i, d := range dirs {
		if only != "" && !sameFolder(d, only) {
			continue
		}
		cleaned = append(cleaned, d)
		team, err := teamHooks(ctx, r, d)
		if err != nil {
			return acts, err
		}
		for _, name := range shims.Names {
			var a Action
			var err error
			_, cerr := os.Lstat(filepath.Join(d, name) + shims.ChainedSuffix)
			switch {
			case team[name] && cerr != nil && i > 0:
				// The team's hook in a folder git no longer runs: the
				// shim it called went with the current folder's.
				continue
			case team[name] && cerr != nil:
				// The team's hook stays as it is (a shim the team
				// committed too); the shim it may call goes.
				a, err = uninstallTeam(r, d, name)
			case i > 0:
				a, err = uninstallOne(d, name)
				if err == nil && a.Did == "absent" && a.Detail == "" {
					continue
				}
			default:
				a, err = uninstallOne(d, name)
				if err == nil {
					// A shim kept for a hook the team has stopped tracking.
					var sa Action
					sa, err = removeShim(filepath.Join(ShimDir(r), name), name)
					if sa.Did == "removed" || err != nil {
						acts = append(acts, a)
						a = sa
					}
				}
			}
			if kept(&a, err) {
				if left == nil {
					left = err
				}
			} else if err != nil {
				_ = syncExclude(ctx, r, dirs)
				return acts, err
			}
			acts = append(acts, a)
		}
	}
	if err := syncExclude(ctx, r, dirs); err != nil {
		return acts, err
	}
	if err := record(ctx, r, ""); err != nil && left == nil {
		return acts, err
	}
	if err := removeMade(ctx, r, cleaned); err != nil && left == nil {
		return acts, err
	}
	if err := dropBinDir(r, dir); err != nil && left == nil {
		return acts, err
	}
	return acts, left
}

// dropLock releases the lock uninstall took and removes its file, and
// verdigris's folders in the git directory when nothing else is left in
// them: the git directory is as it was before install.
func dropLock(r *gitrepo.Repo, l *filelock.Lock) {
	_ = l.Remove()
	// os.Remove takes only an empty folder.
	_ = os.Remove(r.WorktreeStateDir())
	_ = os.Remove(ShimDir(r))
	_ = os.Remove(r.StateDir())
}

func uninstallOne(dir, name string) (Action, error) {
	a, err := uninstallHook(dir, name)
	if err != nil {
		return a, err
	}
	return dropLone(filepath.Join(dir, name), name, a)
}

func uninstallHook(dir, name string) (Action, error) {
	p := filepath.Join(dir, name)
	chained := p + shims.ChainedSuffix
	a := Action{Name: name, Path: p}
	if m := managedAt(p, p); m != nil {
		return uninstallManaged(p, name, m)
	}
	cur, err := os.ReadFile(p)
	ours := err == nil && shims.Shipped(name, cur)
	if m := managedAt(chained, p); m != nil && ours {
		// The shim in front goes; the manager's hook it ran is back.
		if err := os.Rename(chained, p); err != nil {
			return a, err
		}
		return uninstallManaged(p, name, m)
	}
	if err == nil && !ours && shims.IsShim(cur) {
		return a, &EditedError{Hook: p, Chained: chained}
	}
	_, cerr := os.Lstat(chained)
	hasChained := cerr == nil
	_, perr := os.Lstat(p)
	switch {
	case hasChained && errors.Is(perr, fs.ErrNotExist):
		// An install stopped between keeping the user's hook and
		// writing the shim: the hook goes back.
		if err := os.Rename(chained, p); err != nil {
			return a, err
		}
		a.Did = "restored"
		// Stopped putting the shim back in front of lefthook's hook
		// (unstrand): the shim lefthook kept is still beside it.
		if m := managedAt(p, p); m != nil {
			if ma, err := uninstallManaged(p, name, m); err != nil {
				return ma, err
			}
			a.Detail = m.name + "'s hook is back; the shim it kept as " + filepath.Base(p+m.suffix) + " is removed"
		}
	case ours && hasChained:
		if err := os.Rename(chained, p); err != nil {
			return a, err
		}
		a.Did = "restored"
	case ours:
		if err := os.Remove(p); err != nil {
			return a, err
		}
		a.Did = "removed"
	case hasChained && sameHook(p, chained):
		// Another tool put back the very hook install kept (husky
		// writes its hooks again): the copy goes back in its place,
		// byte for byte, and nothing of verdigris's is left.
		if err := os.Rename(chained, p); err != nil {
			return a, err
		}
		a.Did = "restored"
	case hasChained && perr == nil:
		// Another tool's hook in the shim's place: putting the kept hook
		// back would drop it, and leaving the kept one said "absent"
		// and succeeded while nothing ran the user's hook.
		return a, &ConflictError{Hook: p, Chained: chained}
	case hasChained:
		a.Did, a.Detail = "absent", "the hook here is not ours; the saved original stays at "+chained
	default:
		a.Did = "absent"
	}
	return a, nil
}
