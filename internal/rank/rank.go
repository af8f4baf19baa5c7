// Package rank fuses the evidence for a person's next roles into one ranking: the classifier's
// probabilities (what the MLP learned from the postings), retrieval scores (how much of the
// person's skills each role's postings share, package retrieval), and, when the person's
// current role is a known role, how close each role's profile is to the current role's.
//
// Each signal is divided by its largest value for the query, so that the weights compare
// like with like: fused = (1 - β) · ((1 - α) · retrieval + α · classifier) + β · role.
// α is chosen on held-out queries (ChooseAlpha); β by measurement against O*NET's Related
// Occupations (see the README).
package rank

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"sync"

	"github.com/skillx/skillx/internal/classifier"
	"github.com/skillx/skillx/internal/metrics"
	"github.com/skillx/skillx/internal/retrieval"
	"github.com/skillx/skillx/internal/textnorm"
	"github.com/skillx/skillx/internal/tfidf"
)

// Weights are the weights of the served ranking (stored in classifier.json).
type Weights = classifier.Ranking

// DefaultClassifierWeight is α when no held-out queries of roles seen in training exist (in
// data with one skills text per role every held-out query is of an unseen role). Measured
// with the hashing encoder, the classifier adds little to retrieval on other sources: it gets
// a small share.
const DefaultClassifierWeight = 0.2

// DefaultCurrentRoleWeight is β, set as a product choice and reported beside the measured
// optimum: on O*NET's Related Occupations the β that does best on half of the occupations is
// 1 (the current role alone: those transitions are mostly similar occupations), but at 1 the
// person's skills would not count at all. At 0.5 both count; `skillx evaluate --transitions`
// reports the served β, the dev-chosen β and skills alone on the other half.
const DefaultCurrentRoleWeight = 0.5

// Validate checks that the weights are shares.
func Validate(w Weights) error {
	if w.Classifier < 0 || w.Classifier > 1 || w.CurrentRole < 0 || w.CurrentRole > 1 || math.IsNaN(w.Classifier+w.CurrentRole) {
		return fmt.Errorf("ranking weights classifier %g, current role %g: each must be in [0, 1]", w.Classifier, w.CurrentRole)
	}
	return nil
}

// scaleMax returns the factor that maps the largest of s to 1 (0 when none is positive).
func scaleMax(s []float32) float32 {
	var m float32
	for _, v := range s {
		if v > m {
			m = v
		}
	}
	if m <= 0 {
		return 0
	}
	return 1 / m
}

// Fuse writes the fused score of every role into dst. cls (classifier probabilities) and
// role (similarity to the current role) may be nil: a missing signal gives its weight to the
// others.
func Fuse(cls, ret, role []float32, alpha, beta float64, dst []float32) {
	if cls == nil {
		alpha = 0
	}
	if ret == nil {
		alpha = 1
	}
	if role == nil {
		beta = 0
	}
	sc, sr, so := scaleMax(cls), scaleMax(ret), scaleMax(role)
	a, b := float32(alpha), float32(beta)
	for i := range dst {
		var v float32
		if ret != nil {
			v += (1 - a) * ret[i] * sr
		}
		if cls != nil {
			v += a * cls[i] * sc
		}
		v *= 1 - b
		if role != nil {
			v += b * role[i] * so
		}
		dst[i] = v
	}
}

// Grid is the set of α values ChooseAlpha tries.
var Grid = []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1}

// ChooseAlpha returns the α of Grid whose fused ranking of the queries (cls[i], ret[i], the
// true label truth[i]) has the best top-5 accuracy, ties broken by top-1 and then by the
// smaller α, with that top-5.
func ChooseAlpha(cls, ret [][]float32, truth []int) (alpha, top5 float64) {
	best1 := -1.0
	top5 = -1
	for _, a := range Grid {
		t1, t5 := Accuracy(cls, ret, nil, truth, a, 0)
		if t5 > top5 || (t5 == top5 && t1 > best1) {
			alpha, top5, best1 = a, t5, t1
		}
	}
	return alpha, top5
}

// Accuracy returns the top-1 and top-5 accuracy of the fused ranking of queries. role may be
// nil.
func Accuracy(cls, ret, role [][]float32, truth []int, alpha, beta float64) (top1, top5 float64) {
	if len(truth) == 0 {
		return 0, 0
	}
	var dst []float32
	var h1, h5 int
	for i, y := range truth {
		var c, r, o []float32
		if cls != nil {
			c = cls[i]
		}
		if ret != nil {
			r = ret[i]
		}
		if role != nil {
			o = role[i]
		}
		n := max(len(c), len(r))
		if cap(dst) < n {
			dst = make([]float32, n)
		}
		dst = dst[:n]
		Fuse(c, r, o, alpha, beta, dst)
		top := metrics.TopK(dst, 5)
		if len(top) > 0 && top[0] == y {
			h1++
		}
		for _, j := range top {
			if j == y {
				h5++
				break
			}
		}
	}
	return float64(h1) / float64(len(truth)), float64(h5) / float64(len(truth))
}

// Set is a trained model set: the classifier, its labels file, its role index and the TF-IDF
// model the index is made of.
type Set struct {
	// Info is the classifier.json.
	Info *classifier.Info
	// Runner runs the ONNX classifier.
	Runner *classifier.Runner
	// Index scores roles by retrieval.
	Index *retrieval.Index
	// TFIDF turns texts into the index's vectors.
	TFIDF *tfidf.Model
	keys  map[string]int
}

// Load opens a model set and checks that its parts belong together. dim is the width of the
// classifier's input vectors.
func Load(model, info, index, tfidfPath string, dim int) (*Set, error) {
	inf, err := classifier.Read(info)
	if err != nil {
		return nil, err
	}
	s := &Set{Info: inf}
	data, err := os.ReadFile(index)
	if err != nil {
		return nil, fmt.Errorf("role index: %w (run `skillx train`)", err)
	}
	if s.Index, err = retrieval.Unmarshal(data); err != nil {
		return nil, fmt.Errorf("%s: %w", index, err)
	}
	if data, err = os.ReadFile(tfidfPath); err != nil {
		return nil, fmt.Errorf("TF-IDF model: %w (run `skillx features`)", err)
	}
	if s.TFIDF, err = tfidf.Unmarshal(data); err != nil {
		return nil, fmt.Errorf("%s: %w", tfidfPath, err)
	}
	if s.Index.ModelID != s.TFIDF.ID() {
		return nil, fmt.Errorf("the role index %s was built with TF-IDF model %s but %s is %s: rerun `skillx train`", index, s.Index.ModelID, tfidfPath, s.TFIDF.ID())
	}
	if !slices.Equal(s.Index.Labels, inf.Labels) {
		return nil, fmt.Errorf("the role index %s and %s have different labels: rerun `skillx train`", index, info)
	}
	if dim > 0 {
		if s.Runner, err = classifier.NewRunner(model, dim, len(inf.Labels)); err != nil {
			return nil, err
		}
	}
	s.keys = map[string]int{}
	for i, l := range inf.Labels {
		s.keys[textnorm.RoleKey(l)] = i
	}
	return s, nil
}

// Close frees the classifier session.
func (s *Set) Close() error {
	if s.Runner != nil {
		return s.Runner.Close()
	}
	return nil
}

// Weights returns the served ranking weights (the defaults for a model without them).
func (s *Set) Weights() Weights {
	if s.Info.Ranking != nil {
		return *s.Info.Ranking
	}
	return Weights{Classifier: DefaultClassifierWeight, CurrentRole: DefaultCurrentRoleWeight, ChosenOn: "default"}
}

// Label returns the label index of a role name (compared by role key), or -1.
func (s *Set) Label(role string) int {
	if i, ok := s.keys[textnorm.RoleKey(role)]; ok {
		return i
	}
	return -1
}

// Scores returns, per text, the classifier's probabilities (of the vectors x, n rows; nil
// without a classifier) and the retrieval scores of the text.
func (s *Set) Scores(texts []string, x []float32) (cls, ret [][]float32, err error) {
	c := len(s.Info.Labels)
	if s.Runner != nil && len(texts) > 0 {
		probs, err := s.Runner.Predict(x, len(texts))
		if err != nil {
			return nil, nil, err
		}
		cls = make([][]float32, len(texts))
		for i := range texts {
			cls[i] = probs[i*c : (i+1)*c : (i+1)*c]
		}
	}
	ret = make([][]float32, len(texts))
	flat := make([]float32, len(texts)*c)
	parts := min(runtime.GOMAXPROCS(0), max(len(texts)/minScoresPerWorker, 1))
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*len(texts)/parts, (p+1)*len(texts)/parts
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				ret[i] = flat[i*c : (i+1)*c : (i+1)*c]
				s.Index.Scores(s.TFIDF.Transform(texts[i]), ret[i])
			}
		})
	}
	wg.Wait()
	return cls, ret, nil
}

// minScoresPerWorker is the fewest texts Scores gives a goroutine of its own.
const minScoresPerWorker = 256

// RoleSimilarity returns the similarity of every role's profile to that of label i (nil when
// i is -1).
func (s *Set) RoleSimilarity(i int) []float32 {
	if i < 0 {
		return nil
	}
	out := make([]float32, len(s.Info.Labels))
	s.Index.Scores(s.Index.Profile(i), out)
	return out
}
