package builtin

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// The same text learns the same model, to the bit, on any number of
// CPUs: a laptop and a CI runner indexing one history share its model ID
// and search cache. Enough text that every product is split among the
// workers (parallel gives several ranges from 256 rows on), the
// machine's space learned from text of its own; its float32 vectors,
// before the model quantises them to int8 (which hides most last-bit
// differences, not all), are compared too.
func TestTrainIsIndependentOfWorkers(t *testing.T) {
	c := loadEvalCorpus(t)
	src := Sources{Commits: c.messages[:500], Background: c.messages[500:]}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var want *Model
	var wantSpace []float32
	for _, workers := range []int{1, 2, 3, 7} {
		runtime.GOMAXPROCS(workers)
		p := prepare(src)
		m, err := p.fit(context.Background(), Options{Workers: workers, MinCount: 2}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if workers == 1 {
			want, wantSpace = m, p.space.Vecs
			t.Logf("%d terms, %d dimensions (%d the machine's, of %d terms), %d directions",
				m.Meta().Vocabulary, m.Meta().Dim, m.Meta().MachineDim, len(p.space.Terms), m.Meta().Directions)
			continue
		}
		if differ := bitsDiffer(p.space.Vecs, wantSpace); differ > 0 {
			t.Errorf("%d workers: %d of the machine space's %d numbers differ from one worker's", workers, differ, len(wantSpace))
		}
		if m.ID() != want.ID() {
			t.Errorf("%d workers learned %s, one worker %s", workers, m.ID(), want.ID())
		}
	}
}

// bitsDiffer counts the elements of a and b that differ in any bit.
func bitsDiffer[F float32 | float64](a, b []F) int {
	if len(a) != len(b) {
		return max(len(a), len(b))
	}
	n := 0
	for i := range a {
		if math.Float64bits(float64(a[i])) != math.Float64bits(float64(b[i])) {
			n++
		}
	}
	return n
}

// gram's and mulInto's numbers do not depend on how many workers share
// the work, for row counts that split unevenly among them (parallel
// splits from 256 rows on) and leave rows over at every block size, with
// each kernel the CPU has (eight rows a pass or four, blocks of columns
// or not).
func TestProductsAreIndependentOfWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	fill := func(m *dense) {
		for i := range m.d {
			m.d[i] = rng.NormFloat64()
		}
	}
	kernels := []bool{false} // paired (gram), blocked (mulInto)
	if haveAVX2 {
		kernels = append(kernels, true)
	}
	for _, shape := range [][3]int{{257, 9, 13}, {301, 24, 24}, {1001, 17, 17}, {2053, 40, 33}, {515, 1, 2}} {
		rows, ac, bc := shape[0], shape[1], shape[2]
		a, b := newDense(rows, ac), newDense(rows, bc)
		fill(a)
		fill(b)
		w := newDense(ac, ac)
		fill(w)
		upperW := newDense(ac, ac)
		fill(upperW)
		for r := range ac {
			clear(upperW.row(r)[:r])
		}
		for _, fast := range kernels {
			for _, pair := range [][2]*dense{{a, b}, {a, a}, {b, b}} {
				want := gramBy(pair[0], pair[1], 1, fast)
				for _, workers := range []int{2, 3, 7, 16} {
					if differ := bitsDiffer(gramBy(pair[0], pair[1], workers, fast).d, want.d); differ > 0 {
						t.Errorf("gram %v paired %v symmetric %v, %d workers: %d of %d elements differ from one worker's",
							shape, fast, pair[0] == pair[1], workers, differ, len(want.d))
					}
				}
			}
			for _, upper := range []bool{false, true} {
				m := w
				if upper {
					m = upperW
				}
				want := newDense(rows, ac)
				mulIntoBy(want, a, m, upper, 1, fast)
				for _, workers := range []int{2, 3, 7, 16} {
					got := newDense(rows, ac)
					mulIntoBy(got, a, m, upper, workers, fast)
					if differ := bitsDiffer(got.d, want.d); differ > 0 {
						t.Errorf("mulInto %v blocked %v upper %v, %d workers: %d of %d elements differ from one worker's",
							shape, fast, upper, workers, differ, len(want.d))
					}
				}
			}
		}
	}
}
