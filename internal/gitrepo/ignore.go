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
	// through); without --no-index tracked paths are left out.
	// -z (paths as they are, unquoted) reads them from stdin.
	out, err := run(ctx, r.Dir(), strings.NewReader(strings.Join(paths, "\x00")+"\x00"), "check-ignore", "-v", "-z", "--stdin")
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
	ignored := map[string]IgnoreRule{}
	for i := 0; i < len(f); i += 4 {
		if strings.HasPrefix(f[i+2], "!") {
			continue
		}
		line, err := strconv.Atoi(f[i+1])
		if err != nil {
			return nil, fmt.Errorf("git check-ignore: unexpected output %q", out)
		}
		ignored[f[i+3]] = IgnoreRule{Source: f[i], Line: line, Pattern: f[i+2]}
	}
	return ignored, nil
}
