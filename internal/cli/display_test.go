package cli

import (
	"strings"
	"testing"
)

func TestWidth(t *testing.T) {
	for s, want := range map[string]int{
		"":                           0,
		"fix: tidy up":               12,
		"café":                       4,
		"cafe\u0301":                 4, // e and a combining acute accent
		"日本語のコミット":                   16,
		"✨ feat: sparkles":           17,
		"ｆｕｌｌ":                       8,
		"\x1b[33mok\x1b[0m":          2,
		"\x1b[2mdim\x1b[0m 日本":       8,
		"zero\u200bwidth space":      15,
		"한국어":                        6,
		"x\x1b":                      1,
		"emoji 🐛 fixed, no variants": 27,
	} {
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d; want %d", s, got, want)
		}
	}
}

func TestFit(t *testing.T) {
	for _, c := range []struct {
		s    string
		w    int
		want string
	}{
		{"abc", 5, "abc  "},
		{"abcdef", 5, "abcd…"},
		{"日本語", 6, "日本語"},
		{"日本語", 8, "日本語  "},
		{"日本語のコミット", 10, "日本語の… "}, // a wide character is not split
		{"日本語のコミット", 9, "日本語の…"},
	} {
		got := Fit(c.s, c.w)
		if got != c.want {
			t.Errorf("Fit(%q, %d) = %q; want %q", c.s, c.w, got, c.want)
		}
		if Width(got) != c.w {
			t.Errorf("Fit(%q, %d) is %d columns wide", c.s, c.w, Width(got))
		}
	}
}

// A table's columns line up on the terminal whatever its cells hold:
// wide characters and colour sequences included.
func TestTableAlignsWideAndPaintedCells(t *testing.T) {
	var tb Table
	tb.Row("FILE", "COUNT", "LAST")
	tb.Row("日本語.md", "3", "2024-01-02")
	tb.Row(Paint(true, "green", "ok"), "12", "2024-01-03")
	tb.Row("plain.go", "1")
	var b strings.Builder
	if err := tb.Write(&b); err != nil {
		t.Fatal(err)
	}
	want := "FILE       COUNT  LAST\n" +
		"日本語.md  3      2024-01-02\n" +
		"\x1b[32mok\x1b[0m         12     2024-01-03\n" +
		"plain.go   1\n"
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
	for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")[:3] {
		if i := strings.Index(line, "20"); i >= 0 && Width(line[:i]) != 18 {
			t.Errorf("%q: LAST starts at column %d; want 18", line, Width(line[:i]))
		}
	}
}

func TestPrintable(t *testing.T) {
	for s, want := range map[string]string{
		"fix: tidy up":                        "fix: tidy up",
		"日本語 ✨":                               "日本語 ✨",
		"\x1b]0;pwned\x07title":               `\x1b]0;pwned\atitle`,
		"\x1b[2Jclear":                        `\x1b[2Jclear`,
		"ok\rfake":                            `ok\rfake`,
		"tab\there":                           `tab\there`,
		"c1 \u009b31m":                        `c1 \u009b31m`,
		"del\x7f":                             `del\x7f`,
		"\x1b]52;c;ZWNobyBoaQ==\x07clipboard": `\x1b]52;c;ZWNobyBoaQ==\aclipboard`,
		// Bidirectional overrides and isolates reorder what follows
		// them on the line (a file "z\u202eevil.txt" reads
		// "ztxt.live"; a subject turns the score after it around):
		// shown, not obeyed. Marks (LRM, RLM) and joiners stay.
		"z\u202etxt.exe":      `z\u202etxt.exe`,
		"a\u2066b\u2069c":     `a\u2066b\u2069c`,
		"\u202aembed\u202c":   `\u202aembed\u202c`,
		"mark\u200e\u200dzwj": "mark\u200e\u200dzwj",
		// A byte that is not UTF-8 (a Latin-1 file name) is shown as
		// what it is, not as U+FFFD: the name can be typed back.
		"bad\xffname.txt": `bad\xffname.txt`,
		"caf\xe9 \x1b":    `caf\xe9 \x1b`,
		"real \ufffd":     "real \ufffd",
	} {
		if got := Printable(s); got != want {
			t.Errorf("Printable(%q) = %q; want %q", s, got, want)
		}
	}
}

func TestPrintableText(t *testing.T) {
	for s, want := range map[string]string{
		"## 1.2.0\n\n- fix: tidy up\n":          "## 1.2.0\n\n- fix: tidy up\n",
		"- a\tb\n- \x1b]0;pwned\x07title\n":     "- a\tb\n- \\x1b]0;pwned\\atitle\n",
		"- ok\r\n- \x1b]52;c;aGk=\x07\n- plain": "- ok\\r\n- \\x1b]52;c;aGk=\\a\n- plain",
	} {
		if got := PrintableText(s); got != want {
			t.Errorf("PrintableText(%q) = %q; want %q", s, got, want)
		}
	}
}

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n    int
		noun string
		want string
	}{{0, "commit", "0 commits"}, {1, "commit", "1 commit"}, {2, "fix", "2 fixes"}, {1, "fix", "1 fix"}, {3, "relevant commit prefix", "3 relevant commit prefixes"}, {2, "class", "2 classes"}, {2, "query", "2 queries"}, {1, "query", "1 query"}, {2, "vault key", "2 vault keys"}} {
		if got := Count(c.n, c.noun); got != c.want {
			t.Errorf("Count(%d, %q) = %q, want %q", c.n, c.noun, got, c.want)
		}
	}
}

func TestPrintablePath(t *testing.T) {
	for p, want := range map[string]string{
		"internal/cli/display.go": "internal/cli/display.go",
		"日本語.txt":                 "日本語.txt",
		" ":                       `" "`,
		"  ":                      `"  "`,
		"":                        `""`,
		"a ":                      `"a "`,
		"my file.txt":             `"my file.txt"`,
		"tab\there":               `"tab\there"`,
		"evil\x1b[2J.txt":         `"evil\x1b[2J.txt"`,
		"bad\xffname.txt":         `"bad\xffname.txt"`,
		"z\u202etxt.exe":          `"z\u202etxt.exe"`,
		`a\x1b`:                   `"a\\x1b"`,
		`"quoted"`:                `"\"quoted\""`,
	} {
		if got := PrintablePath(p); got != want {
			t.Errorf("PrintablePath(%q) = %s, want %s", p, got, want)
		}
	}
}
