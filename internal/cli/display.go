package cli

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Width is how many terminal columns s takes: East Asian wide and
// fullwidth characters (CJK, most emoji) two, combining marks, format
// characters and ANSI colour sequences none, any other character one.
// fmt's padding and text/tabwriter count runes instead, which pushes the
// columns after a Japanese subject or a gitmoji out of line.
func Width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == '\x1b' {
			i += escapeLen(s[i:])
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	if r < 0x300 {
		return 1
	}
	if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// escapeLen is the length of the ANSI control sequence s starts with
// (ESC [ parameters final-byte), or 1 for a lone ESC.
func escapeLen(s string) int {
	if len(s) < 2 || s[1] != '[' {
		return 1
	}
	for i := 2; i < len(s); i++ {
		if s[i] >= 0x40 && s[i] <= 0x7e {
			return i + 1
		}
	}
	return len(s)
}

// Fit makes s exactly w columns wide: cut, ending in "…", when it is
// wider, padded with spaces when it is narrower.
func Fit(s string, w int) string {
	if sw := Width(s); sw <= w {
		return s + strings.Repeat(" ", w-sw)
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		rw := runeWidth(r)
		if used+rw > w-1 {
			break
		}
		b.WriteRune(r)
		used += rw
	}
	b.WriteString("…")
	return b.String() + strings.Repeat(" ", w-1-used)
}

// Printable shows the control characters of s (escape, carriage return,
// backspace, the C1 controls) as Go escapes ("\x1b", "\r"), so that text
// from a repository (a commit subject, a file name) shown on a terminal
// cannot move the cursor, retitle the window, write the clipboard or
// hide what follows it. Text without control characters is returned as
// it is. So are the bidirectional embeddings, overrides and isolates,
// which reorder the rest of the line ("Trojan Source"): a file named
// "z\u202etxt.exe" read "zexe.txt", and the columns after a subject
// holding one came out reversed.
//
// A byte that is not UTF-8 (a Latin-1 file name) is shown as a Go
// escape too ("\xff"): as U+FFFD it could not be typed back to git.
func Printable(s string) string {
	if strings.IndexFunc(s, unprintable) < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				b.WriteString(`\x` + strconv.FormatUint(uint64(s[i])>>4, 16) + strconv.FormatUint(uint64(s[i])&15, 16))
				continue
			}
		}
		if !unprintable(r) {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRune(r) // '\x1b'
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}

// PrintablePath is a file name as a message or a listing shows it: as
// it is when it reads unambiguously, else in double quotes with Go's
// escapes, the C-style quoting of git's core.quotePath. A name that is
// empty or holds a space (" ", "a " read as nothing, or as "a"), a control
// character, a bidirectional override, a byte that is not UTF-8, a
// backslash (a literal "\x1b" read as an escaped one) or a leading
// quote is quoted; "internal/cli/display.go" is not.
func PrintablePath(p string) string {
	if p != "" && Printable(p) == p && !strings.HasPrefix(p, `"`) && strings.IndexFunc(p, func(r rune) bool { return r == '\\' || unicode.IsSpace(r) }) < 0 {
		return p
	}
	return strconv.Quote(p)
}

// PrintableText is Printable for text of several lines (release notes):
// line breaks and tabs stay, every other control character is shown as
// a Go escape.
func PrintableText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		parts := strings.Split(l, "\t")
		for k, p := range parts {
			parts[k] = Printable(p)
		}
		lines[i] = strings.Join(parts, "\t")
	}
	return strings.Join(lines, "\n")
}

// Count renders "1 commit", "2 commits", "3 fixes", "4 queries": n and
// the noun, plural unless n is 1.
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	switch {
	case strings.HasSuffix(noun, "x") || strings.HasSuffix(noun, "s"):
		noun += "es"
	case len(noun) > 1 && noun[len(noun)-1] == 'y' && !strings.ContainsRune("aeiou", rune(noun[len(noun)-2])):
		noun = noun[:len(noun)-1] + "ies"
	default:
		noun += "s"
	}
	return strconv.Itoa(n) + " " + noun
}

func unprintable(r rune) bool {
	return unicode.IsControl(r) || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}
