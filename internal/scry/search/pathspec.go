package search

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/pathglob"
)

// Magic is a pathspec's magic, as git spells it before the pattern:
// ":!x", ":^x" or ":(exclude)x" leave out what x matches; ":/x" or
// ":(top)x" read x from the repository's root, not the current
// directory; ":(literal)x" is x as spelt, glob characters and all;
// ":(glob)x" is a glob read from the current directory, "*.go" the files
// there (without it, a pattern with no slash is a file name in any
// directory).
type Magic struct{ Exclude, Top, Literal, Glob bool }

// MagicHint is the hint for a pathspec magic that ParseMagic refuses.
const MagicHint = "git scry reads exclude (:!x, :^x), top (:/x), literal and glob; spell the path as the commits do (git log --name-only)"

// ParseMagic splits a pathspec into its magic and its pattern, as git
// reads one: a value that does not start with ':' has none, ":x" and
// "::x" are x. Magic git has that git scry does not read (icase, attr)
// is an error: matched as a literal path, it matched nothing, without a
// word.
func ParseMagic(arg string) (Magic, string, error) {
	var m Magic
	if !strings.HasPrefix(arg, ":") {
		return m, arg, nil
	}
	rest := arg[1:]
	if !strings.HasPrefix(rest, "(") {
		// The short form: magic characters up to the first other one,
		// or up to a ':' that ends them.
		for rest != "" {
			switch rest[0] {
			case '/':
				m.Top = true
			case '!', '^':
				m.Exclude = true
			case ':':
				return m, rest[1:], nil
			default:
				return m, rest, nil
			}
			rest = rest[1:]
		}
		return m, rest, nil
	}
	end := strings.IndexByte(rest, ')')
	if end < 0 {
		return m, "", fmt.Errorf("missing ')' at the end of the pathspec magic")
	}
	for _, word := range strings.Split(rest[1:end], ",") {
		name, _, _ := strings.Cut(word, ":")
		switch name {
		case "":
		case "exclude":
			m.Exclude = true
		case "top":
			m.Top = true
		case "literal":
			m.Literal = true
		case "glob":
			m.Glob = true
		case "icase", "attr":
			return m, "", fmt.Errorf("git scry does not read the pathspec magic %s", name)
		default:
			return m, "", fmt.Errorf("unknown pathspec magic '%s'", word)
		}
	}
	if m.Literal && m.Glob {
		return m, "", fmt.Errorf("the pathspec magic literal and glob do not go together")
	}
	return m, rest[end+1:], nil
}

// pathArg is one --path value read: its magic and its pattern.
type pathArg struct {
	Magic
	given, pattern string
	basename       bool // a file name matched in any directory ("*.go")
}

// parsePathArg reads a --path value, with a usage error for one that
// can match nothing whatever the repository (an empty value, unknown
// magic, a malformed class).
func parsePathArg(arg string) (pathArg, error) {
	if arg == "" {
		// A variable that was not set: searching the whole history
		// instead would answer another question.
		return pathArg{}, cli.Usagef("--path: empty path pattern").WithHint("use a glob like 'internal/**' or '*.go'")
	}
	m, pattern, err := ParseMagic(arg)
	if err != nil {
		return pathArg{}, cli.Usagef("--path %s: %v", cli.PrintablePath(arg), err).WithHint(MagicHint)
	}
	if pattern == "" {
		// ':!' is the current directory, ':/' the root, as in git.
		pattern = "."
	}
	pattern = filepath.ToSlash(pattern)
	pa := pathArg{Magic: m, given: arg, pattern: pattern}
	pa.basename = !m.Literal && !m.Glob && !strings.Contains(strings.TrimSuffix(pattern, "/"), "/") && pathglob.HasMeta(pattern)
	if !m.Literal {
		if _, err := CompilePattern(pattern); err != nil {
			return pathArg{}, cli.Usagef("--path: %v", err).WithHint("use a glob like 'internal/**' or '*.go'")
		}
	}
	return pa, nil
}

// CheckPathspec refuses the --path values that no repository could make
// sense of, before one is opened.
func CheckPathspec(args []string) error {
	for _, a := range args {
		if _, err := parsePathArg(a); err != nil {
			return err
		}
	}
	return nil
}

// CompilePathspec compiles the --path values as git log reads its
// pathspecs: relative to the current directory, which fromRoot makes a
// path from the repository's root (false when it is outside the
// repository; nil reads every path from the root, as in a bare
// repository). A file-name pattern without a slash ("*.go") matches in
// any directory, wherever it is given. given are the values, one for
// each pattern compiled. A positive pattern naming the root (--path .
// there) is every path: the patterns then hold only the exclusions, and
// none at all without them.
func CompilePathspec(args []string, fromRoot func(string) (string, bool)) (ps Pathspec, given []string, err error) {
	everything := false
	for _, a := range args {
		pa, err := parsePathArg(a)
		if err != nil {
			return nil, nil, err
		}
		pp, err := pa.compile(fromRoot)
		if err != nil {
			return nil, nil, err
		}
		if pp.all && !pp.exclude {
			everything = true
			continue
		}
		ps, given = append(ps, pp), append(given, a)
	}
	if everything {
		var excl Pathspec
		var exclGiven []string
		for i, pp := range ps {
			if pp.exclude {
				excl, exclGiven = append(excl, pp), append(exclGiven, given[i])
			}
		}
		return excl, exclGiven, nil
	}
	return ps, given, nil
}

// compile makes a pattern of the value, its path from the root.
func (pa pathArg) compile(fromRoot func(string) (string, bool)) (PathPattern, error) {
	var pp PathPattern
	var err error
	switch {
	case pa.basename:
		pp, err = CompilePattern(pa.pattern)
	default:
		rel, ok := "", false
		if pa.Top && !path.IsAbs(pa.pattern) || fromRoot == nil {
			rel = path.Clean(pa.pattern)
			ok = !path.IsAbs(rel) && rel != ".." && !strings.HasPrefix(rel, "../")
		} else {
			rel, ok = fromRoot(pa.pattern)
		}
		if !ok {
			return PathPattern{}, cli.Usagef("--path %s is outside the repository", cli.PrintablePath(pa.given)).WithHint("give a path inside it, relative to the current directory or the repository root")
		}
		switch {
		case rel == ".":
			// The root itself (--path . there, .. below it), as git
			// reads it: every path. As "." it matched none.
			pp = PathPattern{plain: ".", all: true}
		case pa.Literal:
			pp = PathPattern{plain: rel}
		default:
			// A path from the root, even one without a slash left:
			// './*.go' at the root is the root's .go files (it matched
			// them in every directory, as '*.go' does).
			pp, err = CompileRootPattern(rel)
		}
	}
	if err != nil {
		return PathPattern{}, cli.Usagef("--path: %v", err).WithHint("use a glob like 'internal/**' or '*.go'")
	}
	pp.exclude = pa.Exclude
	return pp, nil
}

// Pathspec is a search's --path patterns, read as git log reads its
// pathspecs: a file matches when it matches a positive pattern (any
// file, when there are only exclusions: git implies the whole tree) and
// no exclusion. A commit matches when it changed a file that matches.
type Pathspec []PathPattern

// Match reports whether the repository path p matches.
func (ps Pathspec) Match(p string) bool {
	return !ps.excluded(p) && (ps.included(p) || !ps.positive())
}

// positive says whether any pattern is not an exclusion.
func (ps Pathspec) positive() bool {
	for _, pp := range ps {
		if !pp.exclude {
			return true
		}
	}
	return false
}

// included says whether a positive pattern matches p.
func (ps Pathspec) included(p string) bool {
	for _, pp := range ps {
		if !pp.exclude && pp.Match(p) {
			return true
		}
	}
	return false
}

// excluded says whether an exclusion matches p.
func (ps Pathspec) excluded(p string) bool {
	for _, pp := range ps {
		if pp.exclude && pp.Match(p) {
			return true
		}
	}
	return false
}

// PathWarnings says, of a search that found nothing, which --path
// patterns can be why: a positive one that matches no file an indexed
// commit changed (a misspelling; it read as no commit having the
// words), or only files the exclusions exclude; exclusions alone that
// exclude every file. An exclusion that matches nothing excludes
// nothing, and is not why. given are the values as given.
func (s *Searcher) PathWarnings(ctx context.Context, ps Pathspec, given []string) ([]string, error) {
	rows, err := s.st.DB().QueryContext(ctx, `SELECT path FROM paths p WHERE EXISTS (SELECT 1 FROM files f WHERE f.path_id = p.id)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	matched := make([]bool, len(ps))
	kept := make([]bool, len(ps))
	// by[i]: the exclusions that exclude a file pattern i matches; by[-1]
	// for the whole tree, with exclusions alone.
	by := map[int]map[int]bool{}
	anyKept := false
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		var excl []int
		for i, pp := range ps {
			if pp.exclude && pp.Match(p) {
				excl = append(excl, i)
			}
		}
		note := func(i int) {
			if len(excl) == 0 {
				return
			}
			if by[i] == nil {
				by[i] = map[int]bool{}
			}
			for _, e := range excl {
				by[i][e] = true
			}
		}
		for i, pp := range ps {
			if !pp.exclude && pp.Match(p) {
				matched[i] = true
				kept[i] = kept[i] || len(excl) == 0
				note(i)
			}
		}
		anyKept = anyKept || len(excl) == 0
		note(-1)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// "--path A, --path B and --path C", and its verb.
	list := func(set map[int]bool) (string, string) {
		var names []string
		for i := range ps {
			if set[i] {
				names = append(names, "--path "+cli.PrintablePath(given[i]))
			}
		}
		if len(names) > 1 {
			return cli.AndList(names), "exclude"
		}
		return names[0], "excludes"
	}
	var out []string
	for i, pp := range ps {
		switch {
		case pp.exclude:
		case !matched[i]:
			out = append(out, fmt.Sprintf("--path %s matches no file that an indexed commit changed", cli.PrintablePath(given[i])))
		case !kept[i]:
			who, verb := list(by[i])
			out = append(out, fmt.Sprintf("--path %s matches only files that %s %s", cli.PrintablePath(given[i]), who, verb))
		}
	}
	if !ps.positive() && !anyKept && len(by[-1]) > 0 {
		who, verb := list(by[-1])
		out = append(out, fmt.Sprintf("%s %s every file that an indexed commit changed", who, verb))
	}
	return out, nil
}
