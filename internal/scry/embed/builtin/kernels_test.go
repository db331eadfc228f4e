package builtin

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The AVX2 kernels agree with the pure-Go ones on every length (the tail
// loops included) to rounding.
func TestKernelsAgree(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2 and FMA on this CPU")
	}
	rng := rand.New(rand.NewPCG(7, 7))
	vec := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return v
	}
	near := func(a, b []float64) bool {
		for i := range a {
			if math.Abs(a[i]-b[i]) > 1e-12*(1+math.Abs(a[i])) {
				return false
			}
		}
		return true
	}
	for n := 0; n <= 19; n++ {
		x := [4][]float64{vec(n), vec(n), vec(n), vec(n)}
		a := [4]float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		y := vec(n + 3) // longer than x: only the first n change
		want := append([]float64(nil), y...)
		axpy4Go(want[:n], x[0], x[1], x[2], x[3], a[0], a[1], a[2], a[3])
		axpy4AVX(y[:n], x[0], x[1], x[2], x[3], a[0], a[1], a[2], a[3])
		if !near(y, want) {
			t.Fatalf("axpy4 n=%d: AVX2 %v, Go %v", n, y, want)
		}
		x32 := [4][]float32{}
		for j := range x32 {
			for _, v := range x[j] {
				x32[j] = append(x32[j], float32(v))
			}
		}
		y32, want32 := make([]float32, n+3), make([]float32, n+3)
		for i := range y32 {
			y32[i] = float32(y[i])
			want32[i] = y32[i]
		}
		for i := range want32[:n] {
			want32[i] += float32(a[0])*x32[0][i] + float32(a[1])*x32[1][i] + float32(a[2])*x32[2][i] + float32(a[3])*x32[3][i]
		}
		axpy4f32AVX(y32[:n], x32[0], x32[1], x32[2], x32[3], float32(a[0]), float32(a[1]), float32(a[2]), float32(a[3]))
		for i := range y32 {
			if math.Abs(float64(y32[i]-want32[i])) > 1e-5*(1+math.Abs(float64(want32[i]))) {
				t.Fatalf("axpy4f32 n=%d: AVX2 %v, Go %v", n, y32, want32)
			}
		}
		ys := [4][]float64{vec(n + 1), vec(n + 1), vec(n + 1), vec(n + 1)}
		var wants [4][]float64
		for j := range ys {
			wants[j] = append([]float64(nil), ys[j]...)
		}
		axpy1x4Go(wants[0][:n], wants[1][:n], wants[2][:n], wants[3][:n], x[0], a[0], a[1], a[2], a[3])
		axpy1x4AVX(ys[0][:n], ys[1][:n], ys[2][:n], ys[3][:n], x[0], a[0], a[1], a[2], a[3])
		for j := range ys {
			if !near(ys[j], wants[j]) {
				t.Fatalf("axpy1x4 n=%d row %d: AVX2 %v, Go %v", n, j, ys[j], wants[j])
			}
		}
	}
}

// The blocked product gives what the product four rows a column of w at
// a time gives, to the bit: every shape of block and edge, upper
// triangular or not, and the rows left over in each worker's range.
func TestBlockedMulIntoIsTheSame(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2 and FMA on this CPU")
	}
	rng := rand.New(rand.NewPCG(8, 8))
	fill := func(m *dense) {
		for i := range m.d {
			m.d[i] = rng.NormFloat64()
		}
	}
	for _, shape := range [][3]int{{9, 3, 5}, {13, 8, 8}, {40, 17, 17}, {301, 232, 232}, {301, 232, 224}, {64, 12, 31}, {5, 20, 20}} {
		rows, k, c := shape[0], shape[1], shape[2]
		for _, upper := range []bool{false, true} {
			if upper && k != c {
				continue
			}
			x, w := newDense(rows, k), newDense(k, c)
			fill(x)
			fill(w)
			if upper {
				for r := range k {
					clear(w.row(r)[:r])
				}
			}
			for _, workers := range []int{1, 2, 3} {
				want, got := newDense(rows, c), newDense(rows, c)
				fill(got) // every element is set
				mulIntoBy(want, x, w, upper, workers, false)
				mulIntoBy(got, x, w, upper, workers, true)
				for i := range want.d {
					if math.Float64bits(got.d[i]) != math.Float64bits(want.d[i]) {
						t.Fatalf("%v upper %v workers %d: element %d (row %d) is %v, want %v", shape, upper, workers, i, i/c, got.d[i], want.d[i])
					}
				}
			}
		}
	}
}

// Eight rows a pass give the products four rows a pass give, to the bit:
// symmetric or not, every row length (the tail loops included) and the
// rows left over in each worker's range.
func TestPairedGramIsTheSame(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2 and FMA on this CPU")
	}
	rng := rand.New(rand.NewPCG(9, 9))
	fill := func(m *dense) {
		for i := range m.d {
			m.d[i] = rng.NormFloat64()
		}
	}
	for _, shape := range [][3]int{{9, 3, 5}, {17, 8, 8}, {40, 7, 13}, {301, 232, 232}, {64, 12, 31}, {23, 1, 2}} {
		rows, ac, bc := shape[0], shape[1], shape[2]
		a, b := newDense(rows, ac), newDense(rows, bc)
		fill(a)
		fill(b)
		for _, workers := range []int{1, 2, 3} {
			for _, pair := range [][2]*dense{{a, b}, {a, a}, {b, b}} {
				want := gramBy(pair[0], pair[1], workers, false)
				got := gramBy(pair[0], pair[1], workers, true)
				for i := range want.d {
					if math.Float64bits(got.d[i]) != math.Float64bits(want.d[i]) {
						t.Fatalf("%v workers %d symmetric %v: element %d is %v, want %v", shape, workers, pair[0] == pair[1], i, got.d[i], want.d[i])
					}
				}
			}
		}
	}
}
