package lsa

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// Default option values, used when the corresponding Options field is 0.
const (
	DefaultOversample = 10
	DefaultPowerIters = 4
)

// blockRows is the number of rows of A·X held in memory at a time. It is a
// constant, not derived from Threads, because the Gram matrix is reduced
// block by block and its rounding depends on the block boundaries.
const blockRows = 4096

// rowTask is the number of rows one goroutine takes at a time in A·X.
const rowTask = 64

// colChunks is the approximate number of column ranges Aᵀ·Y is split into.
const colChunks = 256

// Options for Fit.
type Options struct {
	// K is the number of components wanted, at least 1. It is clamped to
	// min(Rows, Cols).
	K int
	// Oversample is the number of extra random vectors p, so that l = K+p
	// vectors are iterated (l is clamped to min(Rows, Cols)). 0 means
	// DefaultOversample (10); negative is an error.
	Oversample int
	// PowerIters is the number of power iterations q. 0 means
	// DefaultPowerIters (4); negative is an error.
	PowerIters int
	// Seed seeds the random test matrix: the same input, options and Seed
	// give bit-identical output.
	Seed uint64
	// Threads is the number of goroutines for the sparse products; 0 means
	// runtime.GOMAXPROCS(0), negative is an error. The result does not depend
	// on it.
	Threads int
}

// Projection maps a sparse term vector to K dense dimensions: component c of
// the result is the dot product with row c of Components, the c-th right
// singular vector (see Project for the scaling).
type Projection struct {
	K, Cols    int
	Components []float32 // K x Cols, row-major: the top K right singular vectors (unit norm)
	Singular   []float32 // the K singular values, descending
}

// Fit computes the top K singular values and right singular vectors of m by
// the randomized algorithm described in the package documentation. The
// returned Projection has K = min(opts.K, m.Rows, m.Cols) components. Singular
// values of a matrix of rank r below K are ~0 from index r on, and their
// components are an arbitrary orthonormal completion.
//
// Fit checks ctx between row blocks of every sparse product and returns
// ctx.Err() (wrapped) once it is done. It returns an error if m is invalid
// (see CSR.Validate) or empty, or if the options are out of range.
func Fit(ctx context.Context, m *CSR, opts Options) (*Projection, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if m.Rows == 0 || m.Cols == 0 {
		return nil, fmt.Errorf("lsa: empty %dx%d matrix", m.Rows, m.Cols)
	}
	if m.Rows > math.MaxInt32 {
		return nil, fmt.Errorf("lsa: %d rows do not fit int32 indices", m.Rows)
	}
	if opts.K < 1 {
		return nil, fmt.Errorf("lsa: K = %d, want at least 1", opts.K)
	}
	if opts.Oversample < 0 || opts.PowerIters < 0 || opts.Threads < 0 {
		return nil, fmt.Errorf("lsa: negative option (Oversample %d, PowerIters %d, Threads %d)",
			opts.Oversample, opts.PowerIters, opts.Threads)
	}
	p, q, threads := opts.Oversample, opts.PowerIters, opts.Threads
	if p == 0 {
		p = DefaultOversample
	}
	if q == 0 {
		q = DefaultPowerIters
	}
	if threads == 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	rank := min(m.Rows, m.Cols)
	k := min(opts.K, rank)
	l := min(k+p, rank)
	n := m.Cols

	op := newOperator(m, l, threads)

	x := make([]float64, n*l)
	op.parallel((n+rowTask-1)/rowTask, func(t int) {
		for j := t * rowTask; j < min((t+1)*rowTask, n); j++ {
			fillGaussian(x[j*l:(j+1)*l], opts.Seed, uint64(j))
		}
	})

	// Subspace iteration on AᵀA, re-orthonormalised after every step.
	z := make([]float64, n*l)
	var qr qrWork
	for range q + 1 {
		if err := op.pass(ctx, x, z, nil); err != nil {
			return nil, err
		}
		qr.orthonormalize(z, n, l)
		x, z = z, x
	}
	z = nil

	// Rayleigh–Ritz: G = (AX)ᵀ(AX) = W Λ Wᵀ, V = X W.
	g := make([]float64, l*l)
	if err := op.pass(ctx, x, nil, g); err != nil {
		return nil, err
	}
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(l, g), true) {
		return nil, errors.New("lsa: eigen-decomposition of the Gram matrix did not converge")
	}
	lambda := eig.Values(nil) // ascending
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	w := make([]float64, l*k)
	singular := make([]float32, k)
	for c := range k {
		src := l - 1 - c
		singular[c] = float32(math.Sqrt(max(lambda[src], 0)))
		for t := range l {
			w[t*k+c] = vecs.At(t, src)
		}
	}
	// The eigenvalues are sorted, but float32 rounding cannot unsort them;
	// clamp anyway so that the documented order holds exactly.
	for c := 1; c < k; c++ {
		singular[c] = min(singular[c], singular[c-1])
	}

	comp := make([]float32, k*n)
	rightVectors(x, w, n, l, k, comp)
	return &Projection{K: k, Cols: n, Components: comp, Singular: singular}, nil
}

// rightVectors writes V = X W (X n x l, W l x k, both row-major) transposed
// into comp (k x n, float32) and flips the sign of each component so that its
// largest-magnitude entry (the first on a tie) is positive.
func rightVectors(x, w []float64, n, l, k int, comp []float32) {
	const chunk = 1024
	tmp := make([]float64, min(chunk, n)*k)
	best := make([]float64, k)
	neg := make([]bool, k)
	wm := blas64.General{Rows: l, Cols: k, Stride: k, Data: w}
	for j0 := 0; j0 < n; j0 += chunk {
		rows := min(chunk, n-j0)
		xm := blas64.General{Rows: rows, Cols: l, Stride: l, Data: x[j0*l : (j0+rows)*l]}
		tm := blas64.General{Rows: rows, Cols: k, Stride: k, Data: tmp[:rows*k]}
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, xm, wm, 0, tm)
		for jj := range rows {
			row := tmp[jj*k : (jj+1)*k]
			for c, v := range row {
				comp[c*n+j0+jj] = float32(v)
				if a := math.Abs(v); a > best[c] {
					best[c], neg[c] = a, v < 0
				}
			}
		}
	}
	for c := range k {
		if neg[c] {
			row := comp[c*n : (c+1)*n]
			for j := range row {
				row[j] = -row[j]
			}
		}
	}
}

// qrWork holds the workspace of the Householder QR of an n x l matrix.
type qrWork struct {
	tau, work []float64
}

// orthonormalize overwrites a (n x l row-major, n >= l) with the thin Q of
// its Householder QR factorisation. Q is orthonormal even when a is rank
// deficient.
func (w *qrWork) orthonormalize(a []float64, n, l int) {
	g := blas64.General{Rows: n, Cols: l, Stride: l, Data: a}
	if len(w.tau) != l {
		w.tau = make([]float64, l)
		var q [1]float64
		lapack64.Geqrf(g, w.tau, q[:], -1)
		lw := int(q[0])
		lapack64.Orgqr(g, w.tau, q[:], -1)
		lw = max(lw, int(q[0]), l)
		w.work = make([]float64, lw)
	}
	lapack64.Geqrf(g, w.tau, w.work, len(w.work))
	lapack64.Orgqr(g, w.tau, w.work, len(w.work))
}

// operator applies A and Aᵀ to dense n x l blocks.
type operator struct {
	a       *CSR
	l       int
	threads int
	// Aᵀ in CSR form (A in CSC form): the rows of column j, ascending, are
	// rowIdx[colPtr[j]:colPtr[j+1]].
	colPtr []int
	rowIdx []int32
	colVal []float32
	cursor []int // per column, the first entry not yet consumed by pass
	chunks []int // column range boundaries for Aᵀ·Y, balanced by non-zeros
	yb     []float64
}

func newOperator(a *CSR, l, threads int) *operator {
	n, nnz := a.Cols, len(a.Indices)
	op := &operator{
		a: a, l: l, threads: threads,
		colPtr: make([]int, n+1),
		rowIdx: make([]int32, nnz),
		colVal: make([]float32, nnz),
		cursor: make([]int, n),
		yb:     make([]float64, min(blockRows, a.Rows)*l),
	}
	for _, c := range a.Indices {
		op.colPtr[c+1]++
	}
	for j := range n {
		op.colPtr[j+1] += op.colPtr[j]
	}
	next := op.cursor
	copy(next, op.colPtr[:n])
	for i := range a.Rows {
		for p := a.Indptr[i]; p < a.Indptr[i+1]; p++ {
			c := a.Indices[p]
			op.rowIdx[next[c]] = int32(i)
			op.colVal[next[c]] = a.Values[p]
			next[c]++
		}
	}
	// Column chunks of roughly equal work (non-zeros plus one per column).
	target := (nnz+n)/colChunks + 1
	op.chunks = append(op.chunks, 0)
	acc := 0
	for j := range n {
		acc += op.colPtr[j+1] - op.colPtr[j] + 1
		if acc >= target {
			op.chunks = append(op.chunks, j+1)
			acc = 0
		}
	}
	if op.chunks[len(op.chunks)-1] != n {
		op.chunks = append(op.chunks, n)
	}
	return op
}

// parallel runs fn(0..tasks-1) on up to op.threads goroutines. Callers make
// each task write disjoint output, so the result is independent of the
// schedule.
func (op *operator) parallel(tasks int, fn func(task int)) {
	workers := min(op.threads, tasks)
	if workers <= 1 {
		for t := range tasks {
			fn(t)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				t := int(next.Add(1)) - 1
				if t >= tasks {
					return
				}
				fn(t)
			}
		})
	}
	wg.Wait()
}

// pass streams Y = A·X (X n x l) over blocks of rows. If z is non-nil it is
// set to Aᵀ·Y; if g is non-nil, Yᵀ·Y (l x l) is added to it. Every element
// of z is accumulated by one goroutine in ascending row order and g block by
// block, so the result does not depend on the number of threads.
func (op *operator) pass(ctx context.Context, x, z, g []float64) error {
	a, l := op.a, op.l
	if z != nil {
		clear(z)
		copy(op.cursor, op.colPtr[:a.Cols])
	}
	for r0 := 0; r0 < a.Rows; r0 += blockRows {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("lsa: %w", err)
		}
		r1 := min(r0+blockRows, a.Rows)
		yb := op.yb[:(r1-r0)*l]
		op.parallel((r1-r0+rowTask-1)/rowTask, func(t int) {
			for i := r0 + t*rowTask; i < min(r0+(t+1)*rowTask, r1); i++ {
				y := yb[(i-r0)*l : (i-r0+1)*l]
				clear(y)
				for p := a.Indptr[i]; p < a.Indptr[i+1]; p++ {
					c := int(a.Indices[p])
					axpy(float64(a.Values[p]), x[c*l:(c+1)*l], y)
				}
			}
		})
		if z != nil {
			op.parallel(len(op.chunks)-1, func(t int) {
				for j := op.chunks[t]; j < op.chunks[t+1]; j++ {
					p, end := op.cursor[j], op.colPtr[j+1]
					zj := z[j*l : (j+1)*l]
					for ; p < end && int(op.rowIdx[p]) < r1; p++ {
						i := int(op.rowIdx[p]) - r0
						axpy(float64(op.colVal[p]), yb[i*l:(i+1)*l], zj)
					}
					op.cursor[j] = p
				}
			})
		}
		if g != nil {
			ym := blas64.General{Rows: r1 - r0, Cols: l, Stride: l, Data: yb}
			gm := blas64.General{Rows: l, Cols: l, Stride: l, Data: g}
			blas64.Gemm(blas.Trans, blas.NoTrans, 1, ym, ym, 1, gm)
		}
	}
	return nil
}

// axpy computes y += alpha*x for len(x) == len(y).
func axpy(alpha float64, x, y []float64) {
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		xs, ys := x[i:i+4:i+4], y[i:i+4:i+4]
		ys[0] += alpha * xs[0]
		ys[1] += alpha * xs[1]
		ys[2] += alpha * xs[2]
		ys[3] += alpha * xs[3]
	}
	for ; i < len(x); i++ {
		y[i] += alpha * x[i]
	}
}

// fillGaussian fills dst with standard normal deviates (Box–Muller on
// SplitMix64) drawn from a stream determined by seed and row alone, so that
// the test matrix does not depend on how rows are shared among goroutines.
func fillGaussian(dst []float64, seed, row uint64) {
	state := mix64(seed) ^ mix64(row+0x632be59bd9b4e019)
	next := func() uint64 {
		state += 0x9e3779b97f4a7c15
		return mix64(state)
	}
	const inv53 = 1.0 / (1 << 53)
	for i := 0; i < len(dst); i += 2 {
		u1 := float64(next()>>11+1) * inv53 // (0, 1]
		u2 := float64(next()>>11) * inv53   // [0, 1)
		r := math.Sqrt(-2 * math.Log(u1))
		s, c := math.Sincos(2 * math.Pi * u2)
		dst[i] = r * c
		if i+1 < len(dst) {
			dst[i+1] = r * s
		}
	}
}

// mix64 is the SplitMix64 finaliser.
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
