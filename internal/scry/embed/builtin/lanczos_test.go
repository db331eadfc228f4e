package builtin

import (
	"math"
	"math/rand/v2"
	"testing"
)

// topEigen finds what the full decomposition finds: the same largest
// eigenvalues, and eigenvectors spanning the same directions (up to
// sign), on second-moment matrices like the ones the model's common
// directions come from, and on one with a repeated eigenvalue.
func TestTopEigenMatchesFullDecomposition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ rows, n, k int }{{300, 96, 5}, {40, 96, 5}, {2000, 200, 8}, {10, 10, 10}} {
		x := newDense(tc.rows, tc.n)
		for i := range x.d {
			// A shared component, as averaged term vectors have.
			x.d[i] = rng.NormFloat64() + 0.5*float64(i%tc.n)/float64(tc.n)
		}
		c := gram(x, x, 2)
		check(t, c, tc.k)
	}
	// Identity plus one strong direction: every other eigenvalue is 1.
	n := 50
	c := newDense(n, n)
	u := make([]float64, n)
	for i := range u {
		u[i] = float64(i + 1)
	}
	scaleTo(u, 1)
	for i := 0; i < n; i++ {
		c.d[i*n+i] = 1
		for j := 0; j < n; j++ {
			c.d[i*n+j] += 10 * u[i] * u[j]
		}
	}
	vals, vecs := topEigen(c, 1, 1e-12)
	if math.Abs(vals[0]-11) > 1e-9 || math.Abs(math.Abs(dotF(vecs[0], u))-1) > 1e-9 {
		t.Fatalf("rank-one update: %v, |u·v| = %v", vals, math.Abs(dotF(vecs[0], u)))
	}
}

func check(t *testing.T, c *dense, k int) {
	t.Helper()
	n := c.r
	full := newDense(n, n)
	copy(full.d, c.d)
	ev, v := symEigen(full)
	order := largestFirst(ev, func(x float64) float64 { return x })
	vals, vecs := topEigen(c, k, 1e-12)
	if len(vals) != k || len(vecs) != k {
		t.Fatalf("n %d: %d values, %d vectors, want %d", n, len(vals), len(vecs), k)
	}
	for r := 0; r < k; r++ {
		want := ev[order[r]]
		if math.Abs(vals[r]-want) > 1e-8*math.Abs(ev[order[0]]) {
			t.Errorf("n %d: eigenvalue %d = %g, want %g", n, r, vals[r], want)
		}
		// Where eigenvalues are distinct the vectors agree up to sign.
		if r+1 < n && math.Abs(ev[order[r]]-ev[order[r+1]]) > 1e-6*ev[order[0]] && (r == 0 || math.Abs(ev[order[r-1]]-ev[order[r]]) > 1e-6*ev[order[0]]) {
			var d float64
			for j := 0; j < n; j++ {
				d += vecs[r][j] * v.d[j*n+order[r]]
			}
			if math.Abs(math.Abs(d)-1) > 1e-6 {
				t.Errorf("n %d: eigenvector %d: |cos| with the full decomposition's = %g", n, r, math.Abs(d))
			}
		}
		// And each is an eigenvector: a·v = λv.
		av := make([]float64, n)
		mulVec(c, vecs[r], av)
		axpyF(-vals[r], vecs[r], av)
		if res := math.Sqrt(dotF(av, av)); res > 1e-7*math.Abs(ev[order[0]]) {
			t.Errorf("n %d: residual of pair %d = %g", n, r, res)
		}
	}
}
