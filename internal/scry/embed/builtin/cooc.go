package builtin

import (
	"math"
	"slices"
	"sort"
	"sync"
)

// partitions is the number of parts the co-occurrence pairs are split
// into, by their lower term id. It is fixed, not the number of CPUs:
// every pair is summed by one goroutine in text order, so the counts, and
// the model, are the same on every machine.
const partitions = 8

// cooccurrence holds symmetric windowed co-occurrence counts, each pair
// once (lower id first), weighted by 1/distance, in partitions by the
// lower id.
type cooccurrence struct {
	n     int
	parts [partitions]map[uint64]float32
}

// weighted is one source's segments (as vocabulary ids) and the weight of
// its co-occurrences.
type weighted struct {
	segs   [][]int32
	weight float32
}

// remapSegments turns segments of corpus ids into segments of vocabulary
// ids, leaving out the terms outside the vocabulary.
func remapSegments(segs [][]int32, remap []int32) [][]int32 {
	out := make([][]int32, 0, len(segs))
	for _, seg := range segs {
		var ids []int32
		for _, id := range seg {
			if v := remap[id]; v >= 0 {
				ids = append(ids, v)
			}
		}
		if len(ids) > 1 {
			out = append(out, ids)
		}
	}
	return out
}

// countCooccurrences counts the pairs within window of each other in
// every source, each partition on its own goroutine (at most workers at
// a time) over all the text.
func countCooccurrences(n int, sources []weighted, window, workers int) *cooccurrence {
	c := &cooccurrence{n: n}
	sem := make(chan struct{}, max(workers, 1))
	var wg sync.WaitGroup
	for p := range c.parts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			pairs := make(map[uint64]float32, 1<<14)
			for _, src := range sources {
				if src.weight <= 0 {
					continue
				}
				for _, seg := range src.segs {
					for i, a := range seg {
						for d := 1; d <= window && i+d < len(seg); d++ {
							b := seg[i+d]
							lo, hi := a, b
							if lo > hi {
								lo, hi = hi, lo
							}
							if lo == hi || int(lo)%partitions != p {
								continue
							}
							pairs[uint64(lo)<<32|uint64(hi)] += src.weight / float32(d)
						}
					}
				}
			}
			c.parts[p] = pairs
		}()
	}
	wg.Wait()
	return c
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
func (c *cooccurrence) ppmi(alpha, shift float64, workers int) *csr {
	// Each partition's pairs in key order and its share of the
	// marginals, summed in partition order: float sums must not depend
	// on map order or on scheduling, or two trainings would differ.
	var keys [partitions][]uint64
	var margs [partitions][]float64
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(workers, 1))
	for p := range c.parts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			ks := make([]uint64, 0, len(c.parts[p]))
			for k := range c.parts[p] {
				ks = append(ks, k)
			}
			slices.Sort(ks)
			m := make([]float64, c.n)
			for _, k := range ks {
				v := float64(c.parts[p][k])
				m[k>>32] += v
				m[k&0xffffffff] += v
			}
			keys[p], margs[p] = ks, m
		}()
	}
	wg.Wait()
	marg := make([]float64, c.n)
	for p := range margs {
		for i, v := range margs[p] {
			marg[i] += v
		}
	}
	var total float64
	for _, m := range marg {
		total += m
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
	// Each partition's positive PMI values, in its key order.
	var vals [partitions][]float32
	for p := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			vs := make([]float32, len(keys[p]))
			for i, k := range keys[p] {
				v := float64(c.parts[p][k])
				vs[i] = float32(math.Log(v/total/(smooth[k>>32]*smooth[k&0xffffffff])) - shift)
			}
			vals[p] = vs
		}()
	}
	wg.Wait()
	// Rows are filled pair by pair, then each row sorted by column.
	m := &csr{rows: c.n, cols: c.n, ptr: make([]int32, c.n+1)}
	for p := range keys {
		for i, k := range keys[p] {
			if vals[p][i] > 0 {
				m.ptr[k>>32+1]++
				m.ptr[k&0xffffffff+1]++
			}
		}
	}
	for i := 0; i < c.n; i++ {
		m.ptr[i+1] += m.ptr[i]
	}
	nnz := m.ptr[c.n]
	m.col = make([]int32, nnz)
	m.val = make([]float32, nnz)
	next := slices.Clone(m.ptr[:c.n])
	for p := range keys {
		for i, k := range keys[p] {
			v := vals[p][i]
			if v <= 0 {
				continue
			}
			a, b := int32(k>>32), int32(k&0xffffffff)
			m.col[next[a]], m.val[next[a]] = b, v
			next[a]++
			m.col[next[b]], m.val[next[b]] = a, v
			next[b]++
		}
	}
	parallel(c.n, workers, func(lo, hi int) {
		var r rowSorter
		for i := lo; i < hi; i++ {
			r.col, r.val = m.col[m.ptr[i]:m.ptr[i+1]], m.val[m.ptr[i]:m.ptr[i+1]]
			sort.Sort(&r)
		}
	})
	return m
}

// rowSorter sorts a row's columns, carrying their values along.
type rowSorter struct {
	col []int32
	val []float32
}

func (r *rowSorter) Len() int           { return len(r.col) }
func (r *rowSorter) Less(i, j int) bool { return r.col[i] < r.col[j] }
func (r *rowSorter) Swap(i, j int) {
	r.col[i], r.col[j] = r.col[j], r.col[i]
	r.val[i], r.val[j] = r.val[j], r.val[i]
}
