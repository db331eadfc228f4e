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
