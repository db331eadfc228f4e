package builtin

import (
	"math"
	"slices"
)

// cooccurrence holds symmetric windowed co-occurrence counts, each pair
// once (lower id first), weighted by 1/distance.
type cooccurrence struct {
	n     int
	pairs map[uint64]float32
}

func newCooccurrence(n int) *cooccurrence {
	return &cooccurrence{n: n, pairs: make(map[uint64]float32, 1<<16)}
}

func (c *cooccurrence) count(segs [][]int32, remap []int32, window int, weight float32) {
	if weight <= 0 {
		return
	}
	buf := make([]int32, 0, 64)
	for _, seg := range segs {
		buf = buf[:0]
		for _, id := range seg {
			if v := remap[id]; v >= 0 {
				buf = append(buf, v)
			}
		}
		for i, a := range buf {
			for d := 1; d <= window && i+d < len(buf); d++ {
				b := buf[i+d]
				if a == b {
					continue
				}
				lo, hi := a, b
				if lo > hi {
					lo, hi = hi, lo
				}
				c.pairs[uint64(lo)<<32|uint64(hi)] += weight / float32(d)
			}
		}
	}
}

// csr is a sparse matrix in compressed sparse row form.
type csr struct {
	rows, cols int
	ptr        []int32
	col        []int32
	val        []float32
}

// ppmi turns the counts into a symmetric matrix of positive pointwise
// mutual information, with the context distribution raised to alpha
// (which keeps rare contexts from dominating) and the PMI shifted down by
// shift. Symmetric: both directions use the smoothed distribution.
func (c *cooccurrence) ppmi(alpha, shift float64) *csr {
	// Visit pairs in key order: float sums must not depend on map order,
	// or two trainings on the same text would differ.
	keys := make([]uint64, 0, len(c.pairs))
	for k := range c.pairs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	marg := make([]float64, c.n)
	var total float64
	for _, k := range keys {
		v := c.pairs[k]
		a, b := int(k>>32), int(k&0xffffffff)
		marg[a] += float64(v)
		marg[b] += float64(v)
		total += 2 * float64(v)
	}
	// Smoothed marginals: P_a(x) = m(x)^α / Σ m^α.
	smooth := make([]float64, c.n)
	var z float64
	for i, m := range marg {
		smooth[i] = math.Pow(m, alpha)
		z += smooth[i]
	}
	for i := range smooth {
		if z > 0 {
			smooth[i] /= z
		}
	}
	type entry struct {
		row, col int32
		val      float32
	}
	entries := make([]entry, 0, 2*len(c.pairs))
	for _, k := range keys {
		v := c.pairs[k]
		a, b := int32(k>>32), int32(k&0xffffffff)
		p := float64(v) / total
		pmi := math.Log(p/(smooth[a]*smooth[b])) - shift
		if pmi <= 0 {
			continue
		}
		entries = append(entries, entry{a, b, float32(pmi)}, entry{b, a, float32(pmi)})
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if a.row != b.row {
			return int(a.row - b.row)
		}
		return int(a.col - b.col)
	})
	m := &csr{rows: c.n, cols: c.n, ptr: make([]int32, c.n+1), col: make([]int32, len(entries)), val: make([]float32, len(entries))}
	for i, e := range entries {
		m.ptr[e.row+1]++
		m.col[i] = e.col
		m.val[i] = e.val
	}
	for i := 0; i < c.n; i++ {
		m.ptr[i+1] += m.ptr[i]
	}
	return m
}
