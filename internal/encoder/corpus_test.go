package encoder

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/skillx/skillx/internal/lsa"
	"github.com/skillx/skillx/internal/tfidf"
)

// corpusDocs is a small corpus of three fields whose skills co-occur within a field.
func corpusDocs() []string {
	fields := [][]string{
		{"Tableau", "Power BI", "SQL", "Excel", "data visualization", "dashboards"},
		{"patient care", "medication administration", "vital signs", "nursing assessment", "wound care"},
		{"CSS3", "HTML5", "JavaScript", "React", "responsive web design", "CSS"},
	}
	var docs []string
	for i := 0; i < 40; i++ {
		f := fields[i%3]
		// Each document leaves one skill out, so no two skills always co-occur.
		var parts []string
		for j, s := range f {
			if j != (i/3)%len(f) {
				parts = append(parts, s)
			}
		}
		docs = append(docs, fmt.Sprint(parts))
	}
	return docs
}

func fitTestCorpus(t *testing.T) *Corpus {
	t.Helper()
	docs := corpusDocs()
	tf, err := tfidf.Fit(docs, tfidf.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	c, err := FitCorpus(context.Background(), tf, docs, CorpusOptions{Dim: 3, MaxColumns: 5000, MaxDocs: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func cosine(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func TestCorpusEncoderPlacesCooccurringSkillsTogether(t *testing.T) {
	c := fitTestCorpus(t)
	if c.Dim() != 3 {
		t.Fatalf("dim %d, want 3", c.Dim())
	}
	texts := []string{"Tableau", "Power BI", "wound care", "CSS3", "CSS", "vital signs", "", "zzqx"}
	v, err := c.Encode(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range v[:6] {
		if n := cosine(x, x); math.Abs(n-1) > 1e-5 {
			t.Errorf("%q: squared norm %f, want 1", texts[i], n)
		}
	}
	for i := 6; i < 8; i++ {
		if n := cosine(v[i], v[i]); n != 0 {
			t.Errorf("%q (no known term): squared norm %f, want 0", texts[i], n)
		}
	}
	// Words that never occur together but share a field meet; other fields stay apart.
	if same, other := cosine(v[0], v[1]), cosine(v[0], v[2]); same < 0.5 || other > 0.3 {
		t.Errorf("cos(Tableau, Power BI) = %.3f (want >= 0.5), cos(Tableau, wound care) = %.3f (want <= 0.3)", same, other)
	}
	if css, other := cosine(v[3], v[4]), cosine(v[4], v[5]); css < 0.8 || other > 0.3 {
		t.Errorf("cos(CSS3, CSS) = %.3f (want >= 0.8), cos(CSS, vital signs) = %.3f (want <= 0.3)", css, other)
	}
}

func TestCorpusEncoderRoundTrip(t *testing.T) {
	c := fitTestCorpus(t)
	data, err := c.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalCorpus(data, c.TFIDF())
	if err != nil {
		t.Fatal(err)
	}
	if back.ID() != c.ID() || back.Dim() != c.Dim() {
		t.Fatalf("round trip: id %s dim %d, want %s %d", back.ID(), back.Dim(), c.ID(), c.Dim())
	}
	texts := []string{"Power BI, SQL", "nursing assessment"}
	a, _ := c.Encode(context.Background(), texts)
	b, _ := back.Encode(context.Background(), texts)
	for i := range a {
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				t.Fatalf("text %d dim %d: %v after the round trip, want %v", i, j, b[i][j], a[i][j])
			}
		}
	}
	other, err := tfidf.Fit([]string{"welding", "forklift"}, tfidf.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := UnmarshalCorpus(data, other); err == nil {
		t.Error("an encoder read with another TF-IDF model: want an error")
	}
	if _, err := UnmarshalCorpus(data[:len(data)-9], c.TFIDF()); err == nil {
		t.Error("a truncated encoder file: want an error")
	}
}

func TestCorpusEncoderSamplesDocsDeterministically(t *testing.T) {
	docs := corpusDocs()
	tf, err := tfidf.Fit(docs, tfidf.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	opts := CorpusOptions{Dim: 4, MaxColumns: 5000, MaxDocs: 12, Seed: 1}
	a, err := FitCorpus(context.Background(), tf, docs, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := FitCorpus(context.Background(), tf, docs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID() != b.ID() {
		t.Errorf("same corpus and options: ids %s and %s", a.ID(), b.ID())
	}
	opts.MaxDocs = len(docs)
	c, err := FitCorpus(context.Background(), tf, docs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID() == a.ID() {
		t.Error("fitted on all 40 documents and on a sample of 12: the same encoder id")
	}
	if _, err := FitCorpus(context.Background(), tf, docs, CorpusOptions{Dim: 500, MaxColumns: 10, MaxDocs: 10}); err == nil {
		t.Error("dim 500: want an error (at most 384)")
	}
}

// TestFitProjectionThroughTranspose checks that a wide matrix decomposed through its
// transpose gives the same singular values and right singular vectors (up to sign) as the
// direct randomized SVD.
func TestFitProjectionThroughTranspose(t *testing.T) {
	const rows, cols, k = 30, 200, 5
	m := &lsa.CSR{Rows: rows, Cols: cols, Indptr: []int{0}}
	state := uint64(7)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			state = state*6364136223846793005 + 1442695040888963407
			if state>>60 < 3 { // about 3 in 16 entries
				m.Indices = append(m.Indices, int32(j))
				m.Values = append(m.Values, float32(state>>40&0xffff)/65536+0.1)
			}
		}
		m.Indptr = append(m.Indptr, len(m.Indices))
	}
	opts := lsa.Options{K: k, Seed: 3, PowerIters: 12}
	direct, err := lsa.Fit(context.Background(), m, opts)
	if err != nil {
		t.Fatal(err)
	}
	viaT, err := fitProjection(context.Background(), m, opts)
	if err != nil {
		t.Fatal(err)
	}
	for c := 0; c < k; c++ {
		if d := math.Abs(float64(direct.Singular[c]-viaT.Singular[c])) / float64(direct.Singular[c]); d > 1e-3 {
			t.Errorf("singular value %d: %f through the transpose, %f directly", c, viaT.Singular[c], direct.Singular[c])
		}
		a, b := direct.Components[c*cols:(c+1)*cols], viaT.Components[c*cols:(c+1)*cols]
		if dot := math.Abs(cosine(a, b)); dot < 0.999 {
			t.Errorf("component %d: |cos| %.5f between the two fits, want ~1", c, dot)
		}
	}
}
