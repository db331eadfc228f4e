package search

import (
	"container/heap"
	"context"
	"runtime"
	"sync"

	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// queryError is the embedder failing on a query, as opposed to the
// index.
type queryError struct{ err error }

func (e *queryError) Error() string { return "embedding the query: " + e.err.Error() }
func (e *queryError) Unwrap() error { return e.err }

// semantic ranks commits by the cosine of their message vector with the
// query's (vectors are L2-normalised; stored as int8 with a scale), brute
// force over every chunk: at 50,000 commits that is a few hundred rows
// and a few million multiply-adds.
func (s *Searcher) semantic(ctx context.Context, query string, allow *idSet, n int) ([]scored, error) {
	vecs, err := s.emb.EmbedQueries(ctx, []string{query})
	if err != nil {
		return nil, &queryError{err}
	}
	if len(vecs) != 1 || len(vecs[0]) != s.vs.Dim {
		return nil, nil
	}
	q := vecs[0]
	if isZero(q) {
		// No word of the query is known to the embedder (only stop words,
		// or words no text it learned from has): every commit would
		// score 0, and the list would be the history in id order.
		return nil, nil
	}
	o, err := s.ties(ctx)
	if err != nil {
		return nil, err
	}
	if s.cache != nil && s.cache.Vectors != nil {
		return scoreParallel(q, s.cache.Vectors, allow, n, o), nil
	}
	top := &minHeap{order: o}
	err = s.st.ScanVectors(ctx, s.vs, func(c *store.Chunk) error {
		scoreInto(top, q, c, 0, len(c.IDs), allow, n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return drain(top), nil
}

func isZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// parallelFrom is the number of vectors above which scoring is shared
// between the CPUs: below it, starting goroutines costs more than it
// saves.
const parallelFrom = 8192

// scoreParallel scores the mapped vectors, split between the CPUs.
func scoreParallel(q []float32, c *store.Chunk, allow *idSet, n int, o tieOrder) []scored {
	total := len(c.IDs)
	workers := 1
	if total >= parallelFrom {
		workers = max(1, min(runtime.GOMAXPROCS(0), 4))
	}
	heaps := make([]minHeap, workers)
	for w := range heaps {
		heaps[w].order = o
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := total*w/workers, total*(w+1)/workers
		wg.Add(1)
		go func(top *minHeap) {
			defer wg.Done()
			scoreInto(top, q, c, lo, hi, allow, n)
		}(&heaps[w])
	}
	wg.Wait()
	top := &heaps[0]
	for _, h := range heaps[1:] {
		for _, x := range h.items {
			push(top, x, n)
		}
	}
	return drain(top)
}

// scoreInto scores vectors lo..hi of a chunk, keeping the n best.
func scoreInto(top *minHeap, q []float32, c *store.Chunk, lo, hi int, allow *idSet, n int) {
	dim := c.Dim
	for i := lo; i < hi; i++ {
		id := c.IDs[i]
		if allow.blocks(id) {
			continue
		}
		push(top, scored{id, float64(dot(q, c.Vecs[i*dim:(i+1)*dim]) * c.Scales[i])}, n)
	}
}

// push keeps the n best in a min-heap.
func push(top *minHeap, x scored, n int) {
	switch {
	case top.Len() < n:
		heap.Push(top, x)
	case top.order.ahead(x, top.items[0]):
		top.items[0] = x
		heap.Fix(top, 0)
	}
}

// drain empties the heap, best first.
func drain(top *minHeap) []scored {
	out := make([]scored, top.Len())
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(top).(scored)
	}
	return out
}

// dot is the inner product of a float32 query and an int8 vector.
func dot(q []float32, v []int8) float32 {
	v = v[:len(q)]
	if haveAVX2 && len(q) >= 16 {
		n := len(q) &^ 15
		return dotAVX(q, v) + dotGo(q[n:], v[n:])
	}
	return dotGo(q, v)
}

// dotGo is dot in Go; four accumulators keep the loop's dependency
// chains short.
func dotGo(q []float32, v []int8) float32 {
	v = v[:len(q)]
	var a0, a1, a2, a3 float32
	i := 0
	for ; i+4 <= len(q); i += 4 {
		a0 += q[i] * float32(v[i])
		a1 += q[i+1] * float32(v[i+1])
		a2 += q[i+2] * float32(v[i+2])
		a3 += q[i+3] * float32(v[i+3])
	}
	for ; i < len(q); i++ {
		a0 += q[i] * float32(v[i])
	}
	return a0 + a1 + a2 + a3
}

// minHeap holds the best hits so far, the worst on top; equal scores in
// the order of ties.
type minHeap struct {
	items []scored
	order tieOrder
}

func (h *minHeap) Len() int           { return len(h.items) }
func (h *minHeap) Less(i, j int) bool { return h.order.ahead(h.items[j], h.items[i]) }
func (h *minHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *minHeap) Push(x any)         { h.items = append(h.items, x.(scored)) }
func (h *minHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}
