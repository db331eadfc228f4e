package hooks

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	shims "github.com/verdigris-dev/verdigris/hooks"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// A team that commits its hooks (core.hooksPath naming a folder of the
// worktree, .githooks/pre-push tracked) shares them with every clone: a
// shim written over one showed as a change, went in with the next
// `git commit -a`, and gave teammates a shim whose kept hook was not
// there. Install leaves a tracked hook as it is, and keeps the shim in
// the git directory for the team's hook to call (CallLine).

// TeamHookError: the hook is the team's (git tracks it) and does not call
// verdigris's shim. Install leaves it as it is, so verdigris's steps for
// that hook do not run until the team's hook calls the shim.
type TeamHookError struct{ Hook, Name string }

func (e *TeamHookError) Error() string {
	return fmt.Sprintf("%s is the team's hook (tracked by git), left as it is: it does not run verdigris's %s shim", e.Hook, e.Name)
}

// ShimDir is where install keeps the shims that a team's hooks call: in
// the common git dir, never shared and never in the worktree.
func ShimDir(r *gitrepo.Repo) string { return filepath.Join(r.StateDir(), "hooks") }

// CallLine is the line that makes a team's hook run verdigris's shim for
// the hook name, with the hook's arguments and input, and fail with the
// shim's status (a pre-push check). In a clone where verdigris is not
// installed there is no shim, and the line does nothing: teammates who do
// not use verdigris commit and push as before.
//
// git gives pre-push and post-rewrite their input on stdin, which can be
// read once: a shim that read it left none to the team's own 'while read'
// below the line, and one below that loop got none, so git vault guard
// checked no commits. For those hooks the line reads the input, gives it
// to the shim, and hands it back to the rest of the hook (a here-document
// the shell reads as stdin; eval makes it one line), in every POSIX sh
// and whether or not verdigris is installed.
func CallLine(name string) string {
	call := `verdigris_hook="$(git rev-parse --git-common-dir)/verdigris/hooks/` + name + `"; [ ! -x "$verdigris_hook" ] || `
	if !readsInput(name) {
		return call + `"$verdigris_hook" "$@" || exit $?`
	}
	return `verdigris_in=$(cat); ` + call + `printf '%s\n' "$verdigris_in" | "$verdigris_hook" "$@" || exit $?; ` +
		`[ -z "$verdigris_in" ] || eval "$(printf 'exec <<\\verdigris_in\n%s\nverdigris_in' "$verdigris_in")"`
}

// readsInput reports whether git gives the hook name input on stdin.
func readsInput(name string) bool { return name == "pre-push" || name == "post-rewrite" }

// handsOn reports whether the team's hook b, which calls the shim for
// name, gives the hook's input to both the shim and itself: by CallLine,
// or for a hook without input by any call.
func handsOn(b []byte, name string) bool {
	return !readsInput(name) || bytes.Contains(b, []byte(CallLine(name)))
}

// calls reports whether the hook b runs verdigris's shim for name, by
// CallLine or a line of the team's own that names the same file.
func calls(b []byte, name string) bool {
	return bytes.Contains(b, []byte("/verdigris/hooks/"+name))
}

// worktreePath returns dir relative to the top of the worktree,
// slash-separated ("." for the top itself), when git could track files
// there: inside the worktree and not in a git directory.
func worktreePath(r *gitrepo.Repo, dir string) (string, bool) {
	if r.Root == "" {
		return "", false
	}
	rel, err := filepath.Rel(resolved(r.Root), resolved(dir))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	for _, part := range strings.Split(rel, "/") {
		if part == ".git" {
			return "", false
		}
	}
	return rel, true
}

// resolved is p with its symbolic links resolved, as far as it exists:
// git names the worktree by its real path, and the hooks directory as
// configured.
func resolved(p string) string {
	p = filepath.Clean(p)
	var rest []string
	for {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(append([]string{r}, rest...)...)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return filepath.Join(append([]string{p}, rest...)...)
		}
		rest = append([]string{filepath.Base(p)}, rest...)
		p = parent
	}
}

// teamHooks returns, by name, the hooks in dir whose files git tracks.
func teamHooks(ctx context.Context, r *gitrepo.Repo, dir string) (map[string]bool, error) {
	rel, ok := worktreePath(r, dir)
	if !ok {
		return nil, nil
	}
	paths := make([]string, len(shims.Names))
	for i, name := range shims.Names {
		paths[i] = path.Join(rel, name)
	}
	tracked, err := r.Tracked(ctx, paths...)
	if err != nil {
		return nil, err
	}
	team := map[string]bool{}
	for i, name := range shims.Names {
		if tracked[paths[i]] {
			team[name] = true
		}
	}
	return team, nil
}

// installTeam installs the shim for the team's hook name into ShimDir
// and leaves the hook itself as it is.
func installTeam(r *gitrepo.Repo, dir, name string) (Action, error) {
	p := filepath.Join(dir, name)
	cur, err := os.ReadFile(p)
	if err == nil && bytes.Equal(cur, shim(name)) && executable(p) {
		return Action{Name: name, Path: p, Did: "unchanged", Detail: "tracked by git: the repository's own copy of the shim"}, nil
	}
	sd := ShimDir(r)
	if err := os.MkdirAll(sd, 0o755); err != nil {
		return Action{Name: name, Path: p}, err
	}
	a, err := installOne(sd, name)
	if err != nil {
		return a, err
	}
	if !calls(cur, name) {
		return Action{Name: name, Path: p}, &TeamHookError{Hook: p, Name: name}
	}
	a.Detail = "run by the team's hook " + p + ", which git tracks"
	return a, nil
}

// uninstallTeam removes the shim the team's hook name calls; the hook
// itself stays as it is, and its call does nothing without the shim.
func uninstallTeam(r *gitrepo.Repo, dir, name string) (Action, error) {
	p := filepath.Join(dir, name)
	a, err := removeShim(filepath.Join(ShimDir(r), name), name)
	if a.Did == "absent" {
		a.Path, a.Detail = p, "the team's hook, tracked by git; left as it is"
	} else if a.Did == "removed" {
		a.Detail = "called by the team's hook " + p + ", which now skips it"
	}
	return a, err
}

// removeShim removes the shim at p, unless it was changed by hand.
func removeShim(p, name string) (Action, error) {
	a := Action{Name: name, Path: p, Did: "absent"}
	cur, err := os.ReadFile(p)
	switch {
	case err != nil:
		return a, nil
	case shims.Shipped(name, cur):
		a.Did = "removed"
		return a, os.Remove(p)
	case shims.IsShim(cur):
		return a, &EditedError{Hook: p, Chained: p + shims.ChainedSuffix}
	}
	return a, nil
}
