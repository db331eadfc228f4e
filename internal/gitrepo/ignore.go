package gitrepo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// IgnoreRule is the exclude rule that makes git ignore a path: a line of a
// .gitignore, of .git/info/exclude or of core.excludesFile.
type IgnoreRule struct {
	Source  string // the file holding the rule, as git names it
	Line    int
	Pattern string
}

func (r IgnoreRule) String() string { return fmt.Sprintf("%s:%d: %s", r.Source, r.Line, r.Pattern) }

// Ignored returns the paths (slash-separated, relative to the root) that
// git ignores and does not track, each with the rule that ignores it: the
// paths `git add` refuses. A tracked path is never ignored, and a path let
// through by a later "!" rule is not either. Paths need not exist.
func (r *Repo) Ignored(ctx context.Context, paths ...string) (map[string]IgnoreRule, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	// -v names the deciding rule, also a "!" one (a path it lets
	// through). -z (paths as they are, unquoted) reads them from stdin.
	// check-ignore takes pathspecs and allows no ":(literal)": with
	// --no-index the glob of a name like "a[1].log" is not matched
	// against the index (it took the untracked file for the tracked
	// a1.log), and tracked paths are left out below instead; "./" keeps a
	// leading ":" from reading as pathspec magic.
	in := make([]string, len(paths))
	for i, p := range paths {
		in[i] = "./" + p
	}
	out, err := r.run(ctx, strings.NewReader(strings.Join(in, "\x00")+"\x00"), "check-ignore", "--no-index", "-v", "-z", "--stdin")
	if exitedOne(err) {
		return nil, nil // none matched
	}
	if err != nil {
		return nil, err
	}
	// SOURCE NUL LINE NUL PATTERN NUL PATH NUL, per path.
	f := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(f)%4 != 0 {
		return nil, fmt.Errorf("git check-ignore: unexpected output %q", out)
	}
	tracked, err := r.Tracked(ctx, paths...)
	if err != nil {
		return nil, err
	}
	ignored := map[string]IgnoreRule{}
	for i := 0; i < len(f); i += 4 {
		if strings.HasPrefix(f[i+2], "!") {
			continue
		}
		line, err := strconv.Atoi(f[i+1])
		if err != nil {
			return nil, fmt.Errorf("git check-ignore: unexpected output %q", out)
		}
		p := strings.TrimPrefix(f[i+3], "./")
		if tracked[p] {
			continue
		}
		ignored[p] = IgnoreRule{Source: f[i], Line: line, Pattern: f[i+2]}
	}
	return ignored, nil
}

// Tracked returns which of paths (slash-separated, relative to the root)
// are in the index: files git tracks, whether or not they are on disk.
func (r *Repo) Tracked(ctx context.Context, paths ...string) (map[string]bool, error) {
	if len(paths) == 0 {
		return map[string]bool{}, nil
	}
	out, err := r.Git(ctx, append([]string{"ls-files", "-z", "--full-name", "--"}, literal(paths)...)...)
	if err != nil {
		return nil, err
	}
	in := map[string]bool{}
	for _, p := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		if p != "" {
			in[p] = true
		}
	}
	return in, nil
}

// literal makes paths (relative to the root) pathspecs that match each
// path alone: no glob ("CHANGELOG[1].md" is not CHANGELOG1.md) and no
// magic (a name starting with ":").
func literal(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = ":(literal)" + p
	}
	return out
}
