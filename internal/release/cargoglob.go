package release

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Cargo expands a [workspace] members entry with the glob crate's glob(),
// whose patterns are not Go's (filepath.Match): "**" is any number of
// directories, "[!a]" is the negation ("[^a]" holds a "^"), a backslash
// is a character like any other (Go's escape), "*" and "?" match a
// leading dot. What follows is that crate's pattern and walk, on Unix,
// with default options. Not package pathglob: that reads the globs
// verdigris's own users write, as git reads pathspecs (a '[' class also
// naming the path spelt as it is); these are Cargo's, read as Cargo
// reads them, or the release bumps other crates than cargo build sees.

// globPattern is one path component of a pattern.
type globPattern struct {
	tokens    []globToken
	recursive bool // the component is "**"
	meta      bool // it holds a wildcard: matched against a directory's names
}

type globToken struct {
	kind byte // 'c' a character, '?', '*', '[' one of set, '!' none of set
	r    rune
	set  [][2]rune // inclusive ranges; a single character is [c, c]
}

// compileGlob reads one path component as the glob crate's Pattern::new
// does, with its errors.
func compileGlob(c string) (globPattern, error) {
	if c == "**" {
		return globPattern{recursive: true, meta: true}, nil
	}
	rs := []rune(c)
	var p globPattern
	for i := 0; i < len(rs); {
		switch rs[i] {
		case '?':
			p.tokens = append(p.tokens, globToken{kind: '?'})
			p.meta = true
			i++
		case '*':
			n := 0
			for i < len(rs) && rs[i] == '*' {
				n, i = n+1, i+1
			}
			if n > 2 {
				return p, errors.New("wildcards are either regular `*` or recursive `**`")
			}
			if n == 2 {
				return p, errors.New("recursive wildcards must form a single path component")
			}
			p.tokens = append(p.tokens, globToken{kind: '*'})
			p.meta = true
		case '[':
			// The first character after "[" or "[!" is in the set even
			// when it is "]": "[]]" is "]", "[!]]" anything but.
			kind, from := byte('['), i+1
			if i+1 < len(rs) && rs[i+1] == '!' {
				kind, from = '!', i+2
			}
			j := -1
			if from+1 < len(rs) {
				if k := indexRune(rs[from+1:], ']'); k >= 0 {
					j = from + 1 + k
				}
			}
			if j < 0 {
				return p, errors.New("invalid range pattern")
			}
			t := globToken{kind: kind}
			s := rs[from:j]
			for k := 0; k < len(s); {
				if k+2 < len(s) && s[k+1] == '-' {
					t.set = append(t.set, [2]rune{s[k], s[k+2]})
					k += 3
				} else {
					t.set = append(t.set, [2]rune{s[k], s[k]})
					k++
				}
			}
			p.tokens = append(p.tokens, t)
			p.meta = true
			i = j + 1
		default:
			p.tokens = append(p.tokens, globToken{kind: 'c', r: rs[i]})
			i++
		}
	}
	return p, nil
}

func indexRune(rs []rune, r rune) int {
	for i, c := range rs {
		if c == r {
			return i
		}
	}
	return -1
}

func (p globPattern) match(name string) bool {
	if p.recursive {
		return true
	}
	return matchGlobTokens(p.tokens, []rune(name))
}

func matchGlobTokens(ts []globToken, s []rune) bool {
	for i, t := range ts {
		if t.kind == '*' {
			for k := 0; k <= len(s); k++ {
				if matchGlobTokens(ts[i+1:], s[k:]) {
					return true
				}
			}
			return false
		}
		if len(s) == 0 {
			return false
		}
		c := s[0]
		s = s[1:]
		switch t.kind {
		case 'c':
			if c != t.r {
				return false
			}
		case '[', '!':
			in := false
			for _, r := range t.set {
				if r[0] <= c && c <= r[1] {
					in = true
					break
				}
			}
			if in != (t.kind == '[') {
				return false
			}
		}
	}
	return len(s) == 0
}

// cargoMemberDirs returns the member directories a members entry names
// in the workspace at wsDir, as Cargo finds them: what glob() yields for
// wsDir joined with the entry, the directories among them (through
// symbolic links), and the entry as a plain path when it matches nothing
// at all. wsDir itself is a path, never a pattern (Cargo would read a
// "[" in it as one). A directory that cannot be read matches nothing, as
// with filepath.Glob; Cargo refuses the workspace.
func cargoMemberDirs(wsDir, entry string) ([]string, error) {
	base := wsDir
	if strings.HasPrefix(entry, "/") {
		base = "/"
	}
	var comps []globPattern
	var literal []string
	for _, c := range strings.Split(entry, "/") {
		if c == "" {
			continue // a//b, a trailing slash: the same directory
		}
		p, err := compileGlob(c)
		if err != nil {
			return nil, err
		}
		comps = append(comps, p)
		literal = append(literal, c)
	}
	var found []string
	// fill finds what comps[i:] matches below p, which comps[:i] matched.
	var fill func(p string, i int)
	fill = func(p string, i int) {
		if i == len(comps) {
			found = append(found, p)
			return
		}
		c := comps[i]
		if !c.meta {
			name := literal[i]
			if name == "." || name == ".." {
				if isDir(p) {
					fill(filepath.Join(p, name), i+1)
				}
			} else if _, err := os.Lstat(filepath.Join(p, name)); err == nil {
				fill(filepath.Join(p, name), i+1)
			}
			return
		}
		if !c.recursive {
			for _, e := range readDirNames(p) {
				if c.match(e) {
					fill(filepath.Join(p, e), i+1)
				}
			}
			// "." and ".." are names only to a pattern that begins with
			// a literal dot.
			if len(c.tokens) > 0 && c.tokens[0].kind == 'c' && c.tokens[0].r == '.' && isDir(p) {
				for _, s := range []string{".", ".."} {
					if c.match(s) {
						fill(filepath.Join(p, s), i+1)
					}
				}
			}
			return
		}
		// "**" (several in a row are one): each directory below p, at
		// any depth, is a match when it ends the pattern; otherwise
		// each entry below p, at any depth, is matched by name against
		// the component after it.
		j := i
		for j+1 < len(comps) && comps[j+1].recursive {
			j++
		}
		// A link back to a directory being walked is not walked again:
		// glob() would go round until the path had too many links in it
		// (and Cargo then refuses the workspace), each round a copy.
		var stack []os.FileInfo
		var walk func(d string, fi os.FileInfo)
		walk = func(d string, fi os.FileInfo) {
			for _, s := range stack {
				if os.SameFile(s, fi) {
					return
				}
			}
			stack = append(stack, fi)
			defer func() { stack = stack[:len(stack)-1] }()
			for _, e := range readDirNames(d) {
				q := filepath.Join(d, e)
				qi, err := os.Stat(q)
				dir := err == nil && qi.IsDir()
				if dir {
					walk(q, qi)
				}
				if j == len(comps)-1 {
					if dir {
						found = append(found, q)
					}
				} else if comps[j+1].match(e) {
					fill(q, j+2)
				}
			}
		}
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			walk(p, fi)
		}
	}
	fill(base, 0)
	if len(found) == 0 {
		// Cargo keeps an entry that matches nothing as a path: a crate
		// in a directory named "[x]" is a member by that name.
		return []string{filepath.Join(base, entry)}, nil
	}
	var dirs []string
	seen := map[string]bool{}
	for _, f := range found {
		if !seen[f] && isDir(f) {
			seen[f] = true
			dirs = append(dirs, f)
		}
	}
	sort.Strings(dirs)
	return dirs, nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// readDirNames lists p's entries, none when p is no directory or cannot
// be read.
func readDirNames(p string) []string {
	es, err := os.ReadDir(p)
	if err != nil {
		return nil
	}
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.Name()
	}
	return names
}
