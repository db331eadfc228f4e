package text

import (
	"reflect"
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
		"lefthook-commits.jsonl":   {"lefthook", "commits", "jsonl"},
		"":                         nil,
	} {
		if got := Words(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Words(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestTerms(t *testing.T) {
	got := Terms("Stop listening on the TCP sockets; daemons listened")
	want := []string{"stop", "listen", "tcp", "socket", "daemon", "listen"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Terms = %q; want %q", got, want)
	}
}

// The ASCII fast path of identifier splitting must agree with the general
// one on every input.
func TestSplitASCIIAgreesWithRunes(t *testing.T) {
	alphabet := "aZ09_xYQb7"
	var gen func(prefix string, n int)
	count := 0
	gen = func(prefix string, n int) {
		if n == 0 {
			return
		}
		for i := 0; i < len(alphabet); i++ {
			w := prefix + alphabet[i:i+1]
			if fast, slow := splitASCIIIdentifier(w), splitRunes(w); !reflect.DeepEqual(fast, slow) {
				t.Fatalf("split(%q): ascii %q, runes %q", w, fast, slow)
			}
			count++
			gen(w, n-1)
		}
	}
	gen("", 5)
	for _, w := range []string{"parseHTTPHeader", "sha256sum", "utf8Decode", "version1234", "HTTP2Server", "abcd1234efgh", "X509Certificate"} {
		if fast, slow := splitASCIIIdentifier(w), splitRunes(w); !reflect.DeepEqual(fast, slow) {
			t.Fatalf("split(%q): ascii %q, runes %q", w, fast, slow)
		}
	}
}

func splitRunes(w string) []string { return splitRuneIdentifier(w) }

func TestAnalyzerAgreesWithTerms(t *testing.T) {
	a := NewAnalyzer()
	for _, s := range []string{
		"Stop listening on the TCP sockets; daemons listened",
		"feat(config): parseHTTPHeader and max_retry_count in lefthook-commits.jsonl",
		"Ünïcode wörds, café and naïve résumé",
		"fix: Fix fixes fixed fixing",
	} {
		for i := 0; i < 2; i++ { // the second time from the memo
			if got, want := a.Terms(s), Terms(s); !reflect.DeepEqual(got, want) {
				t.Errorf("Analyzer.Terms(%q) = %q; want %q", s, got, want)
			}
		}
	}
}
