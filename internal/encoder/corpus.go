package encoder

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/skillx/skillx/internal/lsa"
	"github.com/skillx/skillx/internal/tfidf"
)

// CorpusVersion is the version of the corpus encoder's construction (column choice, scaling,
// artifact layout); it is part of every corpus encoder id.
const CorpusVersion = 1

// CorpusOptions configure the fitting of a corpus encoder.
type CorpusOptions struct {
	// Dim is the number of LSA dimensions (at most 384).
	Dim int `json:"dim"`
	// MaxColumns bounds the TF-IDF terms the projection reads: those in the most fitting
	// documents. The other terms of a text are ignored. It keeps the artifact small
	// (Dim x MaxColumns float32).
	MaxColumns int `json:"max_columns"`
	// MaxDocs bounds the documents the SVD is fitted on; a larger corpus is sampled evenly.
	MaxDocs int `json:"max_docs"`
	// Seed seeds the randomized SVD.
	Seed uint64 `json:"seed"`
}

// DefaultCorpusOptions are the corpus encoder's defaults: 256 dimensions over the 20,000
// commonest terms, fitted on at most 50,000 documents.
func DefaultCorpusOptions() CorpusOptions {
	return CorpusOptions{Dim: 256, MaxColumns: 20000, MaxDocs: 50000, Seed: 1}
}

// Corpus is the encoder fitted on the corpus: a text's TF-IDF vector (package tfidf) projected
// onto the top singular vectors of the fitting documents' TF-IDF matrix (latent semantic
// analysis, package lsa) and scaled to unit length. Words and character n-grams that occur
// together in postings land near each other, so "CSS3" and "CSS", or "Tableau" and "Power BI",
// get similar vectors without any pretrained model.
type Corpus struct {
	tf      *tfidf.Model
	proj    *lsa.Projection
	columns []int32         // the projection's columns: TF-IDF term ids, increasing
	col     map[int32]int32 // TF-IDF term id -> projection column
	byTerm  []float32       // the projection transposed: column j's K components at j*K
	data    []byte          // the binary form (MarshalBinary), made once
	id      string
}

// FitCorpus fits a corpus encoder on docs, whose TF-IDF model is tf.
func FitCorpus(ctx context.Context, tf *tfidf.Model, docs []string, opts CorpusOptions) (*Corpus, error) {
	if opts.Dim < 1 || opts.Dim > 384 || opts.MaxColumns < 1 || opts.MaxDocs < 1 {
		return nil, fmt.Errorf("corpus encoder: options %+v out of range", opts)
	}
	if len(docs) > opts.MaxDocs {
		sampled := make([]string, opts.MaxDocs)
		for i := range sampled {
			sampled[i] = docs[int(int64(i)*int64(len(docs))/int64(opts.MaxDocs))]
		}
		docs = sampled
	}
	vecs := make([]tfidf.Vector, len(docs))
	df := map[int32]int{}
	for i, d := range docs {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		vecs[i] = tf.Transform(d)
		for _, t := range vecs[i].Indices {
			df[t]++
		}
	}
	terms := make([]int32, 0, len(df))
	for t := range df {
		terms = append(terms, t)
	}
	sort.Slice(terms, func(i, j int) bool {
		if df[terms[i]] != df[terms[j]] {
			return df[terms[i]] > df[terms[j]]
		}
		return terms[i] < terms[j]
	})
	if len(terms) > opts.MaxColumns {
		terms = terms[:opts.MaxColumns]
	}
	if len(terms) == 0 {
		return nil, errors.New("corpus encoder: the documents have no TF-IDF terms")
	}
	sort.Slice(terms, func(i, j int) bool { return terms[i] < terms[j] })
	c := &Corpus{tf: tf, columns: terms}
	c.index()
	m := &lsa.CSR{Rows: len(vecs), Cols: len(terms), Indptr: make([]int, 1, len(vecs)+1)}
	for _, v := range vecs {
		idx, val := c.restrict(v)
		m.Indices = append(m.Indices, idx...)
		m.Values = append(m.Values, val...)
		m.Indptr = append(m.Indptr, len(m.Indices))
	}
	proj, err := fitProjection(ctx, m, lsa.Options{K: opts.Dim, Seed: opts.Seed, PowerIters: corpusPowerIters})
	if err != nil {
		return nil, fmt.Errorf("corpus encoder: %w", err)
	}
	c.proj = proj
	c.transpose()
	if err := c.setID(); err != nil {
		return nil, err
	}
	return c, nil
}

// corpusPowerIters is the number of power iterations of the randomized SVD: two are plenty for
// vectors compared by cosine, and each costs a QR of a Cols x (K+10) matrix.
const corpusPowerIters = 2

// fitProjection returns the top right singular vectors of m. The randomized SVD's dense work
// grows with the number of columns, so a matrix with fewer rows (documents) than columns
// (terms) is decomposed through its transpose, whose right singular vectors u are m's left
// ones; m's right singular vectors are then v = mᵀu/σ. A component whose singular value is ~0
// (m of rank below K) gets a zero row: it adds nothing to any vector.
func fitProjection(ctx context.Context, m *lsa.CSR, opts lsa.Options) (*lsa.Projection, error) {
	if m.Rows >= m.Cols {
		return lsa.Fit(ctx, m, opts)
	}
	t := transposeCSR(m)
	u, err := lsa.Fit(ctx, t, opts)
	if err != nil {
		return nil, err
	}
	p := &lsa.Projection{K: u.K, Cols: m.Cols, Components: make([]float32, u.K*m.Cols), Singular: u.Singular}
	tol := float64(u.Singular[0]) * 1e-6
	acc := make([]float64, m.Cols)
	for c := range u.K {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sigma := float64(u.Singular[c])
		if sigma <= tol {
			continue
		}
		clear(acc)
		uc := u.Components[c*m.Rows : (c+1)*m.Rows]
		for i := range m.Rows {
			w := float64(uc[i])
			for k := m.Indptr[i]; k < m.Indptr[i+1]; k++ {
				acc[m.Indices[k]] += w * float64(m.Values[k])
			}
		}
		row := p.Components[c*m.Cols : (c+1)*m.Cols]
		for j, a := range acc {
			row[j] = float32(a / sigma)
		}
	}
	return p, nil
}

// transposeCSR returns mᵀ in CSR form (column indices increasing within each row).
func transposeCSR(m *lsa.CSR) *lsa.CSR {
	t := &lsa.CSR{Rows: m.Cols, Cols: m.Rows, Indptr: make([]int, m.Cols+1), Indices: make([]int32, len(m.Indices)), Values: make([]float32, len(m.Values))}
	for _, j := range m.Indices {
		t.Indptr[j+1]++
	}
	for j := range m.Cols {
		t.Indptr[j+1] += t.Indptr[j]
	}
	next := append([]int(nil), t.Indptr[:m.Cols]...)
	for i := range m.Rows {
		for k := m.Indptr[i]; k < m.Indptr[i+1]; k++ {
			j := m.Indices[k]
			t.Indices[next[j]] = int32(i)
			t.Values[next[j]] = m.Values[k]
			next[j]++
		}
	}
	return t
}

func (c *Corpus) index() {
	c.col = make(map[int32]int32, len(c.columns))
	for i, t := range c.columns {
		c.col[t] = int32(i)
	}
}

// transpose lays the projection out by column, so that projecting a sparse vector reads one
// contiguous run of K values per term instead of K scattered ones.
func (c *Corpus) transpose() {
	k, n := c.proj.K, c.proj.Cols
	c.byTerm = make([]float32, k*n)
	for r := 0; r < k; r++ {
		row := c.proj.Components[r*n : (r+1)*n]
		for j, v := range row {
			c.byTerm[j*k+r] = v
		}
	}
}

// restrict keeps the terms of v that are projection columns, renumbered, re-normalised to
// unit length; columns come out increasing because term ids and columns are both increasing.
func (c *Corpus) restrict(v tfidf.Vector) ([]int32, []float32) {
	idx := make([]int32, 0, len(v.Indices))
	val := make([]float32, 0, len(v.Indices))
	var ss float64
	for i, t := range v.Indices {
		if j, ok := c.col[t]; ok {
			idx = append(idx, j)
			val = append(val, v.Values[i])
			ss += float64(v.Values[i]) * float64(v.Values[i])
		}
	}
	if ss > 0 {
		inv := float32(1 / math.Sqrt(ss))
		for i := range val {
			val[i] *= inv
		}
	}
	return idx, val
}

// ID names the encoder: "corpus-v1-<dim>:" and the first 12 hex digits of the sha256 of the
// TF-IDF model id and the encoder's own bytes.
func (c *Corpus) ID() string { return c.id }

// Dim returns the number of dimensions.
func (c *Corpus) Dim() int { return c.proj.K }

// TFIDF returns the TF-IDF model the encoder reads.
func (c *Corpus) TFIDF() *tfidf.Model { return c.tf }

// Encode returns one unit vector per text; a text without known terms gets the zero vector.
// Texts are encoded on GOMAXPROCS goroutines; each vector depends only on its text.
func (c *Corpus) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	workers := min(runtime.GOMAXPROCS(0), (len(texts)+255)/256)
	var wg sync.WaitGroup
	var next atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				start := int(next.Add(256)) - 256
				if start >= len(texts) {
					return
				}
				for i := start; i < min(start+256, len(texts)); i++ {
					out[i] = c.encode(texts[i])
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func (c *Corpus) encode(text string) []float32 {
	idx, val := c.restrict(c.tf.Transform(text))
	k := c.proj.K
	v := make([]float32, k)
	if len(idx) == 0 {
		return v
	}
	acc := make([]float64, k)
	for i, j := range idx {
		x := float64(val[i])
		for r, w := range c.byTerm[int(j)*k : int(j+1)*k] {
			acc[r] += x * float64(w)
		}
	}
	for r, a := range acc {
		v[r] = float32(a)
	}
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	if ss > 0 {
		inv := float32(1 / math.Sqrt(ss))
		for i := range v {
			v[i] *= inv
		}
	}
	return v
}

// Close does nothing: the encoder holds only memory.
func (c *Corpus) Close() error { return nil }

const corpusMagic = "SKXCORP1"

// MarshalBinary encodes the encoder without its TF-IDF model (stored apart; the bytes are made
// once and shared, so the caller must not modify them): a magic string,
// the TF-IDF model id (uvarint length and bytes), the number of columns and the column term
// ids (little-endian uint32), then the LSA projection.
func (c *Corpus) MarshalBinary() ([]byte, error) {
	if c.data != nil {
		return c.data, nil
	}
	var b bytes.Buffer
	b.WriteString(corpusMagic)
	b.Write(binary.AppendUvarint(nil, uint64(len(c.tf.ID()))))
	b.WriteString(c.tf.ID())
	b.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(c.columns))))
	tmp := make([]byte, 0, 4*len(c.columns))
	for _, t := range c.columns {
		tmp = binary.LittleEndian.AppendUint32(tmp, uint32(t))
	}
	b.Write(tmp)
	p, err := c.proj.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b.Write(p)
	return b.Bytes(), nil
}

func (c *Corpus) setID() error {
	data, err := c.MarshalBinary()
	if err != nil {
		return err
	}
	c.data = data
	sum := sha256.Sum256(data)
	c.id = fmt.Sprintf("corpus-v%d-%d:%s", CorpusVersion, c.proj.K, hex.EncodeToString(sum[:])[:12])
	return nil
}

// UnmarshalCorpus decodes an encoder written by MarshalBinary; tf must be the TF-IDF model it
// was fitted with.
func UnmarshalCorpus(data []byte, tf *tfidf.Model) (*Corpus, error) {
	if !bytes.HasPrefix(data, []byte(corpusMagic)) {
		return nil, errors.New("corpus encoder: not an encoder file (bad magic)")
	}
	p := data[len(corpusMagic):]
	n, k := binary.Uvarint(p)
	if k <= 0 || n > uint64(len(p)-k) {
		return nil, errors.New("corpus encoder: truncated file")
	}
	tfID := string(p[k : k+int(n)])
	p = p[k+int(n):]
	if tfID != tf.ID() {
		return nil, fmt.Errorf("corpus encoder: fitted with TF-IDF model %s, but the model given is %s (run `skillx features --force`)", tfID, tf.ID())
	}
	if len(p) < 4 {
		return nil, errors.New("corpus encoder: truncated file")
	}
	cols := int(binary.LittleEndian.Uint32(p))
	p = p[4:]
	if cols < 1 || cols > len(p)/4 {
		return nil, errors.New("corpus encoder: truncated file (columns)")
	}
	c := &Corpus{tf: tf, columns: make([]int32, cols), proj: &lsa.Projection{}}
	for i := range c.columns {
		t := int32(binary.LittleEndian.Uint32(p[4*i:]))
		if t < 0 || int(t) >= tf.Terms() || (i > 0 && t <= c.columns[i-1]) {
			return nil, fmt.Errorf("corpus encoder: bad column %d (term %d)", i, t)
		}
		c.columns[i] = t
	}
	if err := c.proj.UnmarshalBinary(p[4*cols:]); err != nil {
		return nil, fmt.Errorf("corpus encoder: %w", err)
	}
	if c.proj.Cols != cols {
		return nil, fmt.Errorf("corpus encoder: projection has %d columns, want %d", c.proj.Cols, cols)
	}
	c.index()
	c.transpose()
	if err := c.setID(); err != nil {
		return nil, err
	}
	return c, nil
}

// OpenCorpus reads the corpus encoder at path and its TF-IDF model at tfidfPath.
func OpenCorpus(path, tfidfPath string) (*Corpus, error) {
	tfData, err := os.ReadFile(tfidfPath)
	if err != nil {
		return nil, fmt.Errorf("corpus encoder: %w", err)
	}
	tf, err := tfidf.Unmarshal(tfData)
	if err != nil {
		return nil, fmt.Errorf("corpus encoder %s: %w", tfidfPath, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("corpus encoder: %w", err)
	}
	c, err := UnmarshalCorpus(data, tf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}
