package search

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The AVX2 inner product agrees with the Go one on every length (the
// remainder included).
func TestDotKernelAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for n := 0; n <= 70; n++ {
		q := make([]float32, n)
		v := make([]int8, n)
		for i := range q {
			q[i] = float32(rng.NormFloat64())
			v[i] = int8(rng.IntN(255) - 127)
		}
		got, want := dot(q, v), dotGo(q, v)
		if math.Abs(float64(got-want)) > 1e-3*(1+math.Abs(float64(want))) {
			t.Fatalf("n=%d: dot %v, Go %v (AVX2 %v)", n, got, want, haveAVX2)
		}
	}
}
