package builtin

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// analyseIDs must give exactly what segments gives with modelTerms (the
// one text analysis, less emoji and version numbers), with ids in the order terms are first seen, however
// many workers share the texts.
func TestAnalyseIDsMatchesSegments(t *testing.T) {
	texts := []string{
		"Fix the parseHTTPHeader crash\n\nThe max_retry_count was ignored.\nSigned-off-by: A <a@b.c>",
		"```\ncode that is skipped\n```\nafter the fence: Überprüfung naïve café",
		"",
		"see https://example.com/x and [the docs](docs/x.md) | --- |",
		"a an the of is",         // stop words only
		"🐛 fix the crash ✨",      // emoji: searched, not learned
		"1.7.17: release v2.0.0", // version numbers: searched, not learned
	}
	for i := range 150 {
		texts = append(texts, fmt.Sprintf("Commit %d touches runHooks%d and the Installer\n\nparagraph two: hooks, installing, installed v2 sha256 %d", i, i%7, i*31))
	}
	terms, docs := analyseIDs(texts)
	seen := map[string]bool{}
	var order []string
	for i, s := range texts {
		want := segments(s, modelTerms)
		var got [][]string
		for _, seg := range docs[i] {
			var words []string
			for _, id := range seg {
				words = append(words, terms[id])
			}
			got = append(got, words)
		}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("text %d: got %q, want %q", i, got, want)
		}
		for _, seg := range want {
			for _, w := range seg {
				if !seen[w] {
					seen[w] = true
					order = append(order, w)
				}
			}
		}
	}
	if !slices.Equal(terms, order) {
		t.Errorf("terms not in first-seen order:\n got %q\nwant %q", terms, order)
	}
}

// The machine's own text, analysed both ways (skipped where there is none).
func TestAnalyseMachineTextMatchesSegments(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the machine's text")
	}
	docs, _ := machineDocuments(context.Background(), MachineLimits{MaxBytes: 2 << 20, Timeout: time.Minute, GoRoot: findGoRoot(), PythonLib: findPythonLib(), ManDir: "/usr/share/man"})
	if len(docs) == 0 {
		t.Skip("no machine text here")
	}
	mc := AnalyseMachineText(docs)
	var want []string
	for _, d := range docs {
		for _, seg := range segments(d, modelTerms) {
			want = append(want, strings.Join(seg, " "))
		}
	}
	if len(mc.Segs) != len(want) {
		t.Fatalf("%d segments, want %d", len(mc.Segs), len(want))
	}
	for i, seg := range mc.Segs {
		var words []string
		for _, id := range seg {
			words = append(words, mc.Terms[id])
		}
		if got := strings.Join(words, " "); got != want[i] {
			t.Fatalf("segment %d: got %q, want %q", i, got, want[i])
		}
	}
}

// Emoji, version numbers and hyphenated words' closed forms are searched
// lexically only: the model neither learns nor embeds their terms, only
// the numbers of two or more digits it always had ("17" of "1.7.17", "v2"
// of "v2.0.0") and a hyphenated word's parts.
func TestModelTermsLeaveOutLexicalOnly(t *testing.T) {
	const msg = "1.7.17: fix the crash 🐛 in v2.0.0 with go-git"
	got := modelTerms(msg)
	if want := []string{"17", "fix", "crash", "v2", "go", "git"}; !slices.Equal(got, want) {
		t.Errorf("modelTerms = %q; want %q", got, want)
	}
	terms, docs := analyseIDs([]string{msg})
	if n := len(docs[0][0]); n != 6 {
		t.Errorf("analyseIDs kept %d terms; want 6", n)
	}
	if slices.Contains(terms, "gogit") {
		t.Errorf("analyseIDs learned the closed form gogit: %q", terms)
	}
}
