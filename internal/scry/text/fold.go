package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldLatin takes the diacritics off the Latin letters of a lowercased
// word, "naïve" → "naive", "crème" → "creme", whether the accents are
// precomposed or combining marks (text from macOS can be decomposed):
// a question typed without accents finds a message written with them,
// and the other way round. As FTS5's remove_diacritics, only Latin
// letters: in other scripts a mark can make another letter ("й" is not
// "и"). Ligatures and letters that are not a base letter with a mark
// ("æ", "ø", "ß") stay.
func foldLatin(w string) string {
	if isASCII(w) {
		return w
	}
	var b strings.Builder
	b.Grow(len(w))
	prevLatin := false // the last rune kept was a Latin base letter
	for _, r := range w {
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

// Fold is s lowercased, Unicode-wide, with the diacritics of its Latin
// letters dropped, as the analysis folds words: for comparing names
// ("muller" and "Müller", "ÉLODIE" and "elodie"), which SQLite's LIKE
// folds only for ASCII letters.
func Fold(s string) string { return foldLatin(strings.ToLower(s)) }
