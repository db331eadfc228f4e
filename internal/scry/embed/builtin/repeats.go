package builtin

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A busy project's history holds hundreds of near-identical automated
// commits: "ignore: update download stats 2025-07-14" every day, "chore:
// format code", "release: v0.15.3", dependabot's "chore(deps): bump vite
// from 5.4.2 to 5.4.3". Counted each time, they multiply their few
// words' co-occurrences and make up much of the documents idf counts;
// training counts such a message once, at its first appearance. Every
// commit is still embedded (docs/benchmarks.md, "Search quality").

// distinctMessages is the messages without those that repeat an earlier
// one (repeatKey), in their order.
func distinctMessages(msgs []string) []string {
	seen := make(map[string]struct{}, len(msgs))
	out := make([]string, 0, len(msgs))
	var buf []byte
	for _, m := range msgs {
		buf = appendRepeatKey(buf[:0], m)
		if _, ok := seen[string(buf)]; ok {
			continue
		}
		seen[string(buf)] = struct{}{}
		out = append(out, m)
	}
	return out
}

// repeatKey is what two messages that repeat each other share: the
// message lowercased, its spaces collapsed, and its numbers masked. A
// run of letters and digits that holds a digit is masked whole when it
// is a hexadecimal hash (seven hex digits or more: "a1b2c3d") and digit
// run by digit run otherwise, so dates (2025-07-14), versions (v0.15.3,
// 1.2.3-rc.1), issue and pull request numbers (#1234) and hashes differ
// in nothing, while words stay as they are ("sha256", "v2" and "ipv6"
// keep their letters).
func repeatKey(msg string) string { return string(appendRepeatKey(nil, msg)) }

func appendRepeatKey(b []byte, msg string) []byte {
	msg = strings.TrimSpace(msg)
	space := false
	for i := 0; i < len(msg); {
		k, r, n := classAt(msg, i)
		if k == kSpace {
			space = true
			i += n
			continue
		}
		if space {
			b = append(b, ' ')
			space = false
		}
		if k == kOther {
			b = appendLower(b, r)
			i += n
			continue
		}
		// A run of letters and digits: msg[i:j].
		j, digit, hex := i, false, true
		for j < len(msg) {
			k, r, n := classAt(msg, j)
			if k != kLetter && k != kDigit {
				break
			}
			digit = digit || k == kDigit
			hex = hex && (k == kDigit || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F')
			j += n
		}
		if digit && hex && j-i >= 7 {
			b = append(b, '#')
			i = j
			continue
		}
		prevDigit := false
		for i < j {
			k, r, n := classAt(msg, i)
			switch {
			case k != kDigit:
				b = appendLower(b, r)
			case !prevDigit:
				b = append(b, '#')
			}
			prevDigit = k == kDigit
			i += n
		}
	}
	return b
}

// What a character is to repeatKey.
const (
	kOther = iota
	kSpace
	kLetter
	kDigit // a decimal digit of any script ("２０２５" is a date too)
)

// classAt is the class of the character at msg[i], the character and
// its length.
func classAt(msg string, i int) (int, rune, int) {
	c := msg[i]
	if c < utf8.RuneSelf {
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			return kLetter, rune(c), 1
		case c >= '0' && c <= '9':
			return kDigit, rune(c), 1
		case c == ' ' || c >= '\t' && c <= '\r':
			return kSpace, rune(c), 1
		}
		return kOther, rune(c), 1
	}
	r, n := utf8.DecodeRuneInString(msg[i:])
	switch {
	case unicode.IsDigit(r):
		return kDigit, r, n
	case unicode.IsLetter(r):
		return kLetter, r, n
	case unicode.IsSpace(r):
		return kSpace, r, n
	}
	return kOther, r, n
}

func appendLower(b []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(b, byte(r))
	}
	return utf8.AppendRune(b, unicode.ToLower(r))
}
