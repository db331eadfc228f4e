// Package text is the one text analysis of the commit index: the lexical
// index, the queries against it and the built-in embedder all see the same
// terms. A term is a lowercased word, identifiers split into their parts
// (camelCase, snake_case, kebab-case, dotted paths), the diacritics of
// Latin letters dropped ("naïve" is "naive"), runs of Chinese, Japanese
// and Korean characters taken as their overlapping pairs (their words
// are written without spaces), each emoji a word, a version number
// (1.7.17, v2.0.0) a word besides its numbers, stop words dropped, and
// each word spelled the American way and reduced to its English
// (Porter2) stem.
package text

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"

	"github.com/verdigris-dev/verdigris/internal/fold"
)

// Words splits s into lowercased words, splitting identifiers into their
// parts: "parseHTTPHeader" → parse, http, header; "max_retry_count" → max,
// retry, count. Numbers are kept as words; a version number is also a
// word of its own (appendVersion). No stemming, no stop words.
func Words(s string) []string { return AppendWords(nil, s) }

// AppendWords appends the words of s (as Words splits them) to out: for
// analysing large texts line by line into one reused slice.
func AppendWords(out []string, s string) []string {
	start := -1
	inCJK := false // the run from start is of CJK characters
	var ch compound
	flush := func(end int) {
		if start >= 0 {
			switch w := s[start:end]; {
			case inCJK:
				out = appendBigrams(out, w)
			case isASCIIWord(w):
				out = append(out, w) // the common case, without a slice of one
			default:
				out = append(out, splitIdentifier(w)...)
			}
			if !inCJK {
				out = ch.next(out, s, start, end)
			} else {
				ch.parts = 0
			}
			start = -1
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		var word, cjk bool
		size := 1
		if c < utf8.RuneSelf {
			word = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			if isEmoji(r) {
				// A word of its own (gitmoji's 🐛 says "bug fix"), never
				// part of the letters around it.
				flush(i)
				out = append(out, s[i:i+size])
				i += size
				continue
			}
			// A combining mark belongs to the letter before it.
			mark := start >= 0 && unicode.Is(unicode.Mn, r)
			cjk = isCJK(r) || mark && inCJK
			word = cjk || mark || unicode.IsLetter(r) || unicode.IsDigit(r)
		}
		if word && start >= 0 && cjk != inCJK {
			flush(i) // "修复bug": a CJK run and a word of other letters
		}
		if word {
			if start < 0 {
				if ('0' <= c && c <= '9' || c|0x20 == 'v') && (i == 0 || s[i-1] != '.') {
					// A version number ("发布1.2.3" too): its
					// numbers follow as the words they always were.
					out = appendVersion(out, s[i:])
				}
				start, inCJK = i, cjk
			}
		} else {
			flush(i)
		}
		i += size
	}
	flush(len(s))
	return out
}

// compound follows the runs of letters that hyphens join ("go-git",
// "pre-commit", "built-in", "end-to-end"): such a word is written both
// ways, and the closed form is also the identifier a program names it by
// (gogit, precommit, builtin), so a whole hyphenated word of two to
// maxCompoundParts ASCII letter runs is also a word of its own, after its
// parts, lowercased with its hyphens (Compound), whose term is the closed
// form. Its parts alone are words most texts use ("go", "git", "commit"):
// the compound is what finds the texts that name the thing. A hyphenated
// word with a digit or another script in it ("utf-8", "x86-64") is not
// one: its number parts are words of their own.
type compound struct {
	from, end int // the chain's first run starts at from, its last ends at end
	parts     int // runs so far; 0 when there is no chain
}

const maxCompoundParts = 4

// next takes the run s[start:end] that was just split into words and
// appends the compound that it completes, if any.
func (c *compound) next(out []string, s string, start, end int) []string {
	letters := asciiLetters(s[start:end])
	switch {
	case !letters:
		c.parts = 0
		return out
	case c.parts > 0 && start == c.end+1 && s[c.end] == '-':
		c.parts++
	case start >= 2 && s[start-1] == '-' && isASCIIAlnum(s[start-2]):
		// The rest of a hyphenated word whose earlier part was no
		// letter run ("v2-beta"): not a compound.
		c.parts = 0
		return out
	default:
		c.from, c.parts = start, 1
	}
	c.end = end
	if end+1 < len(s) && s[end] == '-' && isASCIIAlnum(s[end+1]) {
		return out // the word goes on
	}
	if c.parts >= 2 && c.parts <= maxCompoundParts {
		out = append(out, lowerASCII(s[c.from:end]))
	}
	c.parts = 0
	return out
}

// Compound reports whether w, a word of Words, is a hyphenated word's
// closed form (see compound). Its term is searched lexically only: the
// built-in model learns the parts, which every text that writes it has,
// and learning the closed forms too cost its paraphrased queries (seeds
// 1–3 on the lefthook sets: semantic MRR 0.284 → 0.238 on the second
// set, docs/benchmarks.md).
func Compound(w string) bool { return strings.IndexByte(w, '-') >= 0 }

func asciiLetters(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return w != ""
}

func isASCIIAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z'
}

// isCJK reports whether r is of a script written without spaces between
// words (Han, hiragana, katakana) or one whose words take particles
// without a space (Hangul), including the kana length mark (サーバー).
func isCJK(r rune) bool {
	return r == 'ー' || r == 'ｰ' || unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// EmojiTerm reports whether the term t is an emoji's (what Stem makes of
// one).
func EmojiTerm(t string) bool {
	hex, ok := strings.CutPrefix(t, "emoji")
	if !ok || hex == "" {
		return false
	}
	r, err := strconv.ParseInt(hex, 16, 32)
	return err == nil && isEmoji(rune(r)) && strconv.FormatInt(r, 16) == hex
}

// LexicalOnly reports whether the term t is searched lexically only,
// never learned or embedded by the built-in model: an emoji's or a
// version number's. A model learns a word from the many texts it is
// used in, and these are each in a handful.
func LexicalOnly(t string) bool { return EmojiTerm(t) || versionTerm(t) }

// isEmoji reports whether r is an emoji picture (🐛, ✨, ⚡, ⬆): a symbol
// of the emoji blocks, not a modifier (skin tones) or a joiner.
func isEmoji(r rune) bool {
	return (r >= 0x1F000 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF || r >= 0x2B00 && r <= 0x2BFF) && unicode.Is(unicode.So, r)
}

// appendBigrams appends a run of CJK characters as its overlapping pairs
// ("修复登录" → 修复, 复登, 登录), as search engines index these scripts:
// the run is a phrase, not a word, and a word of it ("登录") is the pair
// it makes. A lone character is itself.
func appendBigrams(out []string, run string) []string {
	_, a := utf8.DecodeRuneInString(run)
	if a == len(run) {
		return append(out, run)
	}
	for i := 0; i+a < len(run); {
		_, b := utf8.DecodeRuneInString(run[i+a:])
		out = append(out, run[i:i+a+b])
		i, a = i+a, b
	}
	return out
}

// splitIdentifier splits one run of letters and digits at case changes and
// letter/digit boundaries, lowercasing the parts.
func splitIdentifier(w string) []string {
	if len(w) == 0 {
		return nil
	}
	if isASCIIWord(w) {
		return []string{w} // the common case: nothing to split or lower
	}
	if isASCII(w) {
		return splitASCII(w)
	}
	return splitRunes(w)
}

// splitRunes is splitIdentifier on runes, for words with non-ASCII letters.
func splitRunes(w string) []string {
	var parts []string
	runes := []rune(w)
	begin := 0
	for i := 1; i < len(runes); i++ {
		prev, cur := runes[i-1], runes[i]
		split := false
		switch {
		case unicode.IsLower(prev) && unicode.IsUpper(cur):
			split = true // camel|Case
		case unicode.IsUpper(prev) && unicode.IsUpper(cur) && i+1 < len(runes) && unicode.IsLower(runes[i+1]):
			split = true // HTTP|Header
		case unicode.IsDigit(prev) != unicode.IsDigit(cur) && (unicode.IsLetter(prev) || unicode.IsLetter(cur)):
			// v2 and sha256 stay whole: only split long letter runs from numbers.
			split = i-begin > 3 && len(runes)-i > 0 && unicode.IsLetter(prev) && wordLen(runes[i:]) > 2
		}
		if split {
			parts = append(parts, fold.Latin(string(runes[begin:i])))
			begin = i
		}
	}
	parts = append(parts, fold.Latin(string(runes[begin:])))
	return parts
}

// splitASCII is splitIdentifier for ASCII letters and digits, on bytes:
// the same rules without converting to runes.
func splitASCII(w string) []string {
	lower := func(c byte) bool { return c >= 'a' && c <= 'z' }
	upper := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	digits := func(s string) int {
		n := 0
		for n < len(s) && digit(s[n]) {
			n++
		}
		return n
	}
	var parts []string
	begin := 0
	for i := 1; i < len(w); i++ {
		prev, cur := w[i-1], w[i]
		split := false
		switch {
		case lower(prev) && upper(cur):
			split = true
		case upper(prev) && upper(cur) && i+1 < len(w) && lower(w[i+1]):
			split = true
		case digit(prev) != digit(cur):
			split = i-begin > 3 && !digit(prev) && digits(w[i:]) > 2
		}
		if split {
			parts = append(parts, lowerASCII(w[begin:i]))
			begin = i
		}
	}
	return append(parts, lowerASCII(w[begin:]))
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func wordLen(r []rune) int {
	n := 0
	for _, c := range r {
		if !unicode.IsDigit(c) {
			break
		}
		n++
	}
	return n
}

// Stem reduces a lowercased word to its stem, a British spelling first
// respelled the American way (American).
func Stem(w string) string {
	if r, n := utf8.DecodeRuneInString(w); n == len(w) && isEmoji(r) {
		// FTS5's tokenizer drops symbols: the emoji's term is its code
		// point in letters and digits, which it keeps.
		return "emoji" + strconv.FormatInt(int64(r), 16)
	}
	if Compound(w) {
		w = strings.ReplaceAll(w, "-", "")
	}
	if versionWord(w) {
		return versionPrefix + strings.ReplaceAll(w, ".", "d")
	}
	if utf8.RuneCountInString(w) <= 2 || !isASCIIWord(w) {
		return w
	}
	return english.Stem(American(w), true)
}

func isASCIIWord(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !(c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// IsStopWord reports whether a lowercased word carries no meaning for search.
func IsStopWord(w string) bool {
	_, ok := stopWords[w]
	return ok
}

// Terms is the analysis used everywhere: words, stop words dropped, stemmed.
// Single characters are dropped; numbers of two or more digits are kept
// (issue and PR numbers, versions).
func Terms(s string) []string { return terms(s, Stem) }

func terms(s string, stem func(string) string) []string {
	words := Words(s)
	out := words[:0]
	for _, w := range words {
		if len(w) < 2 || IsStopWord(w) {
			continue
		}
		out = append(out, stem(w))
	}
	return out
}

// PlainTerms is Terms less the closed forms of hyphenated words
// (Compound): the terms the built-in model learns and embeds.
func PlainTerms(s string) []string {
	words := Words(s)
	out := words[:0]
	for _, w := range words {
		if len(w) < 2 || IsStopWord(w) || Compound(w) {
			continue
		}
		out = append(out, Stem(w))
	}
	return out
}

// Analyzer gives the same terms as Terms, remembering each word's stem:
// for analysing large corpora, where stemming dominates the cost and most
// words repeat. Not safe for concurrent use.
type Analyzer struct{ stems map[string]string }

// NewAnalyzer returns an empty Analyzer.
func NewAnalyzer() *Analyzer { return &Analyzer{stems: map[string]string{}} }

// Terms is Terms(s).
func (a *Analyzer) Terms(s string) []string { return terms(s, a.stem) }

// Term is the term a word of Words becomes, and false when the word is
// dropped (a single character or a stop word).
func (a *Analyzer) Term(w string) (string, bool) {
	if len(w) < 2 || IsStopWord(w) {
		return "", false
	}
	return a.stem(w), true
}

func (a *Analyzer) stem(w string) string {
	if st, ok := a.stems[w]; ok {
		return st
	}
	st := Stem(w)
	a.stems[w] = st
	return st
}

var stopWords = map[string]struct{}{}

func init() {
	for _, w := range strings.Fields(`a about above after again against all am an and any are as at be
	because been before being below between both but by can could did do does doing down during each
	few for from further had has have having he her here hers herself him himself his how i if in into
	is it its itself just me more most my myself no nor not now of off on once only or other our ours
	ourselves out over own same she should so some such than that the their theirs them themselves then
	there these they this those through to too under until up very was we were what when where which
	while who whom why will with would you your yours yourself yourselves also via etc its let lets
	did does done may might must shall use used using whilst`) {
		stopWords[w] = struct{}{}
	}
}
