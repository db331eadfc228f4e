package hooks

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	shims "github.com/verdigris-dev/verdigris/hooks"
	"github.com/verdigris-dev/verdigris/internal/atomicfile"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// After install, a core.hooksPath set, changed or unset moves git to
// another hooks folder: doctor said only that the hooks there were not
// installed, and uninstall looked only there, so the shims and the hooks
// install kept in the folder before were never found again. Install
// records each folder it installs into; doctor names the ones git no
// longer runs hooks from, and uninstall cleans them with the current one.
//
// The record is this worktree's (a relative core.hooksPath is each
// worktree's own folder), one absolute path a line. A folder that the
// global or system config names is every repository's, not this one's to
// clean up when it moves away from it, and is not recorded.

func recordFile(r *gitrepo.Repo) string {
	return filepath.Join(r.WorktreeStateDir(), "hooks-dirs")
}

// recorded returns the folders in the record.
func recorded(r *gitrepo.Repo) ([]string, error) {
	return readRecord(recordFile(r))
}

// readRecord returns the folders in one worktree's record.
func readRecord(file string) ([]string, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, l := range strings.Split(string(b), "\n") {
		if filepath.IsAbs(l) {
			dirs = append(dirs, l)
		}
	}
	return dirs, nil
}

// record rewrites the record to add (an install about to write there;
// "" for none) and the recorded folders that still hold verdigris's
// files. It writes only when that changes the record, and removes it
// when none is left.
func record(ctx context.Context, r *gitrepo.Repo, add string) error {
	old, err := recorded(r)
	if err != nil {
		return err
	}
	var keep []string
	added := add == ""
	for _, d := range old {
		if slices.ContainsFunc(keep, func(k string) bool { return sameFolder(k, d) }) {
			continue
		}
		if !added && sameFolder(d, add) {
			keep, added = append(keep, d), true
			continue
		}
		if s, k, err := leftIn(ctx, r, d); err != nil || len(s)+len(k) > 0 {
			// A folder that cannot be read now keeps its place.
			keep = append(keep, d)
		}
	}
	if !added {
		keep = append(keep, add)
	}
	if slices.Equal(keep, old) {
		return nil
	}
	if len(keep) == 0 {
		return os.Remove(recordFile(r))
	}
	if err := os.MkdirAll(r.WorktreeStateDir(), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(recordFile(r), []byte(strings.Join(keep, "\n")+"\n"), 0o644)
}

// others returns the recorded folders other than dir, the current one.
func others(r *gitrepo.Repo, dir string) ([]string, error) {
	dirs, err := recorded(r)
	return slices.DeleteFunc(dirs, func(d string) bool { return sameFolder(d, dir) }), err
}

func sameFolder(a, b string) bool { return resolved(a) == resolved(b) }

// leftIn returns the names of the shims (with those a hook manager kept
// under another name, pre-push.legacy) and of the hooks install kept in
// dir, leaving out the hooks git tracks there (the team's, left as they
// are).
func leftIn(ctx context.Context, r *gitrepo.Repo, dir string) (shimNames, keptNames []string, err error) {
	team, err := teamHooks(ctx, r, dir)
	if err != nil {
		return nil, nil, err
	}
	for _, name := range shims.Names {
		if team[name] {
			continue
		}
		p := filepath.Join(dir, name)
		if b, err := os.ReadFile(p); err == nil && shims.IsShim(b) {
			shimNames = append(shimNames, name)
		}
		// A shim a hook manager kept (pre-push.legacy, .old) is ours too.
		for _, m := range managers {
			if b, err := os.ReadFile(p + m.suffix); err == nil && shims.IsShim(b) {
				shimNames = append(shimNames, name+m.suffix)
			}
		}
		if _, err := os.Lstat(p + shims.ChainedSuffix); err == nil {
			keptNames = append(keptNames, name+shims.ChainedSuffix)
		}
	}
	return shimNames, keptNames, nil
}

// LeftDir is a folder that install put shims in and git no longer runs
// hooks from: core.hooksPath was set, changed or unset since.
type LeftDir struct {
	Dir   string
	Shims []string // the hooks there that are verdigris's shims
	Kept  []string // the hooks install kept there (<hook>.verdigris-chained)
}

// Left returns the recorded folders, other than the one git runs hooks
// from now, that still hold verdigris's shims or the hooks it kept.
func Left(ctx context.Context, r *gitrepo.Repo) ([]LeftDir, error) {
	dir, err := Dir(ctx, r)
	if err != nil {
		return nil, err
	}
	dirs, err := others(r, dir)
	if err != nil {
		return nil, err
	}
	var out []LeftDir
	for _, d := range dirs {
		s, k, err := leftIn(ctx, r, d)
		if err != nil {
			return nil, err
		}
		if len(s)+len(k) > 0 {
			out = append(out, LeftDir{Dir: d, Shims: s, Kept: k})
		}
	}
	return out, nil
}

// Install makes the hooks folder when core.hooksPath names one that does
// not exist (.githooks, ~/.githooks), and uninstall left it behind,
// empty. The folders install made are recorded, deepest first, one
// absolute path a line, beside the repository's other state; uninstall
// removes those it leaves empty.

func madeFile(r *gitrepo.Repo) string {
	return filepath.Join(r.StateDir(), "hooks-dirs-made")
}

// missing returns dir and the folders above it that do not exist,
// deepest first: those os.MkdirAll(dir) makes.
func missing(dir string) []string {
	var out []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || d == filepath.Dir(d) {
			return out
		}
		out = append(out, d)
	}
}

// recordMade adds the folders install made to the record.
func recordMade(r *gitrepo.Repo, made []string) error {
	if len(made) == 0 {
		return nil
	}
	old, err := readRecord(madeFile(r))
	if err != nil {
		return err
	}
	dirs := old
	for _, d := range made {
		if !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	if len(dirs) == len(old) {
		return nil
	}
	if err := os.MkdirAll(r.StateDir(), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(madeFile(r), []byte(strings.Join(dirs, "\n")+"\n"), 0o644)
}

// removeMade removes the recorded folders that hold one of dirs (the
// hooks folders uninstall cleaned) when they are empty, and drops them
// from the record: one that holds something else is the user's now.
// A folder that still holds verdigris's files (a shim changed by hand,
// which uninstall leaves) stays recorded for the next uninstall.
func removeMade(ctx context.Context, r *gitrepo.Repo, dirs []string) error {
	made, err := readRecord(madeFile(r))
	if err != nil || len(made) == 0 {
		return err
	}
	var keep []string
	for _, m := range made {
		if !slices.ContainsFunc(dirs, func(d string) bool { return within(d, m) }) {
			keep = append(keep, m)
			continue
		}
		err := os.Remove(m)
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if s, k, lerr := leftIn(ctx, r, m); lerr != nil || len(s)+len(k) > 0 {
			keep = append(keep, m)
		}
	}
	if len(keep) == 0 {
		return os.Remove(madeFile(r))
	}
	if slices.Equal(keep, made) {
		return nil
	}
	return atomicfile.Write(madeFile(r), []byte(strings.Join(keep, "\n")+"\n"), 0o644)
}

// within says whether dir is folder or inside it.
func within(dir, folder string) bool {
	d, f := resolved(dir), resolved(folder)
	return d == f || strings.HasPrefix(d, f+string(filepath.Separator))
}
