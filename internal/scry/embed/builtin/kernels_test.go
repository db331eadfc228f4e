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
