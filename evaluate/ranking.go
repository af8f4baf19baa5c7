package evaluate

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/skillx/skillx/internal/dataset"
	"github.com/skillx/skillx/internal/encoder"
	"github.com/skillx/skillx/internal/metrics"
	"github.com/skillx/skillx/internal/rank"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/retrieval"
	"github.com/skillx/skillx/internal/tfidf"
)

// Method names of the rows of one query set.
const (
	MethodClassifier = "classifier (MLP)"
	MethodRetrieval  = "retrieval (role profiles, corpus TF-IDF)"
	MethodFused      = "fused ranking (served)"
	MethodTFIDF      = "baseline: TF-IDF nearest role (words)"
	MethodMajority   = "baseline: majority"
	MethodCentroid   = "baseline: nearest role centroid (cosine)"
	// MethodHindsight is the fused ranking at the α that is best on the query set itself: not a
	// result (it looks at the answers), but it shows how far the served α is from the best one.
	MethodHindsight = "fused, α chosen on this set in hindsight"
)

// minHindsightQueries is the fewest queries for which the hindsight row is shown.
const minHindsightQueries = 20

// querySet is a set of queries to rank roles for, with the labels that count as right.
type querySet struct {
	split   string
	texts   []string
	truth   [][]int
	weights []float64
}

func (q *querySet) add(text string, truth []int, w float64) {
	q.texts = append(q.texts, text)
	q.truth = append(q.truth, truth)
	q.weights = append(q.weights, w)
}

// scored is a query set with each method's ranking.
type scored struct {
	q        *querySet
	rankings map[string][][]int
	cls, ret [][]float32
	// hindsight is the α of the MethodHindsight row.
	hindsight float64
}

// tfidfBaseline is the bar to beat: word unigrams and bigrams, sublinear counts, IDF over the
// role documents (each role's postings' skills, descriptions and responsibilities as one text),
// cosine similarity.
type tfidfBaseline struct {
	m  *tfidf.Model
	ix *retrieval.Index
}

// newTFIDFBaseline fits the baseline on the examples of ds for which keep is true.
func newTFIDFBaseline(ds *dataset.Set, labels []string, keep func(i int) bool) (*tfidfBaseline, error) {
	li := dataset.LabelIndex(labels)
	docs := make([][]string, len(labels))
	for i, ex := range ds.Examples {
		if !keep(i) {
			continue
		}
		y, ok := li[ex.Role]
		if !ok {
			continue
		}
		switch ex.Kind {
		case records.KindPosting, records.KindDescription, records.KindResponsibilities:
			docs[y] = append(docs[y], ex.Text)
		}
	}
	texts := make([]string, 0, len(labels))
	for _, d := range docs {
		if len(d) > 0 {
			texts = append(texts, strings.Join(d, ". "))
		}
	}
	m, err := tfidf.Fit(texts, tfidf.WordOptions())
	if err != nil {
		return nil, fmt.Errorf("TF-IDF baseline: %w", err)
	}
	b := retrieval.NewBuilder(m, labels)
	for y, d := range docs {
		b.Add(y, retrieval.Skills, strings.Join(d, ". "), 1)
	}
	return &tfidfBaseline{m: m, ix: b.Build(retrieval.FieldWeights{Skills: 1})}, nil
}

func (t *tfidfBaseline) rank(text string, c int) []int {
	s := make([]float32, c)
	t.ix.Scores(t.m.Transform(text), s)
	return metrics.TopK(s, metrics.TopFiveDepth)
}

// score ranks the queries of q with the model set (classifier, retrieval, fused at weights w)
// and the baselines; majority is the majority ranking (nil: none).
func score(ctx context.Context, q *querySet, set *rank.Set, enc encoder.Encoder, w rank.Weights, base *tfidfBaseline, majority []int) (*scored, error) {
	c := len(set.Info.Labels)
	var x []float32
	if set.Runner != nil {
		vecs, err := enc.Encode(ctx, q.texts)
		if err != nil {
			return nil, err
		}
		x = make([]float32, 0, len(vecs)*enc.Dim())
		for _, v := range vecs {
			x = append(x, v...)
		}
	}
	cls, ret, err := set.Scores(q.texts, x)
	if err != nil {
		return nil, err
	}
	s := &scored{q: q, rankings: map[string][][]int{}, cls: cls, ret: ret}
	fused := make([]float32, c)
	for i := range q.texts {
		if cls != nil {
			s.rankings[MethodClassifier] = append(s.rankings[MethodClassifier], metrics.TopK(cls[i], metrics.TopFiveDepth))
		}
		s.rankings[MethodRetrieval] = append(s.rankings[MethodRetrieval], metrics.TopK(ret[i], metrics.TopFiveDepth))
		var ci []float32
		if cls != nil {
			ci = cls[i]
		}
		rank.Fuse(ci, ret[i], nil, w.Classifier, 0, fused)
		s.rankings[MethodFused] = append(s.rankings[MethodFused], metrics.TopK(fused, metrics.TopFiveDepth))
		if base != nil {
			s.rankings[MethodTFIDF] = append(s.rankings[MethodTFIDF], base.rank(q.texts[i], c))
		}
		if majority != nil {
			s.rankings[MethodMajority] = append(s.rankings[MethodMajority], majority)
		}
	}
	if cls != nil && len(q.texts) >= minHindsightQueries {
		s.hindsight, s.rankings[MethodHindsight] = bestAlpha(q, cls, ret, c)
	}
	return s, nil
}

// bestAlpha returns the α of rank.Grid whose fused ranking has the best weighted top-5 (then
// top-1) on q, counting a query right when any of its right labels is ranked, and its rankings.
func bestAlpha(q *querySet, cls, ret [][]float32, c int) (float64, [][]int) {
	fused := make([]float32, c)
	bestA, best5, best1 := 0.0, -1.0, -1.0
	var bestR [][]int
	for _, a := range rank.Grid {
		r := make([][]int, len(q.texts))
		for i := range q.texts {
			rank.Fuse(cls[i], ret[i], nil, a, 0, fused)
			r[i] = metrics.TopK(fused, metrics.TopFiveDepth)
		}
		_, _, t1, t5, _ := setAccuracy(r, q.truth, q.weights, nil, nil)
		if t5 > best5 || (t5 == best5 && t1 > best1) {
			bestA, best5, best1, bestR = a, t5, t1, r
		}
	}
	return bestA, bestR
}

// methodOrder is the order of the rows of one query set.
var methodOrder = []string{MethodFused, MethodHindsight, MethodClassifier, MethodRetrieval, MethodTFIDF, MethodMajority, MethodCentroid}

// rows returns one row per method, for the queries for which keep is true (nil: all).
func (s *scored) rows(labels []string, split string, keep func(i int) bool) []Row {
	var out []Row
	for _, m := range methodOrder {
		r, ok := s.rankings[m]
		if !ok {
			continue
		}
		row := Row{Name: m, Split: split}
		if m == MethodHindsight {
			row.Name = fmt.Sprintf("%s (α %.2f; comparison only)", m, s.hindsight)
		}
		row.N, row.Weight, row.Top1, row.Top5, row.MacroF1 = setAccuracy(r, s.q.truth, s.q.weights, labels, keep)
		out = append(out, row)
	}
	return out
}

// setAccuracy scores rankings against sets of right labels: top-1 is right when the first
// label is in the set, top-5 when any of the first five is. Macro-F1 is computed when every
// query has exactly one right label (else 0).
func setAccuracy(ranked, truth [][]int, weights []float64, labels []string, keep func(int) bool) (n int, weight, top1, top5, macroF1 float64) {
	single := true
	var preds []metrics.Prediction
	for i, r := range ranked {
		if keep != nil && !keep(i) {
			continue
		}
		w := weights[i]
		if w <= 0 {
			w = 1
		}
		n++
		weight += w
		if len(r) > 0 && slices.Contains(truth[i], r[0]) {
			top1 += w
		}
		for _, y := range r[:min(5, len(r))] {
			if slices.Contains(truth[i], y) {
				top5 += w
				break
			}
		}
		if len(truth[i]) == 1 {
			preds = append(preds, metrics.Prediction{True: truth[i][0], Ranked: r, Weight: w})
		} else {
			single = false
		}
	}
	if weight > 0 {
		top1 /= weight
		top5 /= weight
	}
	if single && len(preds) > 0 {
		if rep, err := metrics.Evaluate(preds, labels, 0); err == nil {
			macroF1 = rep.MacroF1
		}
	}
	return n, weight, top1, top5, macroF1
}

// setMajority ranks labels by how often they are right in the query set itself: an oracle no
// model can know, which shows how concentrated the set is.
func setMajority(truth [][]int, weights []float64, c int) []int {
	freq := make([]float64, c)
	for i, t := range truth {
		for _, y := range t {
			freq[y] += max(weights[i], 1) / float64(len(t))
		}
	}
	return metrics.TopK64(freq, metrics.TopFiveDepth)
}

// trainMajority ranks labels by their training weight.
func trainMajority(ds *dataset.Set, labels []string, keep func(i int) bool) []int {
	li := dataset.LabelIndex(labels)
	freq := make([]float64, len(labels))
	for i, ex := range ds.Examples {
		if keep(i) && ex.Kind == records.KindPosting {
			if y, ok := li[ex.Role]; ok {
				freq[y] += float64(max(ex.Weight, 1))
			}
		}
	}
	return metrics.TopK64(freq, metrics.TopFiveDepth)
}

// bestBaseline returns the name and top-5 of the best baseline row, the fused ranking's top-5,
// and whether the baseline beats it.
func bestBaseline(rows []Row) (name string, top5, fused float64, beaten bool) {
	for _, r := range rows {
		switch r.Name {
		case MethodFused:
			fused = r.Top5
		case MethodTFIDF, MethodMajority, MethodCentroid:
			if r.N > 0 && r.Top5 > top5 {
				name, top5 = r.Name, r.Top5
			}
		}
	}
	return name, top5, fused, name != "" && top5 > fused
}
