package builtin

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

func TestSymEigenReconstructs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 5, 40} {
		a := newDense(n, n)
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				x := rng.NormFloat64()
				a.d[i*n+j], a.d[j*n+i] = x, x
			}
		}
		ev, v := symEigen(a)
		// A·v_k = λ_k·v_k and VᵀV = I.
		for k := 0; k < n; k++ {
			for i := 0; i < n; i++ {
				var s float64
				for j := 0; j < n; j++ {
					s += a.d[i*n+j] * v.d[j*n+k]
				}
				if math.Abs(s-ev[k]*v.d[i*n+k]) > 1e-9 {
					t.Fatalf("n=%d: A·v%d differs from λv at row %d: %g vs %g", n, k, i, s, ev[k]*v.d[i*n+k])
				}
			}
			for k2 := 0; k2 < n; k2++ {
				var s float64
				for i := 0; i < n; i++ {
					s += v.d[i*n+k] * v.d[i*n+k2]
				}
				want := 0.0
				if k == k2 {
					want = 1
				}
				if math.Abs(s-want) > 1e-9 {
					t.Fatalf("n=%d: eigenvectors not orthonormal (%d,%d): %g", n, k, k2, s)
				}
			}
		}
	}
}

// A sparse symmetric matrix with a known spectrum: the randomized
// subspace iteration must find its top eigenvalues.
func TestTermVectorsFindTopSpectrum(t *testing.T) {
	const n = 300
	// Block-diagonal: blocks of ones of sizes 30, 20, 10 have eigenvalues
	// 30, 20, 10; the rest is a small diagonal.
	var entries [][3]float64
	off := 0
	for _, size := range []int{30, 20, 10} {
		for i := 0; i < size; i++ {
			for j := 0; j < size; j++ {
				entries = append(entries, [3]float64{float64(off + i), float64(off + j), 1})
			}
		}
		off += size
	}
	for i := off; i < n; i++ {
		entries = append(entries, [3]float64{float64(i), float64(i), 0.01})
	}
	m := &csr{rows: n, cols: n, ptr: make([]int32, n+1)}
	for _, e := range entries {
		m.ptr[int(e[0])+1]++
		m.col = append(m.col, int32(e[1]))
		m.val = append(m.val, float32(e[2]))
	}
	for i := 0; i < n; i++ {
		m.ptr[i+1] += m.ptr[i]
	}
	opt := Options{Eig: 1}
	opt.defaults()
	vecs, err := termVectors(context.Background(), m, 3, opt)
	if err != nil {
		t.Fatal(err)
	}
	// With Eig = 1 each row is U·Λ; a row of block k has norm
	// λ_k/sqrt(size_k) in the k-th coordinate only.
	for _, c := range []struct{ row, size int }{{0, 30}, {30, 20}, {50, 10}} {
		var norm float64
		for k := 0; k < 3; k++ {
			x := float64(vecs[c.row*3+k])
			norm += x * x
		}
		want := float64(c.size) / math.Sqrt(float64(c.size))
		if math.Abs(math.Sqrt(norm)-want) > 1e-3 {
			t.Errorf("row %d: norm %g, want %g", c.row, math.Sqrt(norm), want)
		}
	}
}

func TestOrthonormalize(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	y := newDense(500, 12)
	for i := range y.d {
		y.d[i] = rng.NormFloat64()
	}
	orthonormalize(y, 2, 2)
	g := gram(y, y, 1)
	for i := 0; i < 12; i++ {
		for j := 0; j < 12; j++ {
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(g.d[i*12+j]-want) > 1e-10 {
				t.Fatalf("QᵀQ[%d,%d] = %g", i, j, g.d[i*12+j])
			}
		}
	}
}
