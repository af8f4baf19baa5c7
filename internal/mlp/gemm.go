package mlp

import "sync"

// kcBlock is how many terms of the inner dimension one micro-kernel call sums. Packed panels
// of kcBlock × NR floats (16 KiB for the AVX2 kernel) stay in the L1 cache.
const kcBlock = 256

// kernel is a register-tiled micro-kernel: it computes an MR × NR tile of C from a packed
// MR-row panel of A and a packed NR-column panel of B, k terms each.
type kernel struct {
	name   string
	mr, nr int
	// fn computes s = Σ_p a[p*mr+r]·b[p*nr+j] for r < mr, j < nr, summing in order p = 0,
	// 1, ..., k-1 from zero, then applies the flags in this order: flagAcc: s = c + s;
	// flagBias: s += bias[j]; flagReLU: s = 0 where s < 0; flagMask: s = 0 where
	// mask[r*ldc+j] is not > 0. It stores s in c[r*ldc+j]. bias and mask may be nil when
	// their flags are not set.
	fn func(k int, a, b, c []float32, ldc int, flags int, bias, mask []float32)
}

// Kernel flags.
const (
	flagAcc  = 1 << iota // add to C
	flagBias             // add a bias per column
	flagReLU             // clamp negative values to 0
	flagMask             // zero where a mask matrix is not positive
)

// post is what happens to each element of C = op(A)·op(B) once its sum is complete: bias
// added (bias[j] for column j), ReLU, then zeroed where mask (a matrix with C's shape and
// row stride) is not positive. Zero fields do nothing.
type post struct {
	bias []float32
	relu bool
	mask []float32
}

func (p post) flags() int {
	f := 0
	if p.bias != nil {
		f |= flagBias
	}
	if p.relu {
		f |= flagReLU
	}
	if p.mask != nil {
		f |= flagMask
	}
	return f
}

// postTile applies the flags' operations (other than flagAcc) to the rows × cols tile c
// with row stride ldc, as the kernels do; bias starts at the tile's first column and mask
// at its first element.
func postTile(c []float32, ldc, rows, cols, flags int, bias, mask []float32) {
	for r := range rows {
		row := c[r*ldc : r*ldc+cols]
		if flags&flagBias != 0 {
			for j, b := range bias[:cols] {
				row[j] += b
			}
		}
		if flags&flagReLU != 0 {
			for j, v := range row {
				if v < 0 {
					row[j] = 0
				}
			}
		}
		if flags&flagMask != 0 {
			for j, mv := range mask[r*ldc : r*ldc+cols] {
				if !(mv > 0) {
					row[j] = 0
				}
			}
		}
	}
}

// mat is a row-major matrix operand: element (i, p) of op(M) is data[i*ld+p], or
// data[p*ld+i] when trans is true.
type mat struct {
	data  []float32
	ld    int
	trans bool
}

// gemm multiplies float32 matrices with a fixed kernel on up to threads goroutines. It keeps
// its packing buffers between calls and is not safe for concurrent use.
type gemm struct {
	kern    kernel
	threads int
	packA   [][]float32 // [0] shared; one per thread when each packs A itself
	packB   [][]float32 // one per thread
	tile    [][]float32 // one per thread: the edge tiles' results
}

func newGemm(threads int) *gemm { return newGemmKernel(bestKernel(), threads) }

func newGemmKernel(k kernel, threads int) *gemm {
	threads = max(threads, 1)
	g := &gemm{kern: k, threads: threads, packA: make([][]float32, threads),
		packB: make([][]float32, threads), tile: make([][]float32, threads)}
	for t := range g.tile {
		g.tile[t] = make([]float32, k.mr*k.nr)
	}
	return g
}

const (
	// minParallelMACs is the smallest multiply that is split across goroutines.
	minParallelMACs = 1 << 16
	// maxSharedA is the size of op(A), in floats, up to which every goroutine packs all of
	// it itself rather than waiting for a shared packing pass.
	maxSharedA = 1 << 15
)

// run computes C = op(A)·op(B), or C += op(A)·op(B) when acc is true, where op(A) is m × k,
// op(B) is k × n and C is m × n with row stride ldc, then applies p to each element. When
// epilogue is not nil it is called once per disjoint column range [j0, j1) of C, by the
// goroutine that computed those columns, right after they are final; its calls may run in
// parallel.
//
// Each element of C is computed the same way whatever the number of threads: the sum over
// the k terms runs in order, in blocks of kcBlock, each block's sum added to C in turn.
func (g *gemm) run(m, n, k int, a, b mat, c []float32, ldc int, acc bool, p post, epilogue func(j0, j1 int)) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if !acc {
			for i := range m {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		postTile(c, ldc, m, n, p.flags(), p.bias, p.mask)
		if epilogue != nil {
			epilogue(0, n)
		}
		return
	}
	mr, nr := g.kern.mr, g.kern.nr
	mPanels, nPanels := (m+mr-1)/mr, (n+nr-1)/nr
	mPad := mPanels * mr
	threads := g.threads
	if m*n*k < minParallelMACs {
		threads = 1
	}
	threads = min(threads, nPanels)

	// op(A) is packed whole, block by block of k, panel by panel of rows: once, shared,
	// when it is large, else by every goroutine for itself.
	kBlocks := (k + kcBlock - 1) / kcBlock
	units := kBlocks * mPanels
	packUnits := func(dst []float32, u0, u1 int) {
		for u := u0; u < u1; u++ {
			kb, ip := u/mPanels, u%mPanels
			p0 := kb * kcBlock
			kc := min(kcBlock, k-p0)
			packPanelA(dst[mPad*p0+ip*mr*kc:][:mr*kc], a, ip*mr, min(mr, m-ip*mr), p0, kc, mr)
		}
	}
	bufA := func(t int) []float32 {
		if cap(g.packA[t]) < mPad*k {
			g.packA[t] = make([]float32, mPad*k)
		}
		return g.packA[t][:mPad*k]
	}
	shared := threads > 1 && mPad*k > maxSharedA
	if shared {
		packA := bufA(0)
		var wg sync.WaitGroup
		for t := range threads {
			wg.Go(func() { packUnits(packA, units*t/threads, units*(t+1)/threads) })
		}
		wg.Wait()
	}

	flags := p.flags()
	// Each goroutine owns a contiguous range of column panels of C.
	cols := func(t, j0p, j1p int) {
		if j1p <= j0p {
			return
		}
		var packA []float32
		if shared {
			packA = g.packA[0][:mPad*k]
		} else {
			packA = bufA(t)
			packUnits(packA, 0, units)
		}
		width := (j1p - j0p) * nr
		if need := width * min(k, kcBlock); cap(g.packB[t]) < need {
			g.packB[t] = make([]float32, need)
		}
		tile := g.tile[t]
		for p0 := 0; p0 < k; p0 += kcBlock {
			kc := min(kcBlock, k-p0)
			bBuf := g.packB[t][:width*kc]
			for jp := j0p; jp < j1p; jp++ {
				packPanelB(bBuf[(jp-j0p)*nr*kc:][:nr*kc], b, jp*nr, min(nr, n-jp*nr), p0, kc, nr)
			}
			pa := packA[mPad*p0:]
			fl := 0
			if acc || p0 > 0 {
				fl |= flagAcc
			}
			if p0+kc == k {
				fl |= flags
			}
			for jp := j0p; jp < j1p; jp++ {
				pb := bBuf[(jp-j0p)*nr*kc:][:nr*kc]
				j := jp * nr
				nc := min(nr, n-j)
				var bias []float32
				if fl&flagBias != 0 {
					bias = p.bias[j:]
				}
				for ip := range mPanels {
					i := ip * mr
					mc := min(mr, m-i)
					pai := pa[ip*mr*kc:][:mr*kc]
					var mask []float32
					if fl&flagMask != 0 {
						mask = p.mask[i*ldc+j:]
					}
					if mc == mr && nc == nr {
						g.kern.fn(kc, pai, pb, c[i*ldc+j:], ldc, fl, bias, mask)
						continue
					}
					g.kern.fn(kc, pai, pb, tile, nr, 0, nil, nil)
					for r := range mc {
						dst := c[(i+r)*ldc+j:][:nc]
						src := tile[r*nr:][:nc]
						if fl&flagAcc != 0 {
							for q, v := range src {
								dst[q] += v
							}
						} else {
							copy(dst, src)
						}
					}
					postTile(c[i*ldc+j:], ldc, mc, nc, fl, bias, mask)
				}
			}
		}
		if epilogue != nil {
			epilogue(j0p*nr, min(j1p*nr, n))
		}
	}
	if threads == 1 {
		cols(0, 0, nPanels)
		return
	}
	var wg sync.WaitGroup
	for t := range threads {
		wg.Go(func() { cols(t, nPanels*t/threads, nPanels*(t+1)/threads) })
	}
	wg.Wait()
}

// packPanelA writes rows [i0, i0+rows) and columns [p0, p0+kc) of op(A) into dst as kc
// groups of mr values (one per row), padding missing rows with zeros.
func packPanelA(dst []float32, a mat, i0, rows, p0, kc, mr int) {
	dst = dst[:mr*kc]
	if rows < mr {
		clear(dst)
	}
	if a.trans { // op(A)(i, p) = data[p*ld+i]: each p reads rows consecutive values
		if mr == 6 && rows == 6 {
			for p := range kc {
				*(*[6]float32)(dst[p*6:]) = *(*[6]float32)(a.data[(p0+p)*a.ld+i0:])
			}
			return
		}
		for p := range kc {
			copy(dst[p*mr:p*mr+rows], a.data[(p0+p)*a.ld+i0:])
		}
		return
	}
	if mr == 6 && rows == 6 { // six rows at a time, without bounds checks in the loop
		off := i0*a.ld + p0
		r0, r1, r2 := a.data[off:off+kc], a.data[off+a.ld:off+a.ld+kc], a.data[off+2*a.ld:off+2*a.ld+kc]
		off += 3 * a.ld
		r3, r4, r5 := a.data[off:off+kc], a.data[off+a.ld:off+a.ld+kc], a.data[off+2*a.ld:off+2*a.ld+kc]
		for p := range r0 {
			d := (*[6]float32)(dst[p*6:])
			d[0], d[1], d[2], d[3], d[4], d[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
		}
		return
	}
	for r := range rows {
		src := a.data[(i0+r)*a.ld+p0:][:kc]
		for p, v := range src {
			dst[p*mr+r] = v
		}
	}
}

// packPanelB writes rows [p0, p0+kc) and columns [j0, j0+cols) of op(B) into dst as kc
// groups of nr values (one per column), padding missing columns with zeros.
func packPanelB(dst []float32, b mat, j0, cols, p0, kc, nr int) {
	dst = dst[:nr*kc]
	if cols < nr {
		clear(dst)
	}
	if !b.trans { // op(B)(p, j) = data[p*ld+j]
		if nr == 16 && cols == 16 {
			for p := range kc {
				*(*[16]float32)(dst[p*16:]) = *(*[16]float32)(b.data[(p0+p)*b.ld+j0:])
			}
			return
		}
		for p := range kc {
			copy(dst[p*nr:p*nr+cols], b.data[(p0+p)*b.ld+j0:])
		}
		return
	}
	if packPanelBTrans(dst, b, j0, cols, p0, kc, nr) {
		return
	}
	for q := range cols { // op(B)(p, j) = data[j*ld+p]
		src := b.data[(j0+q)*b.ld+p0:][:kc]
		for p, v := range src {
			dst[p*nr+q] = v
		}
	}
}

// kernelGo is the portable micro-kernel: 4 × 4 tiles whose sixteen sums the compiler keeps
// in registers.
var kernelGo = kernel{name: "go4x4", mr: 4, nr: 4, fn: kernelGo4x4}

func kernelGo4x4(k int, a, b, c []float32, ldc int, flags int, bias, mask []float32) {
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 float32
	a, b = a[:4*k], b[:4*k]
	for p := 0; p+4 <= len(a); p += 4 {
		av, bv := a[p:p+4:p+4], b[p:p+4:p+4]
		b0, b1, b2, b3 := bv[0], bv[1], bv[2], bv[3]
		a0 := av[0]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		a1 := av[1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a2 := av[2]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		a3 := av[3]
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	r0, r1, r2, r3 := c[0:4:4], c[ldc:ldc+4:ldc+4], c[2*ldc:2*ldc+4:2*ldc+4], c[3*ldc:3*ldc+4:3*ldc+4]
	if flags&flagAcc != 0 {
		c00, c01, c02, c03 = r0[0]+c00, r0[1]+c01, r0[2]+c02, r0[3]+c03
		c10, c11, c12, c13 = r1[0]+c10, r1[1]+c11, r1[2]+c12, r1[3]+c13
		c20, c21, c22, c23 = r2[0]+c20, r2[1]+c21, r2[2]+c22, r2[3]+c23
		c30, c31, c32, c33 = r3[0]+c30, r3[1]+c31, r3[2]+c32, r3[3]+c33
	}
	r0[0], r0[1], r0[2], r0[3] = c00, c01, c02, c03
	r1[0], r1[1], r1[2], r1[3] = c10, c11, c12, c13
	r2[0], r2[1], r2[2], r2[3] = c20, c21, c22, c23
	r3[0], r3[1], r3[2], r3[3] = c30, c31, c32, c33
	if flags&^flagAcc != 0 {
		postTile(c, ldc, 4, 4, flags, bias, mask)
	}
}

// bestKernel returns the fastest micro-kernel this CPU can run.
func bestKernel() kernel { return kernels()[0] }
