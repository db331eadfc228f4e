package text

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A version number ("1.7.17", "v2.0.0", "1.11") is a word of its own:
// its numbers alone are "17" or "11", which match many commits, and its
// single digits are no words at all. It is 2 to 4 numbers joined by dots,
// a "v" before them or not (the same word either way), standing apart
// from letters and digits (Chinese, Japanese and Korean aside, written
// without spaces) and not after a dot ("go1.22", "x.1.2" and "1.2.3.4.5"
// are none). Its shorter prefixes of two or more numbers are
// words too, so that "1.7" finds the releases 1.7.0 to 1.7.17 ("what
// changed in 1.11"); a query of "1.7.17" has the prefix "1.7" as well,
// which the exact version outweighs, being rarer.
//
// A version's term spells the dots "d" behind "version"
// ("version1d7d17"): SQLite FTS5's tokenizer splits words at dots.

const (
	minVersionParts = 2
	maxVersionParts = 4
	versionPrefix   = "version"
)

// appendVersion appends the version number s starts with and its shorter
// prefixes to out, or nothing when s does not start with one.
func appendVersion(out []string, s string) []string {
	begin := 0
	if s[0] == 'v' || s[0] == 'V' {
		begin = 1
	}
	if begin == len(s) || s[begin] < '0' || s[begin] > '9' {
		return out // a word, "v" of "value" or "v.1"
	}
	i := begin
	var at [maxVersionParts]int
	ends := at[:0] // where each number ends
	for {
		j := i
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		if j == i {
			break // "1.2." ends at its last number
		}
		if len(ends) == maxVersionParts {
			return out // a fifth number: not a version
		}
		ends = append(ends, j)
		if j == len(s) || s[j] != '.' {
			break
		}
		i = j + 1
	}
	if len(ends) < minVersionParts || joinsWord(s[ends[len(ends)-1]:]) {
		return out
	}
	for k := len(ends); k >= minVersionParts; k-- {
		out = append(out, s[begin:ends[k-1]])
	}
	return out
}

// joinsWord reports whether rest, what follows a version's last number,
// starts with a letter or digit: "1.5x" is no version. Chinese, Japanese
// and Korean are written without spaces: "1.2.3版本" is one.
func joinsWord(rest string) bool {
	r, _ := utf8.DecodeRuneInString(rest)
	return rest != "" && (unicode.IsLetter(r) || unicode.IsDigit(r)) && !isCJK(r)
}

// versionWord reports whether w is a word appendVersion gives: numbers
// and dots, the dots between them.
func versionWord(w string) bool {
	return len(w) >= 3 && w[0] != '.' && strings.Trim(w, "0123456789.") == "" && strings.Contains(w, ".") &&
		!strings.Contains(w, "..") && w[len(w)-1] != '.'
}

// versionTerm reports whether the term t is a version number's (what
// Stem makes of one).
func versionTerm(t string) bool {
	nums, ok := strings.CutPrefix(t, versionPrefix)
	if !ok {
		return false
	}
	parts := strings.Split(nums, "d")
	if len(parts) < minVersionParts || len(parts) > maxVersionParts {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// Versions returns the terms of the version numbers s holds as written
// ("v1.7.17" → the term of 1.7.17), without the shorter prefixes the
// analysis adds: what a query names exactly.
func Versions(s string) []string {
	var out []string
	prev := ""
	for _, w := range Words(s) {
		if !versionWord(w) {
			continue
		}
		if prev != "" && strings.HasPrefix(prev, w+".") {
			continue // a prefix of the version before it
		}
		prev = w
		if t := Stem(w); !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
