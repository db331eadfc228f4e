package builtin

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/scry/text"
)

func TestSynonymListIsWellFormed(t *testing.T) {
	// The terms are the analysis's: when internal/scry/text changes, they
	// are written again from the words.
	an := text.NewAnalyzer()
	for line := range strings.Lines(synonymList) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		words, terms, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		var want []string
		for _, w := range strings.Fields(words) {
			if t, keep := an.Term(w); keep && !slices.Contains(want, t) {
				want = append(want, t)
			}
		}
		if !ok || terms != strings.Join(want, " ") {
			t.Fatalf("synonyms.txt: %q has terms %q, the analysis gives %q\nhint: go run ./scripts/synonyms -restem internal/scry/embed/builtin/synonyms.txt", words, terms, want)
		}
	}
	groups := synonymGroups()
	if len(groups) < 10000 {
		t.Fatalf("%d synonym groups, want WordNet's (about 13,500)", len(groups))
	}
	for _, g := range groups {
		for i, w := range g {
			if !isLetters(w) {
				t.Fatalf("group %q: %q is not a lower-case term", g, w)
			}
			if slices.Contains(g[:i], w) {
				t.Fatalf("group %q repeats %q", g, w)
			}
		}
	}
	for _, want := range [][]string{{"misprint", "typo"}, {"begin", "start"}, {"mistak", "error"}} {
		if !slices.ContainsFunc(groups, func(g []string) bool { return slices.Contains(g, want[0]) && slices.Contains(g, want[1]) }) {
			t.Errorf("no group holds both %q and %q", want[0], want[1])
		}
	}
}

func isLetters(w string) bool {
	for _, c := range w {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return w != ""
}

func TestRetrofitMovesOnlyWordsTheHistoryLacks(t *testing.T) {
	an := text.NewAnalyzer()
	term := func(w string) string { s, _ := an.Term(w); return s }
	// typo is a history term (fixed); misprint and erratum are not; begin
	// has no synonym in the vocabulary; apple is in no group.
	words := []string{term("typo"), term("misprint"), term("erratum"), term("begin"), term("apple")}
	fixed := []bool{true, false, false, false, false}
	const dim = 5
	vecs := make([]float32, len(words)*dim)
	for i := range words {
		vecs[i*dim+i] = 1 // orthogonal unit vectors
	}
	before := slices.Clone(vecs)
	groups := [][]string{{term("misprint"), term("erratum"), term("typo"), term("literal")}, {term("begin"), term("start"), term("commence")}}
	moved := retrofit(vecs, dim, words, fixed, groups, 1, 10)
	if moved != 2 {
		t.Errorf("moved %d terms, want 2 (misprint, erratum)", moved)
	}
	row := func(v []float32, i int) []float32 { return v[i*dim : (i+1)*dim] }
	for _, i := range []int{0, 3, 4} {
		if !slices.Equal(row(vecs, i), row(before, i)) {
			t.Errorf("%s moved: %v → %v", words[i], row(before, i), row(vecs, i))
		}
	}
	for _, i := range []int{1, 2} {
		if c := cos(row(vecs, i), row(vecs, 0)); c < 0.3 {
			t.Errorf("cos(%s, typo) = %.3f after retrofitting, want ≥ 0.3 (was 0)", words[i], c)
		}
		if n := norm(row(vecs, i)); math.Abs(n-1) > 1e-5 {
			t.Errorf("%s has norm %g", words[i], n)
		}
		if c := cos(row(vecs, i), row(before, i)); c < 0.3 {
			t.Errorf("%s lost its own meaning: cos with itself before = %.3f", words[i], c)
		}
	}
}

// A question's word that no commit uses finds the commit that says it
// in other words: the model learns "misprint" only from a document, and
// the dictionary says it means "typo".
func TestTrainRetrofitsQueryWords(t *testing.T) {
	ctx := context.Background()
	src := smallSources()
	for range 3 {
		src.Commits = append(src.Commits, "fix typo in the readme")
		src.Documents = append(src.Documents, "A misprint in a table of the plugin manual.")
	}
	groups := [][]string{{"misprint", "typo"}}
	plain, err := Train(ctx, src, Options{Dim: 8, Retrofit: -1, Synonyms: groups})
	if err != nil {
		t.Fatal(err)
	}
	fitted, err := Train(ctx, src, Options{Dim: 8, Synonyms: groups})
	if err != nil {
		t.Fatal(err)
	}
	if n := plain.Meta().Synonyms; n != 0 {
		t.Errorf("without retrofitting, Meta().Synonyms = %d", n)
	}
	if n := fitted.Meta().Synonyms; n != 1 {
		t.Errorf("Meta().Synonyms = %d, want 1 (misprint)", n)
	}
	sim := func(m *Model) float64 {
		return cos(m.Embed("misprint", true), m.Embed("fix typo in the readme", false))
	}
	if a, b := sim(plain), sim(fitted); b <= a+0.1 {
		t.Errorf("cos(misprint, the typo commit) = %.3f retrofitted, %.3f not: want it clearly closer", b, a)
	}
}
