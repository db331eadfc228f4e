package builtin

import (
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/verdigris-dev/verdigris/internal/scry/text"
)

// analyseIDs cuts every text into term segments (as segments does) with
// the terms as ids: terms lists them in the order first seen, texts in
// order. It runs on all cores, each worker analysing every distinct word
// once, and allocates no string per term: megabytes of machine text are
// analysed on every cold index, while git computes the patches on the
// same cores.
func analyseIDs(texts []string) (terms []string, docs [][][]int32) {
	workers := min(runtime.GOMAXPROCS(0), 8)
	if len(texts) < 64 {
		workers = 1
	}
	docs = make([][][]int32, len(texts))
	local := make([]*idAnalyzer, workers)
	var wg sync.WaitGroup
	for w := range workers {
		local[w] = newIDAnalyzer()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(texts); i += workers {
				docs[i] = local[w].segments(texts[i])
			}
		}()
	}
	wg.Wait()
	// Local ids become global ones in the order the texts are in, so
	// the result does not depend on the number of workers.
	ids := map[string]int32{}
	global := make([][]int32, workers)
	for w, a := range local {
		global[w] = make([]int32, len(a.terms))
		for i := range global[w] {
			global[w][i] = -1
		}
	}
	for i, segs := range docs {
		g, a := global[i%workers], local[i%workers]
		for _, seg := range segs {
			for j, id := range seg {
				if g[id] < 0 {
					t := a.terms[id]
					gid, ok := ids[t]
					if !ok {
						gid = int32(len(terms))
						ids[t] = gid
						terms = append(terms, t)
					}
					g[id] = gid
				}
				seg[j] = g[id]
			}
		}
	}
	return terms, docs
}

// idAnalyzer is one worker's analysis into local term ids.
type idAnalyzer struct {
	an    *text.Analyzer
	words map[string]int32 // a word as Words gives it → its term's id, -1: dropped
	ids   map[string]int32 // term → id
	terms []string
	buf   []string
	flat  []int32 // a text's term ids, segment after segment
	ends  []int   // where each of its segments ends in flat
}

func newIDAnalyzer() *idAnalyzer {
	return &idAnalyzer{an: text.NewAnalyzer(), words: map[string]int32{}, ids: map[string]int32{}}
}

func (a *idAnalyzer) segments(s string) [][]int32 {
	// The text's ids are gathered in the analyser's buffer and copied
	// into one array that its segments share: a slice grown term by term
	// for each of the machine's 85,000 paragraphs was a tenth of the
	// analysis, and as much again in collecting their garbage.
	flat, ends := a.flat[:0], a.ends[:0]
	eachLine(s, func(line string) {
		a.buf = text.AppendWords(a.buf[:0], line)
		for _, w := range a.buf {
			id, ok := a.words[w]
			if !ok {
				id = -1
				if t, keep := a.an.Term(w); keep && !text.LexicalOnly(t) && !text.Compound(w) {
					if id, ok = a.ids[t]; !ok {
						id = int32(len(a.terms))
						a.ids[t] = id
						a.terms = append(a.terms, t)
					}
				}
				// A copy: the word may be part of a large text.
				a.words[strings.Clone(w)] = id
			}
			if id >= 0 {
				flat = append(flat, id)
			}
		}
	}, func() {
		if n := len(ends); n == 0 && len(flat) > 0 || n > 0 && len(flat) > ends[n-1] {
			ends = append(ends, len(flat))
		}
	})
	a.flat, a.ends = flat, ends
	if len(ends) == 0 {
		return nil
	}
	ids := slices.Clone(flat)
	out := make([][]int32, len(ends))
	from := 0
	for i, end := range ends {
		out[i] = ids[from:end:end] // capped: appending to one copies it
		from = end
	}
	return out
}
