package builtin

import "math"

// topEigen returns the k largest eigenvalues of the symmetric positive
// semidefinite a and their eigenvectors (the rows of a k×n slice), by the
// Lanczos method with full reorthogonalisation: a Krylov basis of a few
// dozen vectors, each one product with a, holds the top eigenpairs to
// working precision, where symEigen's full decomposition costs n³ (50 ms
// of every training for the model's few common directions). The basis
// grows until the k Ritz pairs' residuals are below tol (relative to the
// largest eigenvalue) or it spans the whole space. It is deterministic:
// it starts from a fixed vector.
func topEigen(a *dense, k int, tol float64) ([]float64, [][]float64) {
	n := a.r
	k = min(k, n)
	if k <= 0 {
		return nil, nil
	}
	// The start has a share of every coordinate, unevenly, so that it is
	// orthogonal to no eigenvector of a matrix built from real data.
	q := make([]float64, n)
	for i := range q {
		q[i] = 1 + float64(i%7)/7
	}
	scaleTo(q, 1)
	basis := [][]float64{q}
	var alpha, beta []float64
	w := make([]float64, n)
	m := min(n, max(2*k+16, 32))
	for {
		for j := len(alpha); j < m; j++ {
			mulVec(a, basis[j], w)
			alpha = append(alpha, dotF(basis[j], w))
			// Twice against the whole basis ("twice is enough", Parlett):
			// without it the basis loses orthogonality as Ritz values
			// converge and the top eigenvalue comes back as a ghost.
			for range 2 {
				for _, b := range basis {
					axpyF(-dotF(b, w), b, w)
				}
			}
			bj := math.Sqrt(dotF(w, w))
			if j == n-1 || bj <= 1e-12*math.Abs(alpha[0]) {
				m = j + 1
				break
			}
			beta = append(beta, bj)
			next := make([]float64, n)
			for i := range next {
				next[i] = w[i] / bj
			}
			basis = append(basis, next)
		}
		// The small tridiagonal matrix's eigenpairs are the Ritz pairs.
		t := newDense(m, m)
		for j := 0; j < m; j++ {
			t.d[j*m+j] = alpha[j]
			if j+1 < m {
				t.d[j*m+j+1], t.d[(j+1)*m+j] = beta[j], beta[j]
			}
		}
		ev, s := symEigen(t)
		order := largestFirst(ev, func(x float64) float64 { return x })[:min(k, m)]
		// The residual of a Ritz pair is β_m times the last component of
		// its small eigenvector.
		converged := len(beta) < m || m == n
		if !converged {
			converged = true
			for _, e := range order {
				if math.Abs(beta[m-1]*s.d[(m-1)*m+e]) > tol*math.Abs(ev[order[0]]) {
					converged = false
				}
			}
		}
		if converged {
			vals := make([]float64, len(order))
			vecs := make([][]float64, len(order))
			for r, e := range order {
				vals[r] = ev[e]
				v := make([]float64, n)
				for j := 0; j < m; j++ {
					axpyF(s.d[j*m+e], basis[j], v)
				}
				scaleTo(v, 1)
				vecs[r] = v
			}
			return vals, vecs
		}
		m = min(n, 2*m)
	}
}

// mulVec sets out to a·x.
func mulVec(a *dense, x, out []float64) {
	for i := 0; i < a.r; i++ {
		out[i] = dotF(a.row(i), x)
	}
}

func dotF(a, b []float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}

// axpyF adds s·x to y.
func axpyF(s float64, x, y []float64) {
	for i, v := range x {
		y[i] += s * v
	}
}

func scaleTo(v []float64, length float64) {
	n := math.Sqrt(dotF(v, v))
	if n == 0 {
		return
	}
	for i := range v {
		v[i] *= length / n
	}
}
