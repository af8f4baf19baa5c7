// Package retrieval ranks roles by how much of a person's text their postings share: each role
// has a profile, a unit-length TF-IDF vector (package tfidf) built from its postings' skill
// phrases, descriptions, responsibilities and titles, and a query scores every role by cosine
// similarity through an inverted index.
//
// Profiles are built per field: a role's texts of one field are summed (each weighted, for
// example by the source postings it stands for), the field's sum is normalised, and the fields
// are joined with their weights (FieldWeights) and normalised again. A role with a long task
// list therefore does not drown one with a short skills line.
package retrieval

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/skillx/skillx/internal/tfidf"
)

// Field is a kind of role text.
type Field int

// The fields of a role profile.
const (
	Skills Field = iota
	Description
	Responsibilities
	Title
	numFields
)

// String names the field.
func (f Field) String() string {
	switch f {
	case Skills:
		return "skills"
	case Description:
		return "description"
	case Responsibilities:
		return "responsibilities"
	case Title:
		return "title"
	}
	return fmt.Sprintf("field(%d)", int(f))
}

// FieldWeights weigh the fields of a profile.
type FieldWeights struct {
	Skills           float64 `json:"skills"`
	Description      float64 `json:"description"`
	Responsibilities float64 `json:"responsibilities"`
	Title            float64 `json:"title"`
}

// DefaultFieldWeights weigh the skills fully and the role's prose at half to full weight:
// measured on O*NET occupations queried with LinkedIn postings' skills (see the README), the
// prose helps a lot where the skills vocabularies differ, and the responsibilities more than
// the description.
func DefaultFieldWeights() FieldWeights {
	return FieldWeights{Skills: 1, Description: 0.5, Responsibilities: 1, Title: 0.3}
}

func (w FieldWeights) of(f Field) float64 {
	switch f {
	case Skills:
		return w.Skills
	case Description:
		return w.Description
	case Responsibilities:
		return w.Responsibilities
	case Title:
		return w.Title
	}
	return 0
}

// Builder collects the texts of each role.
type Builder struct {
	model  *tfidf.Model
	labels []string
	acc    [][numFields]map[int32]float64
}

// NewBuilder starts profiles for labels (role names, in label order) over model's terms.
func NewBuilder(model *tfidf.Model, labels []string) *Builder {
	return &Builder{model: model, labels: labels, acc: make([][numFields]map[int32]float64, len(labels))}
}

// Add adds a text of field f to the profile of label index i, with weight w.
func (b *Builder) Add(i int, f Field, text string, w float64) {
	if w <= 0 || text == "" {
		return
	}
	b.AddVector(i, f, b.model.Transform(text), w)
}

// AddVector adds the TF-IDF vector of a text of field f to the profile of label i.
func (b *Builder) AddVector(i int, f Field, v tfidf.Vector, w float64) {
	if w <= 0 || len(v.Indices) == 0 {
		return
	}
	m := b.acc[i][f]
	if m == nil {
		m = map[int32]float64{}
		b.acc[i][f] = m
	}
	for j, id := range v.Indices {
		m[id] += w * float64(v.Values[j])
	}
}

// Build makes the index with the field weights fw.
func (b *Builder) Build(fw FieldWeights) *Index {
	ix := &Index{Labels: b.labels, Weights: fw, ModelID: b.model.ID(), Terms: b.model.Terms(), profiles: make([]tfidf.Vector, len(b.labels))}
	for i := range b.labels {
		p := map[int32]float64{}
		for f := range numFields {
			m := b.acc[i][f]
			w := fw.of(f)
			if len(m) == 0 || w == 0 {
				continue
			}
			var n float64
			for _, v := range m {
				n += v * v
			}
			s := w / math.Sqrt(n)
			for id, v := range m {
				p[id] += s * v
			}
		}
		ix.profiles[i] = unit(p)
	}
	ix.invert()
	return ix
}

// unit returns p as a sorted, unit-length sparse vector.
func unit(p map[int32]float64) tfidf.Vector {
	ids := make([]int32, 0, len(p))
	var n float64
	for id, v := range p {
		ids = append(ids, id)
		n += v * v
	}
	slices.Sort(ids)
	out := tfidf.Vector{Indices: ids, Values: make([]float32, len(ids))}
	if n == 0 {
		return tfidf.Vector{}
	}
	s := 1 / math.Sqrt(n)
	for j, id := range ids {
		out.Values[j] = float32(p[id] * s)
	}
	return out
}

// Index scores roles against queries. It is safe for concurrent use.
type Index struct {
	// Labels are the role names, in label order.
	Labels []string
	// Weights are the field weights the profiles were built with.
	Weights FieldWeights
	// ModelID is the id of the TF-IDF model the profiles are made of.
	ModelID string
	// Terms is the model's number of terms.
	Terms    int
	profiles []tfidf.Vector
	// Inverted index, CSR by term.
	termPtr []int32
	role    []int32
	value   []float32
}

func (ix *Index) invert() {
	ix.termPtr = make([]int32, ix.Terms+1)
	for _, p := range ix.profiles {
		for _, id := range p.Indices {
			ix.termPtr[id+1]++
		}
	}
	for t := 0; t < ix.Terms; t++ {
		ix.termPtr[t+1] += ix.termPtr[t]
	}
	n := ix.termPtr[ix.Terms]
	ix.role, ix.value = make([]int32, n), make([]float32, n)
	next := slices.Clone(ix.termPtr[:ix.Terms])
	for r, p := range ix.profiles {
		for j, id := range p.Indices {
			k := next[id]
			ix.role[k], ix.value[k] = int32(r), p.Values[j]
			next[id]++
		}
	}
}

// Profile returns the profile of label i.
func (ix *Index) Profile(i int) tfidf.Vector { return ix.profiles[i] }

// Scores writes the cosine similarity of q to every role profile into dst (len(Labels)).
func (ix *Index) Scores(q tfidf.Vector, dst []float32) {
	clear(dst)
	for j, id := range q.Indices {
		if int(id) >= ix.Terms {
			continue
		}
		qv := q.Values[j]
		for k := ix.termPtr[id]; k < ix.termPtr[id+1]; k++ {
			dst[ix.role[k]] += qv * ix.value[k]
		}
	}
}

const magic = "SKXRETR1"

type header struct {
	Labels  []string     `json:"labels"`
	Weights FieldWeights `json:"weights"`
	ModelID string       `json:"model_id"`
	Terms   int          `json:"terms"`
}

// MarshalBinary encodes the index: a magic string, a JSON header, then each profile as a
// uvarint length, its term ids and values (little-endian).
func (ix *Index) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(magic)
	h, err := json.Marshal(header{Labels: ix.Labels, Weights: ix.Weights, ModelID: ix.ModelID, Terms: ix.Terms})
	if err != nil {
		return nil, err
	}
	var tmp []byte
	tmp = binary.AppendUvarint(tmp, uint64(len(h)))
	b.Write(tmp)
	b.Write(h)
	for _, p := range ix.profiles {
		tmp = binary.AppendUvarint(tmp[:0], uint64(len(p.Indices)))
		for j, id := range p.Indices {
			tmp = binary.LittleEndian.AppendUint32(tmp, uint32(id))
			tmp = binary.LittleEndian.AppendUint32(tmp, math.Float32bits(p.Values[j]))
		}
		b.Write(tmp)
	}
	return b.Bytes(), nil
}

// Unmarshal decodes an index written by MarshalBinary.
func Unmarshal(data []byte) (*Index, error) {
	if !bytes.HasPrefix(data, []byte(magic)) {
		return nil, errors.New("retrieval: not a role index (bad magic)")
	}
	p := data[len(magic):]
	n, k := binary.Uvarint(p)
	if k <= 0 || n > uint64(len(p)-k) {
		return nil, errors.New("retrieval: truncated role index header")
	}
	var h header
	if err := json.Unmarshal(p[k:k+int(n)], &h); err != nil {
		return nil, fmt.Errorf("retrieval: bad role index header: %w", err)
	}
	p = p[k+int(n):]
	ix := &Index{Labels: h.Labels, Weights: h.Weights, ModelID: h.ModelID, Terms: h.Terms, profiles: make([]tfidf.Vector, len(h.Labels))}
	for i := range ix.profiles {
		n, k := binary.Uvarint(p)
		if k <= 0 || n > uint64(len(p)-k)/8 {
			return nil, fmt.Errorf("retrieval: truncated role index (profile %d)", i)
		}
		p = p[k:]
		v := tfidf.Vector{Indices: make([]int32, n), Values: make([]float32, n)}
		for j := range v.Indices {
			v.Indices[j] = int32(binary.LittleEndian.Uint32(p))
			v.Values[j] = math.Float32frombits(binary.LittleEndian.Uint32(p[4:]))
			p = p[8:]
			if v.Indices[j] < 0 || int(v.Indices[j]) >= h.Terms || (j > 0 && v.Indices[j] <= v.Indices[j-1]) {
				return nil, fmt.Errorf("retrieval: bad term id in profile %d", i)
			}
		}
		ix.profiles[i] = v
	}
	if len(p) != 0 {
		return nil, fmt.Errorf("retrieval: %d stray bytes at the end of the role index", len(p))
	}
	ix.invert()
	return ix, nil
}

// TopK returns the indices of the k largest scores, largest first, ties to the lower index.
func TopK(scores []float32, k int) []int {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	return idx[:min(k, len(idx))]
}
