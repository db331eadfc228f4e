// Package fold takes the diacritics off Latin letters: one rule for the
// commit index's terms and author filters (git scry) and the names in
// session tags (git session). It depends on no locale: every machine
// folds a text the same way.
package fold

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Latin is s lowercased, Unicode-wide, with the diacritics of its Latin
// letters dropped, "Naïve" → "naive", "crème" → "creme", whether the
// accents are precomposed or combining marks (text from macOS can be
// decomposed): a question typed without accents finds a message written
// with them, and "muller" the author "Müller". As FTS5's
// remove_diacritics, only Latin letters: in other scripts a mark can make
// another letter ("й" is not "и"). Ligatures and letters that are not a
// base letter with a mark ("æ", "ø", "ß") stay.
func Latin(s string) string { return latin(strings.ToLower(s)) }

// latin is Latin on a lowercased s.
func latin(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	prevLatin := false // the last rune kept was a Latin base letter
	for _, r := range s {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
			prevLatin = 'a' <= r && r <= 'z'
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			if !prevLatin {
				b.WriteRune(r)
			}
			continue
		}
		d := norm.NFD.String(string(r))
		base, size := utf8.DecodeRuneInString(d)
		if 'a' <= base && base <= 'z' && allMarks(d[size:]) {
			b.WriteRune(base)
			prevLatin = true
			continue
		}
		b.WriteRune(r)
		prevLatin = false
	}
	return b.String()
}

func allMarks(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Mn, r) {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
