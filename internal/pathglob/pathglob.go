// Package pathglob turns the globs users write for repository paths
// (git scry --path, guard-ignore rules) into regular expressions, so
// that every command reads a pattern the same way.
package pathglob

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Regexp compiles a glob over a whole repository-relative path: * and ?
// stay within one directory, ** crosses any number of them ("**/" also
// matches none), [abc] and [!abc] match one character of a class, and a
// '[' without a closing ']' is itself. It fails on a malformed class
// such as [z-a]. As git's pathspecs do, a pattern also names the path
// spelt as it is: app/[id]/page.tsx (a Next.js route) as well as
// app/i/page.tsx.
func Regexp(glob string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^(?:")
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; c {
		case '*':
			if i+1 < len(glob) && glob[i+1] == '*' {
				i++
				if i+1 < len(glob) && glob[i+1] == '/' {
					i++
					b.WriteString("(?:.*/)?")
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '[':
			j := strings.IndexByte(glob[i:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := glob[i+1 : i+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + class + "]")
			i += j
		default:
			// A whole character: string(c) made each byte of one
			// outside ASCII a character of its own (é became "Ã©").
			r, n := utf8.DecodeRuneInString(glob[i:])
			if r == utf8.RuneError && n == 1 {
				// Not UTF-8 (a name in Latin-1, say): regexp reads
				// such a byte of the path as U+FFFD, and only as that.
				b.WriteString(`\x{FFFD}`)
			} else {
				b.WriteString(regexp.QuoteMeta(glob[i : i+n]))
			}
			i += n - 1
		}
	}
	if utf8.ValidString(glob) {
		b.WriteString("|" + regexp.QuoteMeta(glob))
	}
	b.WriteString(")$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("bad glob %q", glob)
	}
	return re, nil
}

// HasMeta reports whether a pattern holds glob characters; one without
// them names a path (or a directory) as it is.
func HasMeta(pattern string) bool {
	return strings.ContainsAny(pattern, "*?[")
}
