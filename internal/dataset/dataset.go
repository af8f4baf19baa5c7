package dataset

import (
	"fmt"
	"github.com/skillx/skillx/internal/layout"
	"os"
	"sort"

	"github.com/skillx/skillx/internal/embstore"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/records"
)

// Set is a loaded data set: row i of X is the vector of Examples[i].
type Set struct {
	// Encoder is the id of the encoder that made the vectors.
	Encoder string
	// Dim is the vector length.
	Dim int
	// Examples are the training examples in file order.
	Examples []records.Example
	// X holds len(Examples) rows of Dim floats.
	X []float32
	// Labels are the distinct roles, sorted; Y indexes them.
	Labels []string
	// Y is each example's label index.
	Y []int32
	// ExamplesPath and EmbeddingsPath are the files read.
	ExamplesPath, EmbeddingsPath string
}

// Paths returns the features files under workdir.
func Paths(workdir string) (examples, embeddings string) {
	return layout.Examples(workdir), layout.Embeddings(workdir)
}

// Load reads the examples and their vectors under workdir.
func Load(workdir string) (*Set, error) {
	exPath, embPath := Paths(workdir)
	for _, p := range []string{exPath, embPath} {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("input %s not found: run `skillx features` first (%w)", p, err)
		}
	}
	examples, err := parquetio.ReadAll[records.Example](exPath)
	if err != nil {
		return nil, err
	}
	if len(examples) == 0 {
		return nil, fmt.Errorf("%s holds no examples", exPath)
	}
	want := make(map[embstore.Hash]bool, len(examples))
	hashes := make([]embstore.Hash, len(examples))
	for i, ex := range examples {
		h, err := embstore.ParseHash(ex.TextHash)
		if err != nil {
			return nil, fmt.Errorf("%s row %d: %w", exPath, i+1, err)
		}
		hashes[i] = h
		want[h] = true
	}
	vecs, info, err := embstore.Load(embPath, want)
	if err != nil {
		return nil, err
	}
	s := &Set{Encoder: info.Encoder, Dim: info.Dim, Examples: examples, ExamplesPath: exPath, EmbeddingsPath: embPath}
	s.X = make([]float32, len(examples)*info.Dim)
	for i, h := range hashes {
		v, ok := vecs[h]
		if !ok {
			return nil, fmt.Errorf("%s row %d (%q): no vector in %s; run `skillx features --force`", exPath, i+1, examples[i].Text, embPath)
		}
		copy(s.X[i*info.Dim:], v)
	}
	seen := map[string]bool{}
	for _, ex := range examples {
		if !seen[ex.Role] {
			seen[ex.Role] = true
			s.Labels = append(s.Labels, ex.Role)
		}
	}
	sort.Strings(s.Labels)
	index := LabelIndex(s.Labels)
	s.Y = make([]int32, len(examples))
	for i, ex := range examples {
		s.Y[i] = int32(index[ex.Role])
	}
	return s, nil
}

// LabelIndex maps each label to its position.
func LabelIndex(labels []string) map[string]int {
	m := make(map[string]int, len(labels))
	for i, l := range labels {
		m[l] = i
	}
	return m
}

// Row returns the vector of example i.
func (s *Set) Row(i int) []float32 { return s.X[i*s.Dim : (i+1)*s.Dim] }

// Subset returns the vectors, labels and weights of the examples idx, in that order.
func (s *Set) Subset(idx []int) (x []float32, y []int32, w []float32) {
	x = make([]float32, 0, len(idx)*s.Dim)
	y = make([]int32, 0, len(idx))
	w = make([]float32, 0, len(idx))
	for _, i := range idx {
		x = append(x, s.Row(i)...)
		y = append(y, s.Y[i])
		w = append(w, float32(s.Examples[i].Weight))
	}
	return x, y, w
}
