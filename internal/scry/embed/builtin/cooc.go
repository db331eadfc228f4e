package builtin

import (
	"math"
	"slices"
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
	parts [partitions]*pairTable
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
	// One array for all of them, not one grown id by id for each of a
	// machine's 85,000 paragraphs.
	var n int
	for _, seg := range segs {
		n += len(seg)
	}
	flat := make([]int32, 0, n)
	var ends []int
	for _, seg := range segs {
		start := len(flat)
		for _, id := range seg {
			if v := remap[id]; v >= 0 {
				flat = append(flat, v)
			}
		}
		if len(flat)-start > 1 {
			ends = append(ends, len(flat))
		} else {
			flat = flat[:start]
		}
	}
	out := make([][]int32, len(ends))
	from := 0
	for i, end := range ends {
		out[i] = flat[from:end:end]
		from = end
	}
	return out
}

// countCooccurrences counts the pairs within window of each other in
// every source. Each of at most workers goroutines reads all the text
// once and counts the pairs of the partitions it owns (every
// workers-th), each pair's weights added in text order; eight
// goroutines each reading all the text for one partition read it four
// times as often as two cores can use.
func countCooccurrences(n int, sources []weighted, window, workers int) *cooccurrence {
	c := &cooccurrence{n: n}
	// Each table starts at a size its pairs will likely fill, up to 4
	// MiB: growing it step by step from small took as long as the
	// counting.
	var occ int
	for _, src := range sources {
		if src.weight > 0 {
			for _, seg := range src.segs {
				occ += pairsWithin(len(seg), window)
			}
		}
	}
	bits := 10
	for bits < 18 && 1<<bits < occ/partitions/2 {
		bits++
	}
	w := min(max(workers, 1), partitions)
	var wg sync.WaitGroup
	for g := range w {
		var own [partitions]*pairTable // nil: another goroutine's
		for p := g; p < partitions; p += w {
			own[p] = newPairTable(bits)
			c.parts[p] = own[p]
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, src := range sources {
				if src.weight <= 0 {
					continue
				}
				for _, seg := range src.segs {
					for i, a := range seg {
						for d := 1; d <= window && i+d < len(seg); d++ {
							lo, hi := a, seg[i+d]
							if lo > hi {
								lo, hi = hi, lo
							}
							t := own[uint32(lo)%partitions]
							if t == nil || lo == hi {
								continue
							}
							t.add(uint64(lo)<<32|uint64(hi), src.weight/float32(d))
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	return c
}

// pairsWithin is how many pairs of a segment of n terms are within
// window of each other.
func pairsWithin(n, window int) int {
	if n <= window {
		return n * (n - 1) / 2
	}
	return (n-window)*window + window*(window-1)/2
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
// shift. Symmetric: both directions use the smoothed distribution. It
// consumes the counts.
func (c *cooccurrence) ppmi(alpha, shift float64, workers int) *csr {
	// Each partition's pairs in key order and its share of the
	// marginals, summed in partition order: float sums must not depend
	// on map order or on scheduling, or two trainings would differ.
	var keys [partitions][]uint64
	var counts [partitions][]float32
	var margs [partitions][]float64
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(workers, 1))
	for p := range c.parts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			ks, vs := c.parts[p].sorted()
			c.parts[p] = nil // the table is the larger copy: let it go now
			m := make([]float64, c.n)
			for i, k := range ks {
				v := float64(vs[i])
				m[k>>32] += v
				m[k&0xffffffff] += v
			}
			keys[p], counts[p], margs[p] = ks, vs, m
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
				v := float64(counts[p][i])
				vs[i] = float32(math.Log(v/total/(smooth[k>>32]*smooth[k&0xffffffff])) - shift)
			}
			vals[p] = vs
		}()
	}
	wg.Wait()
	// Each positive pair is two entries, (a, b) and (b, a). They are
	// bucketed by column, then the buckets are read in column order into
	// their rows, so every row ends sorted by column without a sort.
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
	// Symmetric: a column holds as many entries as the row of that term.
	nnz := m.ptr[c.n]
	byCol := make([]int32, nnz) // the entries' rows, grouped by column
	byColVal := make([]float32, nnz)
	next := slices.Clone(m.ptr[:c.n])
	for p := range keys {
		for i, k := range keys[p] {
			v := vals[p][i]
			if v <= 0 {
				continue
			}
			a, b := int32(k>>32), int32(k&0xffffffff)
			byCol[next[b]], byColVal[next[b]] = a, v
			next[b]++
			byCol[next[a]], byColVal[next[a]] = b, v
			next[a]++
		}
	}
	m.col = make([]int32, nnz)
	m.val = make([]float32, nnz)
	copy(next, m.ptr[:c.n])
	for col := int32(0); col < int32(c.n); col++ {
		for e := m.ptr[col]; e < m.ptr[col+1]; e++ {
			r := byCol[e]
			m.col[next[r]], m.val[next[r]] = col, byColVal[e]
			next[r]++
		}
	}
	return m
}

// pairTable sums the weights of pairs by key (lower id << 32 | higher
// id): open addressing with linear probing over slots that hold a key
// and its sum side by side, where a Go map's hashing, groups and growth
// were most of the co-occurrence count, the largest part of learning the
// machine's space after its eigendecomposition. A pair's contributions
// are added in the order they come, as with a map, so the sums are the
// same to the bit. No key is 0 (the ids differ), which marks a free slot.
type pairTable struct {
	slots []pairSlot
	n     int  // keys held
	shift uint // 64 - log2(len(slots))
}

type pairSlot struct {
	key uint64
	sum float32
}

// newPairTable returns an empty table of 2^bits slots.
func newPairTable(bits int) *pairTable {
	return &pairTable{slots: make([]pairSlot, 1<<bits), shift: uint(64 - bits)}
}

// add adds v to the sum of key.
func (t *pairTable) add(key uint64, v float32) {
	mask := uint64(len(t.slots) - 1)
	for i := (key * 0x9e3779b97f4a7c15) >> t.shift; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.key == key {
			s.sum += v
			return
		}
		if s.key == 0 {
			s.key, s.sum = key, v
			t.n++
			if 2*t.n > len(t.slots) {
				t.grow()
			}
			return
		}
	}
}

// grow doubles the table: at most half full, probes stay short.
func (t *pairTable) grow() {
	old := t.slots
	t.slots = make([]pairSlot, 2*len(old))
	t.shift--
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.key == 0 {
			continue
		}
		i := (s.key * 0x9e3779b97f4a7c15) >> t.shift
		for t.slots[i].key != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// sorted returns the pairs and their sums in key order.
func (t *pairTable) sorted() ([]uint64, []float32) {
	keys := make([]uint64, 0, t.n)
	vals := make([]float32, 0, t.n)
	for _, s := range t.slots {
		if s.key != 0 {
			keys = append(keys, s.key)
			vals = append(vals, s.sum)
		}
	}
	return sortPairs(keys, vals)
}

// sortPairs sorts the keys, and their sums with them, by a radix sort on
// the 16-bit digits that any key uses (two passes below 65,536 terms),
// where a comparison sort of the keys and a map lookup per key took most
// of ppmi's time.
func sortPairs(keys []uint64, vals []float32) ([]uint64, []float32) {
	var used uint64
	for _, k := range keys {
		used |= k
	}
	tmpK := make([]uint64, len(keys))
	tmpV := make([]float32, len(vals))
	count := make([]int, 1<<16)
	for shift := 0; shift < 64; shift += 16 {
		if used>>shift&0xffff == 0 {
			continue
		}
		clear(count)
		for _, k := range keys {
			count[k>>shift&0xffff]++
		}
		pos := 0
		for d, c := range count {
			count[d] = pos
			pos += c
		}
		for i, k := range keys {
			d := k >> shift & 0xffff
			tmpK[count[d]], tmpV[count[d]] = k, vals[i]
			count[d]++
		}
		keys, tmpK = tmpK, keys
		vals, tmpV = tmpV, vals
	}
	return keys, vals
}
