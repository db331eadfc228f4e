package builtin

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
)

// synonymList is WordNet's synonyms, one group a line: its words, a tab,
// their terms (scripts/synonyms writes it, terms already analysed so
// that training stems nothing; its header carries WordNet's licence).
//
//go:embed synonyms.txt
var synonymList string

// synonymGroups parses synonymList's terms once.
var synonymGroups = sync.OnceValue(func() [][]string {
	var groups [][]string
	for line := range strings.Lines(synonymList) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		_, terms, _ := strings.Cut(line, "\t")
		if g := strings.Fields(terms); len(g) >= 2 {
			groups = append(groups, g)
		}
	}
	return groups
})

// retrofit moves the vectors of words that no commit message uses toward
// their synonyms' (after Faruqui et al., "Retrofitting word vectors to
// semantic lexicons", 2015). A question asks in its own words: "misprint"
// where the history says "typo", "commence" where it says "start". The
// co-occurrences of a thousand messages and a few MiB of technical text
// teach such pairs weakly; a dictionary states them. The messages' own
// terms stay where the history put them: their meaning there is what
// the repository says it is, not a dictionary's first sense.
//
// Each moving term becomes (v̂ + b·mean of its synonyms) / (1 + b),
// iterated so that chains of synonyms settle, then is normalised. groups
// hold terms (analysed words); it returns how many terms moved.
func retrofit(vecs []float32, dim int, words []string, fixed []bool, groups [][]string, b float64, iters int) int {
	index := make(map[string]int32, len(words))
	for i, w := range words {
		index[w] = int32(i)
	}
	nb := map[int32][]int32{}
	var ids []int32
	for _, g := range groups {
		ids = ids[:0]
		for _, t := range g {
			if id, ok := index[t]; ok && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		for _, a := range ids {
			if fixed[a] {
				continue
			}
			for _, c := range ids {
				if a != c && !slices.Contains(nb[a], c) {
					nb[a] = append(nb[a], c)
				}
			}
		}
	}
	moving := make([]int32, 0, len(nb))
	for id := range nb {
		moving = append(moving, id)
	}
	slices.Sort(moving) // one order, so one model for one text
	at := make(map[int32]int32, len(moving))
	for k, id := range moving {
		at[id] = int32(k)
	}
	// A neighbour is either fixed, and its share of the sum is the same
	// in every round, or moving itself; the moving rows are worked on in
	// a compact copy.
	cur := make([]float32, len(moving)*dim)
	base := make([]float32, len(moving)*dim) // v̂/(1+b) + the fixed neighbours' share
	next := make([][]int32, len(moving))     // moving neighbours, as indices of cur
	share := make([]float32, len(moving))    // b/n/(1+b)
	row := func(m []float32, k int32) []float32 { return m[int(k)*dim : int(k+1)*dim] }
	for k, id := range moving {
		ns := nb[id]
		share[k] = float32(b / float64(len(ns)) / (1 + b))
		bk := row(base, int32(k))
		axpy4f32(bk, row(vecs, id), bk, bk, bk, float32(1/(1+b)), 0, 0, 0)
		for _, j := range ns {
			if m, ok := at[j]; ok {
				next[k] = append(next[k], m)
			} else {
				axpy4f32(bk, row(vecs, j), bk, bk, bk, share[k], 0, 0, 0)
			}
		}
		copy(row(cur, int32(k)), row(vecs, id))
	}
	for range iters {
		for k := range moving {
			r := row(cur, int32(k))
			copy(r, row(base, int32(k)))
			ns, a := next[k], share[k]
			i := 0
			for ; i+4 <= len(ns); i += 4 {
				axpy4f32(r, row(cur, ns[i]), row(cur, ns[i+1]), row(cur, ns[i+2]), row(cur, ns[i+3]), a, a, a, a)
			}
			for ; i < len(ns); i++ {
				axpy4f32(r, row(cur, ns[i]), r, r, r, a, 0, 0, 0)
			}
		}
	}
	for k, id := range moving {
		r := row(vecs, id)
		copy(r, row(cur, int32(k)))
		normalize(r)
	}
	return len(moving)
}
