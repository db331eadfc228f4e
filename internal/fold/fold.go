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
func Latin(s string) string { return latin(strings.ToLower(s), false) }

// LatinASCII is Latin, and the Latin letters that are no base letter
// with a mark spelled in ASCII too, as people write their names where
// only ASCII goes: "Bjørn" → "bjorn", "Straße" → "strasse", "Þóra" →
// "thora" (spelled). A Latin name comes out ASCII; letters of other
// scripts stay as they are. For names: those that must be ASCII (tag
// names) and those matched as people type them (git scry --author); not
// for the index's terms, which keep "ø" a letter of its own as FTS5 does.
func LatinASCII(s string) string { return latin(strings.ToLower(s), true) }

// spelled are the lower-case Latin letters (Latin-1 and Latin
// Extended-A, and the digraphs) that have no canonical decomposition
// into a base letter and marks, spelled in ASCII letters. A letter with
// a mark on one of them ("ǿ", "ǽ") is spelled as that letter.
var spelled = map[rune]string{
	'æ': "ae", 'ð': "d", 'ø': "o", 'þ': "th", 'ß': "ss",
	'đ': "d", 'ħ': "h", 'ı': "i", 'ĳ': "ij", 'ĸ': "k", 'ŀ': "l", 'ł': "l",
	'ŉ': "n", 'ŋ': "ng", 'œ': "oe", 'ŧ': "t", 'ſ': "s",
	'ǆ': "dz", 'ǉ': "lj", 'ǌ': "nj", 'ǳ': "dz",
}

// latin is Latin on a lowercased s, and LatinASCII when spell is set.
func latin(s string, spell bool) string {
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
		if t, ok := spelled[base]; ok && spell && allMarks(d[size:]) {
			b.WriteString(t)
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
