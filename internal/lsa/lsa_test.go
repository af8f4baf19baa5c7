package lsa

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

// builder accumulates a sparse matrix row by row.
type builder struct {
	rows, cols int
	entries    []map[int]float64
}

func newBuilder(rows, cols int) *builder {
	b := &builder{rows: rows, cols: cols, entries: make([]map[int]float64, rows)}
	for i := range b.entries {
		b.entries[i] = map[int]float64{}
	}
	return b
}

func (b *builder) add(i, j int, v float64) { b.entries[i][j] += v }

func (b *builder) csr() *CSR {
	m := &CSR{Rows: b.rows, Cols: b.cols, Indptr: make([]int, 1, b.rows+1)}
	for _, row := range b.entries {
		cols := make([]int, 0, len(row))
		for j, v := range row {
			if v != 0 {
				cols = append(cols, j)
			}
		}
		sort.Ints(cols)
		for _, j := range cols {
			m.Indices = append(m.Indices, int32(j))
			m.Values = append(m.Values, float32(row[j]))
		}
		m.Indptr = append(m.Indptr, len(m.Indices))
	}
	return m
}

func toDense(m *CSR) *mat.Dense {
	d := mat.NewDense(m.Rows, m.Cols, nil)
	for i := range m.Rows {
		for p := m.Indptr[i]; p < m.Indptr[i+1]; p++ {
			d.Set(i, int(m.Indices[p]), float64(m.Values[p]))
		}
	}
	return d
}

// reference returns the singular values (descending) and the right singular
// vectors (columns of an n x min(m,n) matrix) of m by gonum's dense SVD.
func reference(t *testing.T, m *CSR) ([]float64, *mat.Dense) {
	t.Helper()
	var svd mat.SVD
	if !svd.Factorize(toDense(m), mat.SVDThin) {
		t.Fatal("dense SVD failed")
	}
	var v mat.Dense
	svd.VTo(&v)
	return svd.Values(nil), &v
}

// planted returns a sparse matrix with exact rank-one blocks of singular
// values about scale[t] on disjoint row and column groups, plus sparse noise
// of size noise.
func planted(rng *rand.Rand, rows, cols int, scale []float64, noise float64) *CSR {
	b := newBuilder(rows, cols)
	T := len(scale)
	for t, s := range scale {
		r0, r1 := t*rows/T, (t+1)*rows/T
		c0, c1 := t*cols/T, (t+1)*cols/T
		x := make([]float64, r1-r0)
		y := make([]float64, c1-c0)
		var nx, ny float64
		for i := range x {
			if rng.IntN(2) == 0 {
				x[i] = 0.5 + rng.Float64()
				nx += x[i] * x[i]
			}
		}
		for j := range y {
			if rng.IntN(3) == 0 {
				y[j] = 0.5 + rng.Float64()
				ny += y[j] * y[j]
			}
		}
		f := s / math.Sqrt(nx*ny)
		for i, xi := range x {
			for j, yj := range y {
				if xi != 0 && yj != 0 {
					b.add(r0+i, c0+j, f*xi*yj)
				}
			}
		}
	}
	for range rows * cols / 50 {
		b.add(rng.IntN(rows), rng.IntN(cols), noise*rng.NormFloat64())
	}
	return b.csr()
}

// randomSparse returns a TF-IDF-like matrix: Zipf-distributed columns,
// positive values, about nnz entries per row.
func randomSparse(rng *rand.Rand, rows, cols, nnz int) *CSR {
	b := newBuilder(rows, cols)
	z := rand.NewZipf(rng, 1.1, 2, uint64(cols-1))
	for i := range rows {
		for range nnz {
			j := int(z.Uint64())
			b.add(i, (j*7919)%cols, 0.1+rng.Float64())
		}
	}
	return b.csr()
}

func fit(t *testing.T, m *CSR, opts Options) *Projection {
	t.Helper()
	p, err := Fit(context.Background(), m, opts)
	if err != nil {
		t.Fatalf("Fit: %v", err)
	}
	if err := p.check(); err != nil {
		t.Fatalf("Fit returned an invalid projection: %v", err)
	}
	return p
}

// checkOrthonormal checks that the components are orthonormal rows.
func checkOrthonormal(t *testing.T, p *Projection, tol float64) {
	t.Helper()
	for a := range p.K {
		for b := a; b < p.K; b++ {
			var s float64
			for j := range p.Cols {
				s += float64(p.Components[a*p.Cols+j]) * float64(p.Components[b*p.Cols+j])
			}
			want := 0.0
			if a == b {
				want = 1
			}
			if math.Abs(s-want) > tol {
				t.Fatalf("components %d·%d = %g, want %g", a, b, s, want)
			}
		}
	}
}

// checkAgainst compares the top k singular values (relative tolerance
// valTol) and the individual right singular vectors (|cos| >= 1-vecTol)
// with the dense reference, and the subspace spanned by all K components.
func checkAgainst(t *testing.T, m *CSR, p *Projection, k int, valTol, vecTol float64) {
	t.Helper()
	s, v := reference(t, m)
	for c := range k {
		if got := float64(p.Singular[c]); math.Abs(got-s[c]) > valTol*s[c] {
			t.Errorf("singular value %d = %g, want %g (rel err %.2g)", c, got, s[c], math.Abs(got-s[c])/s[c])
		}
		// Ritz values never exceed the true ones.
		if got := float64(p.Singular[c]); got > s[c]*(1+1e-5) {
			t.Errorf("singular value %d = %g exceeds the true %g", c, got, s[c])
		}
	}
	var frob float64
	for c := range k {
		var cos float64
		for b := range k {
			var d float64
			for j := range p.Cols {
				d += float64(p.Components[c*p.Cols+j]) * v.At(j, b)
			}
			frob += d * d
			if b == c {
				cos = math.Abs(d)
			}
		}
		if cos < 1-vecTol {
			t.Errorf("component %d: |cos| with the true vector = %g", c, cos)
		}
	}
	if frob < float64(k)*(1-vecTol) {
		t.Errorf("subspace agreement ||V_trueᵀ V||²_F = %g, want ≈ %d", frob, k)
	}
}

func TestFitPlantedSpectrum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	scale := []float64{100, 70, 50, 35, 25, 18, 12, 8}
	m := planted(rng, 300, 200, scale, 0.05)
	p := fit(t, m, Options{K: 8, Seed: 3})
	if p.K != 8 || p.Cols != 200 || len(p.Components) != 8*200 {
		t.Fatalf("shape K=%d Cols=%d len=%d", p.K, p.Cols, len(p.Components))
	}
	checkOrthonormal(t, p, 1e-5)
	checkAgainst(t, m, p, 8, 1e-3, 1e-3)
}

func TestFitRandomSparse(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m := randomSparse(rng, 400, 300, 12)
	s, _ := reference(t, m)
	p := fit(t, m, Options{K: 20, Seed: 9})
	checkOrthonormal(t, p, 1e-5)
	// Check only the leading, well-separated part of this generic spectrum.
	k := 0
	for k < 20 && s[k]/s[k+1] > 1.05 {
		k++
	}
	if k < 3 {
		t.Fatalf("test matrix has no separated leading values: %v", s[:6])
	}
	checkAgainst(t, m, p, k, 1e-3, 1e-3)
	for c := range p.K {
		if got := float64(p.Singular[c]); got > s[c]*(1+1e-5) || got < s[c]*0.9 {
			t.Errorf("singular value %d = %g, true %g", c, got, s[c])
		}
	}
}

func TestFitFullBasisIsExact(t *testing.T) {
	// With l = min(Rows, Cols) the range finder spans everything, so every
	// requested component is exact up to rounding.
	rng := rand.New(rand.NewPCG(7, 8))
	m := randomSparse(rng, 60, 45, 8)
	p := fit(t, m, Options{K: 10, Oversample: 100, Seed: 1})
	s, _ := reference(t, m)
	k := 0
	for k < 10 && s[k]/s[k+1] > 1.001 {
		k++
	}
	checkAgainst(t, m, p, k, 1e-5, 1e-5)
}

func TestFitExactRank(t *testing.T) {
	const rows, cols, r = 120, 80, 5
	rng := rand.New(rand.NewPCG(11, 12))
	base := make([]map[int]float64, r)
	for b := range base {
		base[b] = map[int]float64{}
		for range 12 {
			base[b][rng.IntN(cols)] = float64(1 + rng.IntN(4))
		}
	}
	bl := newBuilder(rows, cols)
	for i := range rows {
		for b := range r {
			if c := float64(rng.IntN(3)); c != 0 {
				for j, v := range base[b] {
					bl.add(i, j, c*v)
				}
			}
		}
	}
	m := bl.csr()
	p := fit(t, m, Options{K: 10, Seed: 4})
	if p.K != 10 {
		t.Fatalf("K = %d", p.K)
	}
	for c, s := range p.Singular {
		if math.IsNaN(float64(s)) {
			t.Fatalf("singular value %d is NaN", c)
		}
		if c >= r && float64(s) > 1e-5*float64(p.Singular[0]) {
			t.Errorf("singular value %d = %g, want ~0 (σ0 = %g)", c, s, p.Singular[0])
		}
	}
	for i, v := range p.Components {
		if math.IsNaN(float64(v)) {
			t.Fatalf("component value %d is NaN", i)
		}
	}
	checkOrthonormal(t, p, 1e-5)
	checkAgainst(t, m, p, r, 1e-4, 1e-4)
}

func TestFitZeroMatrix(t *testing.T) {
	m := &CSR{Rows: 6, Cols: 9, Indptr: make([]int, 7)}
	p := fit(t, m, Options{K: 3})
	for c, s := range p.Singular {
		if s != 0 {
			t.Errorf("singular value %d = %g, want 0", c, s)
		}
	}
	checkOrthonormal(t, p, 1e-6)
}

func TestFitKClamped(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, sz := range [][2]int{{15, 40}, {40, 15}} {
		m := randomSparse(rng, sz[0], sz[1], 6)
		p := fit(t, m, Options{K: 100, Seed: 2})
		if p.K != 15 || p.Cols != sz[1] || len(p.Components) != 15*sz[1] || len(p.Singular) != 15 {
			t.Fatalf("%dx%d: K=%d Cols=%d len(Components)=%d len(Singular)=%d",
				sz[0], sz[1], p.K, p.Cols, len(p.Components), len(p.Singular))
		}
		checkOrthonormal(t, p, 1e-5)
		s, _ := reference(t, m)
		for c := range p.K {
			if got := float64(p.Singular[c]); math.Abs(got-s[c]) > 1e-5*s[0] {
				t.Errorf("%dx%d: singular value %d = %g, want %g", sz[0], sz[1], c, got, s[c])
			}
		}
	}
}

func TestFitEmptyRowAndColumn(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	const emptyRow, emptyCol = 3, 7
	b := newBuilder(50, 30)
	for i := range 50 {
		for j := range 30 {
			if i != emptyRow && j != emptyCol && rng.IntN(4) == 0 {
				b.add(i, j, 1+rng.Float64())
			}
		}
	}
	m := b.csr()
	if m.Indptr[emptyRow] != m.Indptr[emptyRow+1] {
		t.Fatal("row not empty")
	}
	p := fit(t, m, Options{K: 5, Seed: 8})
	checkOrthonormal(t, p, 1e-5)
	for c := range p.K {
		if v := p.Components[c*p.Cols+emptyCol]; math.Abs(float64(v)) > 1e-6 {
			t.Errorf("component %d has %g at the empty column", c, v)
		}
	}
	dst := []float32{9, 9, 9, 9, 9}
	p.Project(nil, nil, dst)
	for c, v := range dst {
		if v != 0 {
			t.Errorf("projection of the empty row: dst[%d] = %g", c, v)
		}
	}
	s, _ := reference(t, m)
	k := 0
	for k < 5 && s[k]/s[k+1] > 1.05 {
		k++
	}
	checkAgainst(t, m, p, k, 1e-3, 1e-3)
}

func TestProject(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	m := planted(rng, 120, 90, []float64{50, 30, 20, 10}, 0.1)
	p := fit(t, m, Options{K: 4, Seed: 1})
	s, _ := reference(t, m)
	dst := make([]float32, p.K)
	var sumsq [4]float64
	for i := range m.Rows {
		lo, hi := m.Indptr[i], m.Indptr[i+1]
		p.Project(m.Indices[lo:hi], m.Values[lo:hi], dst)
		for c := range p.K {
			var want float64
			for q := lo; q < hi; q++ {
				want += float64(m.Values[q]) * float64(p.Components[c*p.Cols+int(m.Indices[q])])
			}
			if math.Abs(float64(dst[c])-want) > 1e-5*(1+math.Abs(want)) {
				t.Fatalf("row %d component %d = %g, want %g", i, c, dst[c], want)
			}
			sumsq[c] += float64(dst[c]) * float64(dst[c])
		}
	}
	// The projected rows are U·Σ: the norm of column c is σ_c.
	for c := range p.K {
		if got := math.Sqrt(sumsq[c]); math.Abs(got-s[c]) > 1e-3*s[c] {
			t.Errorf("norm of projected column %d = %g, want σ = %g", c, got, s[c])
		}
	}
	for name, f := range map[string]func(){
		"short dst":      func() { p.Project(nil, nil, make([]float32, 3)) },
		"length":         func() { p.Project([]int32{1}, nil, dst) },
		"negative index": func() { p.Project([]int32{-1}, []float32{1}, dst) },
		"index too big":  func() { p.Project([]int32{90}, []float32{1}, dst) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestFitDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	// More rows than blockRows, so several blocks and chunks are used.
	m := randomSparse(rng, blockRows*2+123, 700, 10)
	var ref []byte
	for _, threads := range []int{1, 4, 2, 7, 0} {
		p := fit(t, m, Options{K: 16, Seed: 42, Threads: threads})
		b, err := p.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = b
		} else if !bytes.Equal(b, ref) {
			t.Fatalf("Threads=%d: output differs from Threads=1", threads)
		}
	}
	p := fit(t, m, Options{K: 16, Seed: 42, Threads: 1})
	if b, _ := p.MarshalBinary(); !bytes.Equal(b, ref) {
		t.Fatal("second run with the same seed differs")
	}
	// Another seed gives other bits but the same leading spectrum.
	q := fit(t, m, Options{K: 16, Seed: 43})
	if b, _ := q.MarshalBinary(); bytes.Equal(b, ref) {
		t.Error("different seeds gave identical output")
	}
	for c := range 3 {
		if d := math.Abs(float64(p.Singular[c] - q.Singular[c])); d > 1e-3*float64(p.Singular[c]) {
			t.Errorf("seed changes singular value %d: %g vs %g", c, p.Singular[c], q.Singular[c])
		}
	}
}

func TestFitErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	m := randomSparse(rng, 20, 10, 3)
	ctx := context.Background()
	for name, tc := range map[string]struct {
		m    *CSR
		opts Options
	}{
		"nil matrix":          {nil, Options{K: 2}},
		"invalid matrix":      {&CSR{Rows: 1, Cols: 1, Indptr: []int{0, 1}}, Options{K: 1}},
		"no rows":             {&CSR{Rows: 0, Cols: 5, Indptr: []int{0}}, Options{K: 1}},
		"no columns":          {&CSR{Rows: 2, Cols: 0, Indptr: []int{0, 0, 0}}, Options{K: 1}},
		"K zero":              {m, Options{}},
		"negative oversample": {m, Options{K: 2, Oversample: -1}},
		"negative iters":      {m, Options{K: 2, PowerIters: -1}},
		"negative threads":    {m, Options{K: 2, Threads: -1}},
	} {
		if p, err := Fit(ctx, tc.m, tc.opts); err == nil || p != nil {
			t.Errorf("%s: Fit = %v, %v; want error", name, p, err)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Fit(cctx, m, Options{K: 2}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	p := fit(t, randomSparse(rng, 30, 25, 5), Options{K: 4})
	b, err := p.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if want := 16 + 4*(4+4*25) + 4; len(b) != want {
		t.Errorf("len = %d, want %d", len(b), want)
	}
	var q Projection
	if err := q.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if q.K != p.K || q.Cols != p.Cols {
		t.Fatalf("shape %dx%d, want %dx%d", q.K, q.Cols, p.K, p.Cols)
	}
	for i := range p.Components {
		if math.Float32bits(q.Components[i]) != math.Float32bits(p.Components[i]) {
			t.Fatalf("component value %d differs", i)
		}
	}
	for i := range p.Singular {
		if math.Float32bits(q.Singular[i]) != math.Float32bits(p.Singular[i]) {
			t.Fatalf("singular value %d differs", i)
		}
	}
	if b2, _ := q.MarshalBinary(); !bytes.Equal(b, b2) {
		t.Error("re-marshalled bytes differ")
	}
}

func TestUnmarshalErrors(t *testing.T) {
	p := &Projection{K: 2, Cols: 3,
		Components: []float32{1, 0, 0, 0, 1, 0},
		Singular:   []float32{2, 1}}
	good, err := p.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	orig := Projection{K: 7}
	check := func(name string, data []byte, want string) {
		t.Helper()
		q := orig
		err := q.UnmarshalBinary(data)
		if err == nil {
			t.Errorf("%s: no error", name)
			return
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %q does not mention %q", name, err, want)
		}
		if q.K != 7 || q.Components != nil {
			t.Errorf("%s: receiver modified on error", name)
		}
	}
	for n := range len(good) {
		check("truncated", good[:n], "")
	}
	check("trailing byte", append(append([]byte{}, good...), 0), "truncated or corrupt")
	for i := range good {
		for _, bit := range []byte{0x01, 0x80} {
			bad := append([]byte{}, good...)
			bad[i] ^= bit
			check("flipped bit", bad, "")
		}
	}
	bad := append([]byte{}, good...)
	copy(bad, "XXXX")
	check("magic", bad, "magic")
	bad = append([]byte{}, good...)
	bad[4] = 2
	check("version", bad, "version")

	// A well-formed file with a NaN (valid checksum) is still rejected.
	nan := *p
	nan.Components = append([]float32{}, p.Components...)
	nan.Components[2] = float32(math.NaN())
	if _, err := nan.MarshalBinary(); err == nil {
		t.Error("MarshalBinary accepted NaN")
	}
	for name, q := range map[string]*Projection{
		"short components": {K: 2, Cols: 3, Components: make([]float32, 5), Singular: []float32{1, 0}},
		"short singular":   {K: 2, Cols: 3, Components: make([]float32, 6), Singular: []float32{1}},
		"ascending":        {K: 2, Cols: 3, Components: make([]float32, 6), Singular: []float32{1, 2}},
		"K > Cols":         {K: 2, Cols: 1, Components: make([]float32, 2), Singular: []float32{1, 0}},
		"empty":            {},
	} {
		if _, err := q.MarshalBinary(); err == nil {
			t.Errorf("MarshalBinary(%s): no error", name)
		}
	}
}

func TestValidate(t *testing.T) {
	good := func() *CSR {
		return &CSR{Rows: 3, Cols: 4,
			Indptr:  []int{0, 2, 2, 4},
			Indices: []int32{0, 3, 1, 2},
			Values:  []float32{1, 2, 3, 4}}
	}
	if err := good().Validate(); err != nil {
		t.Fatalf("valid matrix: %v", err)
	}
	if err := (&CSR{Indptr: []int{0}}).Validate(); err != nil {
		t.Fatalf("0x0 matrix: %v", err)
	}
	for name, mutate := range map[string]func(m *CSR){
		"nil indptr":         func(m *CSR) { m.Indptr = nil },
		"short indptr":       func(m *CSR) { m.Indptr = m.Indptr[:3] },
		"indptr[0] != 0":     func(m *CSR) { m.Indptr[0] = 1 },
		"decreasing indptr":  func(m *CSR) { m.Indptr[1] = 3 },
		"indptr past end":    func(m *CSR) { m.Indptr[1] = 5 },
		"indptr end":         func(m *CSR) { m.Indptr[3] = 3 },
		"values length":      func(m *CSR) { m.Values = m.Values[:3] },
		"unsorted indices":   func(m *CSR) { m.Indices[2], m.Indices[3] = 2, 1 },
		"duplicate index":    func(m *CSR) { m.Indices[1] = 0 },
		"column too big":     func(m *CSR) { m.Indices[3] = 4 },
		"negative column":    func(m *CSR) { m.Indices[0] = -1 },
		"NaN value":          func(m *CSR) { m.Values[0] = float32(math.NaN()) },
		"infinite value":     func(m *CSR) { m.Values[1] = float32(math.Inf(-1)) },
		"negative rows":      func(m *CSR) { m.Rows = -1 },
		"negative cols":      func(m *CSR) { m.Cols = -1 },
		"rows vs indptr len": func(m *CSR) { m.Rows = 4 },
	} {
		m := good()
		mutate(m)
		if err := m.Validate(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	var nilm *CSR
	if err := nilm.Validate(); err == nil {
		t.Error("nil matrix: no error")
	}
}

// BenchmarkFit fits K=256 components of a synthetic TF-IDF-like 50,000 x
// 60,000 matrix with about 40 non-zeros per row (Zipf-distributed terms). It
// reports the peak live heap during Fit as peak-heap-MB (sampled).
func BenchmarkFit(b *testing.B) {
	const rows, cols, perRow = 50000, 60000, 40
	rng := rand.New(rand.NewPCG(1, 1))
	z := rand.NewZipf(rng, 1.05, 3, cols-1)
	m := &CSR{Rows: rows, Cols: cols, Indptr: make([]int, 1, rows+1)}
	seen := make(map[int32]bool)
	var row []int32
	for range rows {
		clear(seen)
		row = row[:0]
		for range perRow {
			j := int32((z.Uint64() * 104729) % cols)
			if !seen[j] {
				seen[j] = true
				row = append(row, j)
			}
		}
		sort.Slice(row, func(a, b int) bool { return row[a] < row[b] })
		for _, j := range row {
			m.Indices = append(m.Indices, j)
			m.Values = append(m.Values, float32(0.05+rng.Float64()))
		}
		m.Indptr = append(m.Indptr, len(m.Indices))
	}
	runtime.GC()
	base := heapBytes()
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if h := heapBytes(); h > peak {
				peak = h
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	b.ResetTimer()
	for b.Loop() {
		if _, err := Fit(context.Background(), m, Options{K: 256, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(peak-min(base, peak))/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(len(m.Indices)), "nnz")
}

func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
