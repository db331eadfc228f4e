package search

import (
	"container/heap"
	"context"

	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// semantic ranks commits by the cosine of their message vector with the
// query's (vectors are L2-normalised; stored as int8 with a scale), brute
// force over every chunk: at 50,000 commits that is a few hundred rows
// and a few million multiply-adds.
func (s *Searcher) semantic(ctx context.Context, query string, allow map[int64]bool, n int) ([]scored, error) {
	vecs, err := s.emb.EmbedQueries(ctx, []string{query})
	if err != nil {
		return nil, err
	}
	if len(vecs) != 1 || len(vecs[0]) != s.vs.Dim {
		return nil, nil
	}
	q := vecs[0]
	top := &minHeap{}
	err = s.st.ScanVectors(ctx, s.vs, func(c *store.Chunk) error {
		dim := c.Dim
		for i, id := range c.IDs {
			if allow != nil && !allow[id] {
				continue
			}
			sc := float64(dot(q, c.Vecs[i*dim:(i+1)*dim]) * c.Scales[i])
			if top.Len() < n {
				heap.Push(top, scored{id, sc})
			} else if sc > (*top)[0].score {
				(*top)[0] = scored{id, sc}
				heap.Fix(top, 0)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]scored, top.Len())
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(top).(scored)
	}
	return out, nil
}

// dot is the inner product of a float32 query and an int8 vector; four
// accumulators keep the loop's dependency chains short.
func dot(q []float32, v []int8) float32 {
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

type minHeap []scored

func (h minHeap) Len() int { return len(h) }
func (h minHeap) Less(i, j int) bool {
	if h[i].score != h[j].score {
		return h[i].score < h[j].score
	}
	return h[i].id < h[j].id
}
func (h minHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *minHeap) Push(x any)   { *h = append(*h, x.(scored)) }
func (h *minHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
