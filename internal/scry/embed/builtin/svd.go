package builtin

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"sync"
)

// dense is a row-major matrix.
type dense struct {
	r, c int
	d    []float64
}

func newDense(r, c int) *dense { return &dense{r: r, c: c, d: make([]float64, r*c)} }

func (m *dense) row(i int) []float64 { return m.d[i*m.c : (i+1)*m.c] }

// parallel runs fn over [0,n) split into one contiguous range per worker.
// Every range but the last begins and ends on a multiple of 8 rows: a
// row's arithmetic must not depend on where its range begins, or the
// model would differ with the number of CPUs. mulInto computes blocks of
// four rows with fused multiply-adds and a row left over alone with
// axpy, which rounds the product and the sum apart; its blocks now fall
// on the same rows for any number of workers, and the rows left over
// are the matrix's last.
func parallel(n, workers int, fn func(lo, hi int)) {
	if workers < 1 {
		workers = 1
	}
	if workers == 1 || n < 256 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	step := ((n+workers-1)/workers + 7) &^ 7
	for lo := 0; lo < n; lo += step {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			fn(lo, hi)
		}(lo, min(lo+step, n))
	}
	wg.Wait()
}

// mul returns m·x for the sparse m and dense x. The products are taken
// in float32: the loop reads a row of x for every non-zero of m, so it is
// bound by memory traffic, which float32 halves; the power iterations and
// the Rayleigh-Ritz step need no more precision than that, and the term
// vectors end as int8.
func (m *csr) mul(x *dense, workers int) *dense {
	y := newDense(m.rows, x.c)
	m.mulTo(y, x, make([]float32, len(x.d)), workers)
	return y
}

// mulTo is mul into y (m.rows × x.c, every element overwritten), with
// x32 (len(x.d)) for x in float32: the power iterations use the same
// buffers again, where a new 15 MB matrix a product and a new one an
// orthonormalisation were most of what a machine space's learning
// allocated, and a garbage collection every few of them.
func (m *csr) mulTo(y, x *dense, x32 []float32, workers int) {
	c := x.c
	parallel(x.r, workers, func(lo, hi int) {
		for i, v := range x.d[lo*c : hi*c] {
			x32[lo*c+i] = float32(v)
		}
	})
	row := func(i int) []float32 { return x32[i*c : (i+1)*c] }
	parallel(m.rows, workers, func(lo, hi int) {
		out := make([]float32, c)
		for i := lo; i < hi; i++ {
			clear(out)
			k, end := m.ptr[i], m.ptr[i+1]
			// Four rows of x a pass: a quarter of the loads and stores
			// of out.
			for ; k+4 <= end; k += 4 {
				axpy4f32(out, row(int(m.col[k])), row(int(m.col[k+1])), row(int(m.col[k+2])), row(int(m.col[k+3])),
					m.val[k], m.val[k+1], m.val[k+2], m.val[k+3])
			}
			for ; k < end; k++ {
				axpy4f32(out, row(int(m.col[k])), out, out, out, m.val[k], 0, 0, 0)
			}
			for j, v := range out {
				y.d[i*c+j] = float64(v)
			}
		}
	})
}

// axpy4f32 is axpy4 in float32.
func axpy4f32(y, x0, x1, x2, x3 []float32, a0, a1, a2, a3 float32) {
	x0 = x0[:len(y)]
	x1 = x1[:len(y)]
	x2 = x2[:len(y)]
	x3 = x3[:len(y)]
	if haveAVX2 {
		axpy4f32AVX(y, x0, x1, x2, x3, a0, a1, a2, a3)
		return
	}
	for i := range y {
		y[i] += a0*x0[i] + a1*x1[i] + a2*x2[i] + a3*x3[i]
	}
}

// gram returns aᵀ·b for two matrices with the same rows; for aᵀ·a only
// the upper triangle is computed.
func gram(a, b *dense, workers int) *dense {
	return gramBy(a, b, workers, haveAVX2)
}

// gramBy is gram, with eight rows a pass where paired (axpy8AVX), else
// four; the two give the same numbers to the bit.
//
// The workers share out the rows of the result, not the rows of a and b:
// each element of g is one sum over all the rows in row order, in the
// same blocks of eight, four and one, whatever the number of workers, so
// the product is the same to the bit on every machine. Partial products
// of each worker's rows, added together, gave sums that depended on
// where the ranges began, and a model that differed in the last bits
// between a laptop and a CI runner. Each worker reads all of a and b,
// eight rows at a time from the cache, but keeps only its share of g
// there, and there is no c×c partial per worker to allocate and add.
func gramBy(a, b *dense, workers int, paired bool) *dense {
	sym := a == b
	g := newDense(a.c, b.c)
	bounds := gramShares(a, b, workers)
	var wg sync.WaitGroup
	for k := 1; k < len(bounds)-1; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			gramRows(g, a, b, bounds[k], bounds[k+1], sym, paired)
		}()
	}
	gramRows(g, a, b, bounds[0], bounds[1], sym, paired)
	wg.Wait()
	if sym {
		for p := 0; p < g.r; p++ {
			for q := p + 1; q < g.c; q++ {
				g.d[q*g.c+p] = g.d[p*g.c+q]
			}
		}
	}
	return g
}

// gramShares splits the rows of aᵀ·b among the workers, bounds[k] to
// bounds[k+1] the k-th's, each about as many products as the others (for
// aᵀ·a, row p has c-p of them: only the upper triangle is computed). Few
// rows of a and b are one share, as parallel leaves them.
func gramShares(a, b *dense, workers int) []int {
	n := a.c
	workers = min(max(workers, 1), n)
	if workers == 1 || a.r < 256 {
		return []int{0, n}
	}
	work := func(p int) int {
		if a == b {
			return b.c - p
		}
		return b.c
	}
	var total int
	for p := range n {
		total += work(p)
	}
	bounds := []int{0}
	done := 0
	for p := range n {
		done += work(p)
		if k := len(bounds); k < workers && done*workers >= total*k {
			bounds = append(bounds, p+1)
		}
	}
	if bounds[len(bounds)-1] != n {
		bounds = append(bounds, n)
	}
	return bounds
}

// gramRows computes rows lo to hi of aᵀ·b into g (from their diagonal
// with sym), over all the rows of a and b.
func gramRows(g, a, b *dense, lo, hi int, sym, paired bool) {
	i := 0
	// Eight rows a pass, the same operations as two passes of four
	// (below) on each element of g, which is loaded and stored half as
	// often, by a call for each row of g and not two: the
	// orthonormalisations' products of a 7,937 × 232 basis with itself
	// were a fifth of learning the machine's space.
	var av [8]float64
	for ; paired && i+8 <= a.r; i += 8 {
		for p := lo; p < hi; p++ {
			from := 0
			if sym {
				from = p
			}
			for r := range av {
				av[r] = a.d[(i+r)*a.c+p]
			}
			x := b.d[i*b.c+from : (i+8)*b.c]
			axpy8AVX(g.row(p)[from:], x, b.c, &av)
		}
	}
	// Four rows a pass: each row of g is loaded and stored once for four
	// products instead of one.
	for ; i+4 <= a.r; i += 4 {
		a0, a1, a2, a3 := a.row(i), a.row(i+1), a.row(i+2), a.row(i+3)
		b0, b1, b2, b3 := b.row(i), b.row(i+1), b.row(i+2), b.row(i+3)
		for p := lo; p < hi; p++ {
			from := 0
			if sym {
				from = p
			}
			axpy4(g.row(p)[from:], b0[from:], b1[from:], b2[from:], b3[from:], a0[p], a1[p], a2[p], a3[p])
		}
	}
	for ; i < a.r; i++ {
		ar, br := a.row(i), b.row(i)
		for p := lo; p < hi; p++ {
			if sym {
				axpy(g.row(p)[p:], br[p:], ar[p])
			} else {
				axpy(g.row(p), br, ar[p])
			}
		}
	}
}

// mulInto sets each row of y to that row of x times w (x.c = w.r,
// y.c = w.c); with upper, w is upper triangular and its zeros are
// skipped. Four rows a pass, as in gram.
func mulInto(y, x, w *dense, upper bool, workers int) {
	mulIntoBy(y, x, w, upper, workers, haveAVX2)
}

// mulIntoBy is mulInto, with blocks of four rows by eight columns
// (mulRows4) where blocked, else the four rows a column of w at a time.
// The two give the same numbers to the bit.
func mulIntoBy(y, x, w *dense, upper bool, workers int, blocked bool) {
	parallel(x.r, workers, func(lo, hi int) {
		i := lo
		for ; i+4 <= hi; i += 4 {
			x0, x1, x2, x3 := x.row(i), x.row(i+1), x.row(i+2), x.row(i+3)
			y0, y1, y2, y3 := y.row(i), y.row(i+1), y.row(i+2), y.row(i+3)
			if blocked {
				mulRows4(y0, y1, y2, y3, x0, x1, x2, x3, w, upper)
				continue
			}
			clear(y0)
			clear(y1)
			clear(y2)
			clear(y3)
			for k := range x0 {
				from := 0
				if upper {
					from = k
				}
				wr := w.row(k)[from:]
				axpy1x4(y0[from:], y1[from:], y2[from:], y3[from:], wr, x0[k], x1[k], x2[k], x3[k])
			}
		}
		for ; i < hi; i++ {
			xr, yr := x.row(i), y.row(i)
			clear(yr)
			for k, v := range xr {
				from := 0
				if upper {
					from = k
				}
				axpy(yr[from:], w.row(k)[from:], v)
			}
		}
	})
}

// mulRows4 sets yj = xj·w for four rows as axpy1x4AVX does, one row of w
// after another (every element a chain of fused multiply-adds from zero,
// in row order), but eight columns at a time over all the rows of w
// (mul4x8AVX): the orthonormalisations and the final product of the
// machine space's eigendecomposition loaded and stored every element of
// y once for each row of w, and took a quarter of it. With upper, a
// column's chain ends at the diagonal; the block's rows below it for its
// leftmost columns are zeros of w, whose products leave a sum as it was
// (a sum from zero is never -0, so adding ±0 changes no bit).
func mulRows4(y0, y1, y2, y3, x0, x1, x2, x3 []float64, w *dense, upper bool) {
	k, c := len(x0), w.c
	q := 0
	for ; q+8 <= c; q += 8 {
		n := k
		if upper {
			n = min(k, q+8)
		}
		mul4x8AVX(y0[q:], y1[q:], y2[q:], y3[q:], x0, x1, x2, x3, w.d[q:], c, n)
	}
	for ; q < c; q++ {
		n := k
		if upper {
			n = min(k, q+1)
		}
		var s0, s1, s2, s3 float64
		for r := range n {
			v := w.d[r*c+q]
			s0 = math.FMA(x0[r], v, s0)
			s1 = math.FMA(x1[r], v, s1)
			s2 = math.FMA(x2[r], v, s2)
			s3 = math.FMA(x3[r], v, s3)
		}
		y0[q], y1[q], y2[q], y3[q] = s0, s1, s2, s3
	}
}

// axpy adds a·x to y (len(y) ≥ len(x)).
func axpy(y, x []float64, a float64) {
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		y[i] += a * x[i]
		y[i+1] += a * x[i+1]
		y[i+2] += a * x[i+2]
		y[i+3] += a * x[i+3]
	}
	for ; i < len(x); i++ {
		y[i] += a * x[i]
	}
}

// axpy2 adds a·x + b·z to y (len(y) = len(x) = len(z)).
func axpy2(y, x, z []float64, a, b float64) {
	x = x[:len(y)]
	z = z[:len(y)]
	for i := range y {
		y[i] += a*x[i] + b*z[i]
	}
}

// axpy4 adds a0·x0 + a1·x1 + a2·x2 + a3·x3 to y (all of y's length).
func axpy4(y, x0, x1, x2, x3 []float64, a0, a1, a2, a3 float64) {
	x0 = x0[:len(y)]
	x1 = x1[:len(y)]
	x2 = x2[:len(y)]
	x3 = x3[:len(y)]
	if haveAVX2 {
		axpy4AVX(y, x0, x1, x2, x3, a0, a1, a2, a3)
		return
	}
	axpy4Go(y, x0, x1, x2, x3, a0, a1, a2, a3)
}

func axpy4Go(y, x0, x1, x2, x3 []float64, a0, a1, a2, a3 float64) {
	x0 = x0[:len(y)]
	x1 = x1[:len(y)]
	x2 = x2[:len(y)]
	x3 = x3[:len(y)]
	for i := range y {
		y[i] += a0*x0[i] + a1*x1[i] + a2*x2[i] + a3*x3[i]
	}
}

// axpy1x4 adds aj·x to yj for j = 0…3 (all of x's length).
func axpy1x4(y0, y1, y2, y3, x []float64, a0, a1, a2, a3 float64) {
	y0 = y0[:len(x)]
	y1 = y1[:len(x)]
	y2 = y2[:len(x)]
	y3 = y3[:len(x)]
	if haveAVX2 {
		axpy1x4AVX(y0, y1, y2, y3, x, a0, a1, a2, a3)
		return
	}
	axpy1x4Go(y0, y1, y2, y3, x, a0, a1, a2, a3)
}

func axpy1x4Go(y0, y1, y2, y3, x []float64, a0, a1, a2, a3 float64) {
	y0 = y0[:len(x)]
	y1 = y1[:len(x)]
	y2 = y2[:len(x)]
	y3 = y3[:len(x)]
	for i, v := range x {
		y0[i] += a0 * v
		y1[i] += a1 * v
		y2[i] += a2 * v
		y3[i] += a3 * v
	}
}

// orthonormalize makes the columns of y orthonormal in place by Cholesky
// QR, applied passes times (two, CholeskyQR2, for full accuracy; one is
// enough between power iterations, which only need a well-conditioned
// basis).
func orthonormalize(y *dense, workers, passes int) {
	orthonormalizeWith(y, newDense(y.r, y.c), workers, passes)
}

// orthonormalizeWith is orthonormalize with tmp, of y's size, for the
// product: y and tmp may swap their elements.
func orthonormalizeWith(y, tmp *dense, workers, passes int) {
	for range passes {
		g := gram(y, y, workers)
		r, ok := cholesky(g)
		if !ok {
			gramSchmidt(y)
			return
		}
		// y ← y·R⁻¹; R⁻¹ is upper triangular.
		ri := invUpper(r)
		mulInto(tmp, y, ri, true, workers)
		y.d, tmp.d = tmp.d, y.d
	}
}

// invUpper inverts an upper triangular matrix.
func invUpper(r *dense) *dense {
	n := r.r
	inv := newDense(n, n)
	for j := n - 1; j >= 0; j-- {
		inv.d[j*n+j] = 1 / r.d[j*n+j]
		for i := j - 1; i >= 0; i-- {
			var s float64
			for k := i + 1; k <= j; k++ {
				s += r.d[i*n+k] * inv.d[k*n+j]
			}
			inv.d[i*n+j] = -s / r.d[i*n+i]
		}
	}
	return inv
}

// cholesky returns the upper triangular R with RᵀR = g, or false when g
// is not numerically positive definite.
func cholesky(g *dense) (*dense, bool) {
	n := g.r
	r := newDense(n, n)
	for j := 0; j < n; j++ {
		s := g.d[j*n+j]
		for k := 0; k < j; k++ {
			s -= r.d[k*n+j] * r.d[k*n+j]
		}
		if s <= 1e-12*math.Abs(g.d[j*n+j]) || s <= 0 {
			return nil, false
		}
		d := math.Sqrt(s)
		r.d[j*n+j] = d
		for i := j + 1; i < n; i++ {
			s := g.d[j*n+i]
			for k := 0; k < j; k++ {
				s -= r.d[k*n+j] * r.d[k*n+i]
			}
			r.d[j*n+i] = s / d
		}
	}
	return r, true
}

// gramSchmidt is the slow, robust fallback for rank-deficient y: modified
// Gram-Schmidt, zeroing columns that are linearly dependent.
func gramSchmidt(y *dense) {
	cols := make([][]float64, y.c)
	for j := range cols {
		cols[j] = make([]float64, y.r)
		for i := 0; i < y.r; i++ {
			cols[j][i] = y.d[i*y.c+j]
		}
	}
	for j := range cols {
		for k := 0; k < j; k++ {
			var d float64
			for i, v := range cols[j] {
				d += v * cols[k][i]
			}
			for i := range cols[j] {
				cols[j][i] -= d * cols[k][i]
			}
		}
		var n float64
		for _, v := range cols[j] {
			n += v * v
		}
		n = math.Sqrt(n)
		for i := range cols[j] {
			if n > 1e-10 {
				cols[j][i] /= n
			} else {
				cols[j][i] = 0
			}
		}
	}
	for j := range cols {
		for i := 0; i < y.r; i++ {
			y.d[i*y.c+j] = cols[j][i]
		}
	}
}

// largestFirst orders the indices of ev by size(ev[i]), largest first
// (ties in index order).
func largestFirst(ev []float64, size func(float64) float64) []int {
	order := make([]int, len(ev))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return size(ev[order[i]]) > size(ev[order[j]]) })
	return order
}

// symEigen diagonalises the symmetric matrix a: Householder reduction to
// tridiagonal form, then the implicit QL algorithm (tred2 and tql2 of
// EISPACK, as in JAMA). It returns the eigenvalues and the eigenvectors
// as the columns of v.
func symEigen(a *dense) ([]float64, *dense) {
	n := a.r
	// v holds V transposed, V(i, j) at v.d[j*n+i]: the inner loops run
	// down V's columns (the rotations of tql2 above all), which are then
	// contiguous in memory. The arithmetic is the same either way.
	v := newDense(n, n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			v.d[j*n+i] = a.d[i*n+j]
		}
	}
	d := make([]float64, n)
	e := make([]float64, n)
	V := func(i, j int) *float64 { return &v.d[j*n+i] }
	// tred2
	for j := 0; j < n; j++ {
		d[j] = *V(n-1, j)
	}
	for i := n - 1; i > 0; i-- {
		var scale, h float64
		for k := 0; k < i; k++ {
			scale += math.Abs(d[k])
		}
		if scale == 0 {
			e[i] = d[i-1]
			for j := 0; j < i; j++ {
				d[j] = *V(i-1, j)
				*V(i, j) = 0
				*V(j, i) = 0
			}
		} else {
			for k := 0; k < i; k++ {
				d[k] /= scale
				h += d[k] * d[k]
			}
			f := d[i-1]
			g := math.Sqrt(h)
			if f > 0 {
				g = -g
			}
			e[i] = scale * g
			h -= f * g
			d[i-1] = f - g
			for j := 0; j < i; j++ {
				e[j] = 0
			}
			for j := 0; j < i; j++ {
				f = d[j]
				*V(j, i) = f
				g = e[j] + *V(j, j)*f
				col := v.d[j*n : j*n+i] // V(·, j)
				for k := j + 1; k <= i-1; k++ {
					g += col[k] * d[k]
					e[k] += col[k] * f
				}
				e[j] = g
			}
			f = 0
			for j := 0; j < i; j++ {
				e[j] /= h
				f += e[j] * d[j]
			}
			hh := f / (h + h)
			for j := 0; j < i; j++ {
				e[j] -= hh * d[j]
			}
			for j := 0; j < i; j++ {
				f = d[j]
				g = e[j]
				col := v.d[j*n : j*n+i]
				for k := j; k <= i-1; k++ {
					col[k] -= f*e[k] + g*d[k]
				}
				d[j] = *V(i-1, j)
				*V(i, j) = 0
			}
		}
		d[i] = h
	}
	for i := 0; i < n-1; i++ {
		*V(n-1, i) = *V(i, i)
		*V(i, i) = 1
		h := d[i+1]
		if h != 0 {
			for k := 0; k <= i; k++ {
				d[k] = *V(k, i+1) / h
			}
			next := v.d[(i+1)*n : (i+1)*n+i+1]
			for j := 0; j <= i; j++ {
				col := v.d[j*n : j*n+i+1]
				var g float64
				for k, x := range next {
					g += x * col[k]
				}
				for k := range col {
					col[k] -= g * d[k]
				}
			}
		}
		for k := 0; k <= i; k++ {
			*V(k, i+1) = 0
		}
	}
	for j := 0; j < n; j++ {
		d[j] = *V(n-1, j)
		*V(n-1, j) = 0
	}
	*V(n-1, n-1) = 1
	e[0] = 0
	// tql2
	for i := 1; i < n; i++ {
		e[i-1] = e[i]
	}
	e[n-1] = 0
	var f, tst1 float64
	eps := math.Pow(2, -52)
	for l := 0; l < n; l++ {
		tst1 = math.Max(tst1, math.Abs(d[l])+math.Abs(e[l]))
		m := l
		for m < n {
			if math.Abs(e[m]) <= eps*tst1 {
				break
			}
			m++
		}
		if m > l {
			for iter := 0; iter < 64; iter++ {
				g := d[l]
				p := (d[l+1] - g) / (2 * e[l])
				r := math.Hypot(p, 1)
				if p < 0 {
					r = -r
				}
				d[l] = e[l] / (p + r)
				d[l+1] = e[l] * (p + r)
				dl1 := d[l+1]
				h := g - d[l]
				for i := l + 2; i < n; i++ {
					d[i] -= h
				}
				f += h
				p = d[m]
				c, c2, c3 := 1.0, 1.0, 1.0
				el1 := e[l+1]
				var s, s2 float64
				for i := m - 1; i >= l; i-- {
					c3 = c2
					c2 = c
					s2 = s
					g = c * e[i]
					h = c * p
					r = math.Hypot(p, e[i])
					e[i+1] = s * r
					s = e[i] / r
					c = p / r
					p = c*d[i] - s*g
					d[i+1] = h + s*(c*g+s*d[i])
					ci, ci1 := v.d[i*n:(i+1)*n], v.d[(i+1)*n:(i+2)*n]
					for k := range ci {
						h = ci1[k]
						ci1[k] = s*ci[k] + c*h
						ci[k] = c*ci[k] - s*h
					}
				}
				p = -s * s2 * c3 * el1 * e[l] / dl1
				e[l] = s * p
				d[l] = c * p
				if math.Abs(e[l]) <= eps*tst1 {
					break
				}
			}
		}
		d[l] += f
		e[l] = 0
	}
	out := newDense(n, n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			out.d[i*n+j] = *V(i, j)
		}
	}
	return d, out
}

// termVectors computes the rank-dim truncated eigendecomposition of the
// symmetric sparse m and returns U·|Λ|^eig, one row per term, as float32.
func termVectors(ctx context.Context, m *csr, dim int, opt Options) ([]float32, error) {
	u, ev, err := eigen(ctx, m, dim, opt)
	if err != nil {
		return nil, err
	}
	scale := make([]float64, dim)
	for k, e := range ev {
		scale[k] = math.Pow(math.Abs(e), opt.Eig)
	}
	out := make([]float32, m.rows*dim)
	for i := 0; i < m.rows; i++ {
		for k, x := range u.row(i) {
			out[i*dim+k] = float32(x * scale[k])
		}
	}
	return out, nil
}

// eigen returns the top dim eigenpairs (by magnitude) of the symmetric
// sparse m by randomized subspace iteration (Halko, Martinsson and Tropp):
// the eigenvectors as the rows of u (one row per row of m) and the
// eigenvalues.
func eigen(ctx context.Context, m *csr, dim int, opt Options) (*dense, []float64, error) {
	l := min(dim+opt.Oversample, m.rows)
	rng := rand.New(rand.NewPCG(opt.Seed, 0x9e3779b97f4a7c15))
	q := newDense(m.rows, l)
	for i := range q.d {
		q.d[i] = rng.NormFloat64()
	}
	// 1+PowerIters products with m; the basis is orthonormalised after
	// every OrthEvery-th and, twice (CholeskyQR2), after the last.
	muls := 1 + opt.PowerIters
	y := newDense(m.rows, l) // each product's, then q's again
	x32 := make([]float32, len(q.d))
	for i := 1; i <= muls; i++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		m.mulTo(y, q, x32, opt.Workers)
		q, y = y, q
		switch {
		case i == muls:
			orthonormalizeWith(q, y, opt.Workers, 2)
		case i%opt.OrthEvery == 0:
			orthonormalizeWith(q, y, opt.Workers, 1)
		}
	}
	// Rayleigh-Ritz: the small matrix Qᵀ·M·Q has M's top eigenpairs.
	m.mulTo(y, q, x32, opt.Workers)
	b := gram(q, y, opt.Workers)
	for i := 0; i < l; i++ { // symmetrise rounding noise
		for j := i + 1; j < l; j++ {
			s := (b.d[i*l+j] + b.d[j*l+i]) / 2
			b.d[i*l+j], b.d[j*l+i] = s, s
		}
	}
	ev, vb := symEigen(b)
	order := largestFirst(ev, math.Abs)[:dim]
	// U = Q·W with W = Vb's chosen columns.
	w := newDense(l, dim)
	vals := make([]float64, dim)
	for k, e := range order {
		vals[k] = ev[e]
		for j := 0; j < l; j++ {
			w.d[j*dim+k] = vb.d[j*l+e]
		}
	}
	u := newDense(m.rows, dim)
	mulInto(u, q, w, false, opt.Workers)
	return u, vals, nil
}
