package builtin

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// A pair table holds each pair's sum, added in the order the weights
// came, as a map would, and gives them back in key order.
func TestPairTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Term ids below 2^16 (one digit each) and above (two); enough
	// pairs for the table to grow several times.
	for _, n := range []uint64{300, 70000} {
		pairs := map[uint64]float32{}
		tab := newPairTable(4)
		for range 100000 {
			lo := rng.Uint64N(n - 1)
			hi := lo + 1 + rng.Uint64N(min(n-1-lo, 40))
			w := rng.Float32()
			pairs[lo<<32|hi] += w
			tab.add(lo<<32|hi, w)
		}
		keys, vals := tab.sorted()
		if len(keys) != len(pairs) || !slices.IsSorted(keys) {
			t.Fatalf("n %d: %d keys of %d, sorted %v", n, len(keys), len(pairs), slices.IsSorted(keys))
		}
		for i, k := range keys {
			if vals[i] != pairs[k] {
				t.Fatalf("n %d: key %x has %v, want %v", n, k, vals[i], pairs[k])
			}
		}
	}
}

// The PPMI matrix is symmetric, every row sorted by column, and each
// value is the pair's positive PMI.
func TestPPMIRows(t *testing.T) {
	segs := [][]int32{{0, 1, 2, 3, 1, 4}, {2, 5, 0, 1}, {3, 4, 5, 5, 2, 1, 0}, {6, 7, 6, 7, 0}}
	c := countCooccurrences(8, []weighted{{segs, 1}}, 2, 2)
	counts := map[uint64]float32{}
	for p := range c.parts {
		keys, vals := c.parts[p].sorted()
		for i, k := range keys {
			counts[k] = vals[i]
		}
	}
	m := c.ppmi(0.75, 0, 2)
	at := func(r, col int32) (float32, bool) {
		for e := m.ptr[r]; e < m.ptr[r+1]; e++ {
			if m.col[e] == col {
				return m.val[e], true
			}
		}
		return 0, false
	}
	var pos int
	for r := int32(0); r < 8; r++ {
		row := m.col[m.ptr[r]:m.ptr[r+1]]
		if !slices.IsSorted(row) {
			t.Errorf("row %d not sorted: %v", r, row)
		}
		for e := m.ptr[r]; e < m.ptr[r+1]; e++ {
			v, ok := at(m.col[e], r)
			if !ok || v != m.val[e] || v <= 0 {
				t.Errorf("(%d,%d) = %v, (%d,%d) = %v %v", r, m.col[e], m.val[e], m.col[e], r, v, ok)
			}
			pos++
		}
	}
	// The same PMI computed directly from the counts.
	marg := make([]float64, 8)
	var total float64
	for k, v := range counts {
		marg[k>>32] += float64(v)
		marg[k&0xffffffff] += float64(v)
	}
	var z float64
	for _, x := range marg {
		total += x
		z += math.Pow(x, 0.75)
	}
	want := 0
	for k, v := range counts {
		a, b := int32(k>>32), int32(k&0xffffffff)
		pmi := math.Log(float64(v) / total / (math.Pow(marg[a], 0.75) / z * math.Pow(marg[b], 0.75) / z))
		got, ok := at(a, b)
		if pmi <= 0 {
			if ok {
				t.Errorf("(%d,%d): PMI %v kept as %v", a, b, pmi, got)
			}
			continue
		}
		want += 2
		if !ok || math.Abs(float64(got)-pmi) > 1e-5 {
			t.Errorf("(%d,%d) = %v (%v), want %v", a, b, got, ok, pmi)
		}
	}
	if pos != want {
		t.Errorf("%d entries, want %d", pos, want)
	}
}

// The counts are the same, to the bit, however many goroutines count
// them: each pair's weights are added in text order by one of them.
func TestCooccurrencesIndependentOfWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var segs [][]int32
	for range 300 {
		seg := make([]int32, 1+rng.IntN(40))
		for i := range seg {
			seg[i] = int32(rng.IntN(200))
		}
		segs = append(segs, seg)
	}
	sources := []weighted{{segs[:200], 1}, {segs[200:], 0.3}}
	var want [partitions][]uint64
	var wantSums [partitions][]float32
	for _, workers := range []int{1, 2, 3, 8, 16} {
		c := countCooccurrences(200, sources, 5, workers)
		for p := range c.parts {
			keys, sums := c.parts[p].sorted()
			if workers == 1 {
				want[p], wantSums[p] = keys, sums
				continue
			}
			if !slices.Equal(keys, want[p]) || !slices.Equal(sums, wantSums[p]) {
				t.Fatalf("%d workers: partition %d differs from one worker's", workers, p)
			}
		}
	}
}
