package text

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	for in, want := range map[string][]string{
		"parseHTTPHeader(x)":       {"parse", "http", "header", "x"},
		"max_retry_count = 3":      {"max", "retry", "count", "3"},
		"internal/scry/store.go":   {"internal", "scry", "store", "go"},
		"sha256 v2 utf8":           {"sha256", "v2", "utf8"},
		"Fix TCP listener; don't!": {"fix", "tcp", "listener", "don", "t"},
		"XMLHttpRequest":           {"xml", "http", "request"},
		"lefthook-commits.jsonl":   {"lefthook", "commits", "lefthook-commits", "jsonl"},
		"":                         nil,
		"Überprüfung naïve—café²":  {"uberprufung", "naive", "cafe"},
		"bad\xffbyte ok\xc3":       {"bad", "byte", "ok"},
		"日本語テキスト 2024年":            {"日本", "本語", "語テ", "テキ", "キス", "スト", "2024", "年"},
	} {
		if got := Words(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Words(%q) = %q; want %q", in, got, want)
		}
	}
}

// A hyphenated word is also its closed form ("go-git" names what a
// program calls gogit): git scry --mode lexical go-git found every commit
// that says "go" or "git", the ones about go-git among hundreds. Only runs
// of ASCII letters, two to four of them, make one.
func TestCompoundWords(t *testing.T) {
	for in, want := range map[string][]string{
		"switch to go-git":        {"switch", "to", "go", "git", "go-git"},
		"Pre-Commit hooks":        {"pre", "commit", "pre-commit", "hooks"},
		"end-to-end, e-mail":      {"end", "to", "end", "end-to-end", "e", "mail", "e-mail"},
		"--no-verify":             {"no", "verify", "no-verify"},
		"fooBar-baz":              {"foo", "bar", "baz", "foobar-baz"},
		"a-b-c-d-e":               {"a", "b", "c", "d", "e"}, // five parts: an identifier, not a word
		"utf-8 x86-64 v2-beta-rc": {"utf", "8", "x86", "64", "v2", "beta", "rc"},
		"foo-bar-2":               {"foo", "bar", "2"},
		"foo--bar foo - bar foo-": {"foo", "bar", "foo", "bar", "foo"},
		"naïve-ish":               {"naive", "ish"},
		"修复-bug":                  {"修复", "bug"},
	} {
		if got := Words(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Words(%q) = %q; want %q", in, got, want)
		}
	}
	// Its term is the closed form, stemmed: "built-in" finds builtin, and
	// "pre-commits" precommit. The built-in model does not learn it.
	if got, want := Terms("the built-in pre-commits"), []string{"built", "builtin", "pre", "commit", "precommit"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Terms = %q; want %q", got, want)
	}
	if got, want := PlainTerms("the built-in pre-commits"), []string{"built", "pre", "commit"}; !reflect.DeepEqual(got, want) {
		t.Errorf("PlainTerms = %q; want %q", got, want)
	}
	if !Compound("go-git") || Compound("gogit") {
		t.Error("Compound: want true for go-git only")
	}
}

// Latin letters lose their diacritics, precomposed or combining (text
// from macOS may be decomposed); other scripts and letters that are not
// a base letter with a mark keep theirs.
// Chinese and Japanese are written without spaces: a run of their
// characters was one word, and "登录" did not find "修复登录错误". A run
// is its overlapping pairs, a lone character itself; it ends where other
// letters start.
func TestCJKPairs(t *testing.T) {
	for in, want := range map[string][]string{
		"修复登录错误":   {"修复", "复登", "登录", "录错", "错误"},
		"修复bug":    {"修复", "bug"},
		"fixBug修复": {"fix", "bug", "修复"},
		"サーバーの設定":  {"サー", "ーバ", "バー", "ーの", "の設", "設定"},
		"로그인을 고침":  {"로그", "그인", "인을", "고침"},
		"改 a 改":    {"改", "a", "改"},
		"ガ\u3099":  {"ガ\u3099"},
	} {
		if got := Words(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Words(%q) = %q; want %q", in, got, want)
		}
	}
	// A query's word is a pair of the commit's run.
	if q, c := Terms("登录"), Terms("修复登录错误"); len(q) != 1 || !slices.Contains(c, q[0]) {
		t.Errorf("Terms(登录) = %q, not among %q", q, c)
	}
}

// An emoji (gitmoji's 🐛, ✨) was no word: 'git scry 🐛' found nothing.
// Each is a word of its own; a variation selector, a skin tone or a
// joiner is not, and box drawing and other symbols stay out.
func TestEmojiWords(t *testing.T) {
	for in, want := range map[string][]string{
		"🐛 fix the parser":     {"🐛", "fix", "the", "parser"},
		"✨🐛release":            {"✨", "🐛", "release"},
		"⬆\ufe0f bump deps":    {"⬆", "bump", "deps"},
		"👍🏽 ok":                {"👍", "ok"},
		"👨\u200d💻 dev":         {"👨", "💻", "dev"},
		"── table ── © 2024 ✓": {"table", "2024", "✓"},
	} {
		if got := Words(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Words(%q) = %q; want %q", in, got, want)
		}
	}
	// Its term is letters and digits, which FTS5's tokenizer keeps.
	if got := Terms("🐛 ⬆\ufe0f"); !reflect.DeepEqual(got, []string{"emoji1f41b", "emoji2b06"}) {
		t.Errorf("Terms(🐛 ⬆) = %q", got)
	}
	if got := NewAnalyzer().Terms("✨"); !reflect.DeepEqual(got, []string{"emoji2728"}) {
		t.Errorf("Analyzer.Terms(✨) = %q", got)
	}
}

func TestDiacriticsFolded(t *testing.T) {
	for in, want := range map[string][]string{
		"naïve crème brûlée":      {"naiv", "creme", "brule"},
		"nai\u0308ve cre\u0300me": {"naiv", "creme"},
		"Résumé parseÉcole":       {"resum", "pars", "ecol"},
		"йод и\u0306 Ærø straße":  {"йод", "и\u0306", "ærø", "straße"},
		"\u0308orphan mark":       {"orphan", "mark"},
		"Ångström façade":         {"angstrom", "facad"},
	} {
		if got := Terms(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Terms(%q) = %q; want %q", in, got, want)
		}
	}
	// A question typed without accents meets a message written with them.
	if a, b := Terms("the naïve café résumé"), Terms("the naive cafe resume"); !reflect.DeepEqual(a, b) {
		t.Errorf("with accents %q, without %q", a, b)
	}
}

func TestTerms(t *testing.T) {
	got := Terms("Stop listening on the TCP sockets; daemons listened")
	want := []string{"stop", "listen", "tcp", "socket", "daemon", "listen"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Terms = %q; want %q", got, want)
	}
}

func TestAnalyzerMatchesTerms(t *testing.T) {
	a := NewAnalyzer()
	for _, s := range []string{
		"Stop listening on the TCP sockets; daemons listened",
		"parseHTTPHeader max_retry_count sha256 v2 Übergrößen naïve café",
		"listening listening LISTENING", "",
	} {
		for range 2 { // the second round is served from the memo
			if got, want := a.Terms(s), Terms(s); !reflect.DeepEqual(got, want) {
				t.Errorf("Analyzer.Terms(%q) = %q; want %q", s, got, want)
			}
		}
	}
}

// The ASCII path splits exactly as the rune path does.
func TestSplitASCIIMatchesRunes(t *testing.T) {
	words := []string{"parseHTTPHeader", "XMLHttpRequest", "sha256", "v2", "utf8", "Base64Encode", "ID", "Id", "getID2", "abcd1234", "abc123",
		"Version2026", "x", "AB", "aB", "Ab", "HTTP2Server", "go1x", "a1b2c3d4", "CamelCase99", "ALLCAPS", "lower", "MyHTTPClient123ABC"}
	const alphabet = "aZ09bYcX1"
	for i := 0; i < 3000; i++ {
		n := 1 + i%9
		b := make([]byte, n)
		for j := range b {
			b[j] = alphabet[(i*7+j*13+i/9*j)%len(alphabet)]
		}
		words = append(words, string(b))
	}
	for _, w := range words {
		got, want := splitASCII(w), splitRunes(w)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("splitASCII(%q) = %q; the rune path gives %q", w, got, want)
		}
	}
}

func BenchmarkAnalyzer(b *testing.B) {
	s := strings.Repeat("Fix parseHTTPHeader so that MaxRetryCount applies to the TCP listener; the daemon's HTTP2Server restarts after SIGHUP and reloads config.yaml (v2).\n", 64)
	b.SetBytes(int64(len(s)))
	for range b.N {
		NewAnalyzer().Terms(s)
	}
}

func TestEmojiTerm(t *testing.T) {
	for term, want := range map[string]bool{
		Stem("🐛"): true, Stem("✨"): true,
		"emoji": false, "emojiface": false, "emoji01f41b": false, "emoji1f41bx": false, "bug": false,
	} {
		if got := EmojiTerm(term); got != want {
			t.Errorf("EmojiTerm(%q) = %v, want %v", term, got, want)
		}
	}
}

// A version number was only its numbers of two or more digits: "1.7.17"
// was "17", which matches many commits, and "git scry 1.7.17" did not
// find the release. A version (2 to 4 numbers joined by dots, an
// optional v before) is also a word of its own, its shorter prefixes
// too ("1.7" finds the 1.7 releases); its numbers stay words.
func TestVersionWords(t *testing.T) {
	for in, want := range map[string][]string{
		"1.7.17: fix the parser": {"1.7.17", "1.7", "1", "7", "17", "fix", "the", "parser"},
		"release v2.0.0":         {"release", "2.0.0", "2.0", "v2", "0", "0"},
		"V1.11 notes":            {"1.11", "v1", "11", "notes"},
		"lefthook-1.12.4-rc1":    {"lefthook", "1.12.4", "1.12", "1", "12", "4", "rc1"},
		"pkg@1.2.3.4.":           {"pkg", "1.2.3.4", "1.2.3", "1.2", "1", "2", "3", "4"},
		"(1.5)":                  {"1.5", "1", "5"},
		"发布v1.2.3版本":             {"发布", "1.2.3", "1.2", "v1", "2", "3", "版本"},
		// Not versions: five numbers, one number, letters or a dot
		// joined on, a decimal run into a unit.
		"1.2.3.4.5":   {"1", "2", "3", "4", "5"},
		"v2 and 12":   {"v2", "and", "12"},
		"go1.22.3":    {"go1", "22", "3"},
		"x.1.2":       {"x", "1", "2"},
		"1.5x faster": {"1", "5x", "faster"},
		"v.1.2":       {"v", "1", "2"},
		"1..2":        {"1", "2"},
	} {
		if got := Words(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Words(%q) = %q; want %q", in, got, want)
		}
	}
	// Its term is letters and digits, which FTS5's tokenizer keeps; "v"
	// or not, the same term.
	want := []string{"version1d7d17", "version1d7", "17", "fix"}
	if got := Terms("1.7.17: fix"); !reflect.DeepEqual(got, want) {
		t.Errorf("Terms(1.7.17: fix) = %q; want %q", got, want)
	}
	if got := NewAnalyzer().Terms("v1.7.17 fix"); !reflect.DeepEqual(got, []string{"version1d7d17", "version1d7", "v1", "17", "fix"}) {
		t.Errorf("Analyzer.Terms(v1.7.17 fix) = %q", got)
	}
}

// Emoji and version numbers are searched lexically only: the built-in
// embedder leaves them out.
func TestLexicalOnly(t *testing.T) {
	for term, want := range map[string]bool{
		Stem("🐛"): true, Stem("1.7.17"): true, Stem("2.0"): true, Stem("1.2.3.4"): true,
		"version": false, "version1": false, "version1d": false, "versiond1": false,
		"version1d2d3d4d5": false, "version1x2": false, "17": false, "v2": false, "bug": false,
	} {
		if got := LexicalOnly(term); got != want {
			t.Errorf("LexicalOnly(%q) = %v, want %v", term, got, want)
		}
	}
}

func TestVersions(t *testing.T) {
	for in, want := range map[string][]string{
		"when did we ship v1.7.17":     {"version1d7d17"},
		"1.7.17 and 1.7.17 and 2.0":    {"version1d7d17", "version2d0"},
		"what changed in 1.11":         {"version1d11"},
		"bump go1.22, 17 commits, x.1": nil,
	} {
		if got := Versions(in); !slices.Equal(got, want) {
			t.Errorf("Versions(%q) = %q, want %q", in, got, want)
		}
	}
}
