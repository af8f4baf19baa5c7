package mlp

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

func randMatrix(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

// refGemm computes op(A)·op(B) (+ c0 when acc), then p's operations, in float64.
func refGemm(m, n, k int, a, b mat, c0 []float32, ldc int, acc bool, p post) []float64 {
	at := func(x mat, i, p int) float64 {
		if x.trans {
			return float64(x.data[p*x.ld+i])
		}
		return float64(x.data[i*x.ld+p])
	}
	out := make([]float64, m*n)
	for i := range m {
		for j := range n {
			s := 0.0
			if acc {
				s = float64(c0[i*ldc+j])
			}
			for q := range k {
				s += at(a, i, q) * at(b, q, j)
			}
			if p.bias != nil {
				s += float64(p.bias[j])
			}
			if p.relu && s < 0 {
				s = 0
			}
			if p.mask != nil && !(p.mask[i*ldc+j] > 0) {
				s = 0
			}
			out[i*n+j] = s
		}
	}
	return out
}

func TestGemm(t *testing.T) {
	shapes := []struct{ m, n, k int }{
		{1, 1, 1}, {6, 16, 4}, {7, 17, 5}, {5, 3, 300}, {32, 48, 257}, {13, 40, 520}, {64, 64, 64}, {3, 100, 0},
		{40, 70, 30}, {200, 90, 9}, {100, 40, 200}, // parallel, with A packed by each goroutine or shared
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, kern := range kernels() {
		for _, threads := range []int{1, 2, 3} {
			g := newGemmKernel(kern, threads)
			for _, s := range shapes {
				for _, ta := range []bool{false, true} {
					for _, tb := range []bool{false, true} {
						for v := range 4 {
							acc := v&1 != 0
							var p post
							if v >= 2 {
								p = post{bias: randMatrix(rng, s.n), relu: v == 2}
								if v == 3 {
									p.mask = randMatrix(rng, s.m*(s.n+3))
								}
							}
							name := fmt.Sprintf("%s/t%d/%dx%dx%d/ta=%v/tb=%v/acc=%v/post=%d", kern.name, threads, s.m, s.n, s.k, ta, tb, acc, v/2)
							a := mat{data: randMatrix(rng, s.m*s.k), ld: s.k, trans: ta}
							if ta {
								a.ld = s.m
							}
							b := mat{data: randMatrix(rng, s.k*s.n), ld: s.n, trans: tb}
							if tb {
								b.ld = s.k
							}
							ldc := s.n + 3
							c := randMatrix(rng, s.m*ldc)
							want := refGemm(s.m, s.n, s.k, a, b, c, ldc, acc, p)
							pad := append([]float32(nil), c...)
							var (
								mu   sync.Mutex
								cols []int
							)
							g.run(s.m, s.n, s.k, a, b, c, ldc, acc, p, func(j0, j1 int) {
								mu.Lock()
								cols = append(cols, j0, j1)
								mu.Unlock()
							})
							for i := range s.m {
								for j := range ldc {
									got := float64(c[i*ldc+j])
									if j >= s.n {
										if c[i*ldc+j] != pad[i*ldc+j] {
											t.Fatalf("%s: C[%d][%d] (padding) = %v; want untouched %v", name, i, j, got, pad[i*ldc+j])
										}
										continue
									}
									w := want[i*s.n+j]
									if math.Abs(got-w) > 1e-4*(1+math.Sqrt(float64(s.k))) {
										t.Fatalf("%s: C[%d][%d] = %v; want %v", name, i, j, got, w)
									}
								}
							}
							covered := 0
							for q := 0; q < len(cols); q += 2 {
								covered += cols[q+1] - cols[q]
							}
							if covered != s.n {
								t.Errorf("%s: epilogue covered %d columns (%v); want %d", name, covered, cols, s.n)
							}
						}
					}
				}
			}
		}
	}
}

// TestGemmThreadsIdentical checks that the result does not depend on the number of threads.
func TestGemmThreadsIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m, n, k := 70, 300, 600
	a := mat{data: randMatrix(rng, m*k), ld: k}
	b := mat{data: randMatrix(rng, n*k), ld: k, trans: true}
	var first []float32
	for _, threads := range []int{1, 2, 3, 5} {
		c := make([]float32, m*n)
		newGemm(threads).run(m, n, k, a, b, c, n, false, post{}, nil)
		if first == nil {
			first = c
			continue
		}
		for i := range c {
			if math.Float32bits(c[i]) != math.Float32bits(first[i]) {
				t.Fatalf("threads=%d: C[%d] = %v; want %v (as with 1 thread)", threads, i, c[i], first[i])
			}
		}
	}
}

// BenchmarkGemm compares gonum's blas32.Gemm with this package's kernels on the shapes of a
// training step (m × k times k × n, in the orientation each step uses them).
func BenchmarkGemm(b *testing.B) {
	shapes := []struct {
		name         string
		m, n, k      int
		transA, tran bool
	}{
		{"fwd/256x384x512", 256, 512, 384, false, true},
		{"fwd/256x512x256", 256, 256, 512, false, true},
		{"fwd/256x128x376", 256, 376, 128, false, true},
		{"fwd/32x384x512", 32, 512, 384, false, true},
		{"bwdData/256x512x384", 256, 384, 512, false, false},
		{"bwdWeight/512x256x384", 512, 384, 256, true, false},
		{"bwdWeight/512x32x384", 512, 384, 32, true, false},
	}
	threads := defaultThreads()
	for _, s := range shapes {
		rng := rand.New(rand.NewPCG(5, 6))
		ad, bd := randMatrix(rng, s.m*s.k), randMatrix(rng, s.k*s.n)
		a := mat{data: ad, ld: s.k, trans: s.transA}
		if s.transA {
			a.ld = s.m
		}
		bm := mat{data: bd, ld: s.n, trans: s.tran}
		if s.tran {
			bm.ld = s.k
		}
		c := make([]float32, s.m*s.n)
		flops := float64(2 * s.m * s.n * s.k)
		b.Run("gonum/"+s.name, func(b *testing.B) {
			ta, tb := blas.NoTrans, blas.NoTrans
			ar, ac, br, bc := s.m, s.k, s.k, s.n
			if s.transA {
				ta, ar, ac = blas.Trans, s.k, s.m
			}
			if s.tran {
				tb, br, bc = blas.Trans, s.n, s.k
			}
			ga := blas32.General{Rows: ar, Cols: ac, Stride: ac, Data: ad}
			gb := blas32.General{Rows: br, Cols: bc, Stride: bc, Data: bd}
			gc := blas32.General{Rows: s.m, Cols: s.n, Stride: s.n, Data: c}
			for b.Loop() {
				blas32.Gemm(ta, tb, 1, ga, gb, 0, gc)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		for _, kern := range kernels() {
			b.Run(kern.name+"/"+s.name, func(b *testing.B) {
				g := newGemmKernel(kern, threads)
				for b.Loop() {
					g.run(s.m, s.n, s.k, a, bm, c, s.n, false, post{}, nil)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// TestPackPanelB checks the packing of B panels, including the AVX transpose, against
// the definition, for every remainder of kc modulo 8.
func TestPackPanelB(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	const nr = 16
	for _, trans := range []bool{false, true} {
		for _, cols := range []int{16, 5} {
			for kc := 1; kc <= 40; kc++ {
				rowsB, colsB := 50, 37 // op(B) is 50 × 37
				b := mat{data: randMatrix(rng, rowsB*colsB), ld: colsB, trans: trans}
				if trans {
					b.ld = rowsB
				}
				p0, j0 := 3, 20
				if cols == 16 {
					j0 = 21
				}
				dst := randMatrix(rng, nr*kc)
				packPanelB(dst, b, j0, cols, p0, kc, nr)
				for p := range kc {
					for q := range nr {
						want := float32(0)
						if q < cols {
							if trans {
								want = b.data[(j0+q)*b.ld+p0+p]
							} else {
								want = b.data[(p0+p)*b.ld+j0+q]
							}
						}
						if got := dst[p*nr+q]; got != want {
							t.Fatalf("trans=%v cols=%d kc=%d: packed[%d][%d] = %v; want %v", trans, cols, kc, p, q, got, want)
						}
					}
				}
			}
		}
	}
}

// TestPackPanelA checks the packing of A panels against the definition.
func TestPackPanelA(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	for _, trans := range []bool{false, true} {
		for _, mr := range []int{6, 4} {
			for rows := 1; rows <= mr; rows++ {
				for _, kc := range []int{1, 7, 33} {
					rowsA, colsA := 20, 50 // op(A) is 20 × 50
					a := mat{data: randMatrix(rng, rowsA*colsA), ld: colsA, trans: trans}
					if trans {
						a.ld = rowsA
					}
					i0, p0 := 20-mr, 4
					dst := randMatrix(rng, mr*kc)
					packPanelA(dst, a, i0, rows, p0, kc, mr)
					for p := range kc {
						for r := range mr {
							want := float32(0)
							if r < rows {
								if trans {
									want = a.data[(p0+p)*a.ld+i0+r]
								} else {
									want = a.data[(i0+r)*a.ld+p0+p]
								}
							}
							if got := dst[p*mr+r]; got != want {
								t.Fatalf("trans=%v mr=%d rows=%d kc=%d: packed[%d][%d] = %v; want %v", trans, mr, rows, kc, p, r, got, want)
							}
						}
					}
				}
			}
		}
	}
}
