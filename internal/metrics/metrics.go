package metrics

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// TopFiveDepth is the number of ranked classes that top-5 accuracy looks at.
const TopFiveDepth = 5

// Prediction is one evaluated example: its true class, the classes the model ranks first, and
// its weight.
type Prediction struct {
	// True is the id of the example's true class.
	True int
	// Ranked holds class ids by falling probability: at least the top five, or every class when
	// there are fewer than five.
	Ranked []int
	// Weight is the example's weight; 0 means 1.
	Weight float64
}

// Report holds the metrics of one model on one set of predictions.
type Report struct {
	// N is the number of predictions.
	N int `json:"n"`
	// Weight is the sum of the predictions' weights.
	Weight float64 `json:"weight"`
	// Top1 is the weighted share of predictions whose first ranked class is the true one.
	Top1 float64 `json:"top1"`
	// Top5 is the weighted share of predictions whose true class is among the first five ranked
	// (all of them when there are fewer than five classes, which makes it 1).
	Top5 float64 `json:"top5"`
	// MacroF1 is the unweighted mean of the per-class F1 over the classes with support > 0;
	// classes absent from the evaluated set are left out, so they neither lower nor raise it.
	MacroF1 float64 `json:"macro_f1"`
	// WeightedF1 is the mean of the per-class F1 weighted by support (so also over the classes
	// with support > 0).
	WeightedF1 float64 `json:"weighted_f1"`
	// PerClass holds one entry per label, in class-id order.
	PerClass []ClassStats `json:"per_class"`
	// Confusion is the weighted confusion matrix, indexed [true][predicted top-1]. It is left out
	// of JSON (it has classes² cells); ConfusionCSV writes it.
	Confusion [][]float64 `json:"-"`
	// MostConfused holds the heaviest off-diagonal cells of Confusion, at most topK of them:
	// directed (true, predicted) pairs, so A→B and B→A are separate entries. Ordered by falling
	// weight, then by true id, then by predicted id.
	MostConfused []Pair `json:"most_confused"`
	// MostConfusedUnordered holds the heaviest unordered pairs {A, B}, at most topK of them: each
	// weight is Confusion[A][B] + Confusion[B][A], and True < Predicted only names the two
	// classes. Same order as MostConfused.
	MostConfusedUnordered []Pair `json:"most_confused_unordered"`
}

// ClassStats holds the metrics of one class. Precision is 0 when the class is never predicted,
// recall is 0 when it has no support, and F1 is 0 when precision + recall is 0.
type ClassStats struct {
	// Class is the class id.
	Class int `json:"class"`
	// Label is the class's label.
	Label string `json:"label"`
	// Precision is the weighted share of top-1 predictions of the class that are right.
	Precision float64 `json:"precision"`
	// Recall is the weighted share of the class's examples whose top-1 prediction is right.
	Recall float64 `json:"recall"`
	// F1 is the harmonic mean of Precision and Recall.
	F1 float64 `json:"f1"`
	// Support is the summed weight of the class's examples.
	Support float64 `json:"support"`
}

// Pair is one cell, or two mirrored cells, of the confusion matrix.
type Pair struct {
	// True is the true class id.
	True int `json:"true"`
	// Predicted is the predicted class id.
	Predicted int `json:"predicted"`
	// TrueLabel is the label of True.
	TrueLabel string `json:"true_label"`
	// PredictedLabel is the label of Predicted.
	PredictedLabel string `json:"predicted_label"`
	// Weight is the summed weight of the examples in the cell (or both cells).
	Weight float64 `json:"weight"`
}

// weightOf returns w, or 1 when w is 0.
func weightOf(w float64) float64 {
	if w == 0 {
		return 1
	}
	return w
}

// checkWeight reports whether w is a usable weight (finite and not negative).
func checkWeight(w float64) error {
	if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
		return fmt.Errorf("weight %v is not a finite non-negative number", w)
	}
	return nil
}

// ratio returns a/b, or 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// Evaluate computes the Report of preds, whose class ids index labels. topK bounds the number of
// most confused pairs (0 gives none). It fails when there are no predictions or labels, when a
// class id is out of range, when a prediction ranks fewer than min(5, len(labels)) classes or
// repeats one among its first five, or when a weight is negative or not finite.
func Evaluate(preds []Prediction, labels []string, topK int) (Report, error) {
	classes := len(labels)
	if classes == 0 {
		return Report{}, errors.New("evaluate: no labels")
	}
	if len(preds) == 0 {
		return Report{}, errors.New("evaluate: no predictions")
	}
	depth := min(TopFiveDepth, classes)
	confusion := make([][]float64, classes)
	for i := range confusion {
		confusion[i] = make([]float64, classes)
	}
	r := Report{N: len(preds), Confusion: confusion}
	var top1, top5 float64
	for i, p := range preds {
		if err := checkWeight(p.Weight); err != nil {
			return Report{}, fmt.Errorf("evaluate prediction %d: %w", i, err)
		}
		if p.True < 0 || p.True >= classes {
			return Report{}, fmt.Errorf("evaluate prediction %d: true class %d out of range [0, %d)", i, p.True, classes)
		}
		if len(p.Ranked) < depth {
			return Report{}, fmt.Errorf("evaluate prediction %d: %d ranked classes, need at least %d", i, len(p.Ranked), depth)
		}
		for j, c := range p.Ranked[:depth] {
			if c < 0 || c >= classes {
				return Report{}, fmt.Errorf("evaluate prediction %d: ranked class %d out of range [0, %d)", i, c, classes)
			}
			if slices.Contains(p.Ranked[:j], c) {
				return Report{}, fmt.Errorf("evaluate prediction %d: class %d ranked twice", i, c)
			}
		}
		w := weightOf(p.Weight)
		r.Weight += w
		confusion[p.True][p.Ranked[0]] += w
		if p.Ranked[0] == p.True {
			top1 += w
		}
		if slices.Contains(p.Ranked[:depth], p.True) {
			top5 += w
		}
	}
	r.Top1 = ratio(top1, r.Weight)
	r.Top5 = ratio(top5, r.Weight)

	predicted := make([]float64, classes) // column sums
	for _, row := range confusion {
		for c, v := range row {
			predicted[c] += v
		}
	}
	r.PerClass = make([]ClassStats, classes)
	var f1Sum, f1Weighted float64
	supported := 0
	for c := range classes {
		support := 0.0
		for _, v := range confusion[c] {
			support += v
		}
		tp := confusion[c][c]
		s := ClassStats{Class: c, Label: labels[c], Support: support,
			Precision: ratio(tp, predicted[c]), Recall: ratio(tp, support)}
		s.F1 = ratio(2*s.Precision*s.Recall, s.Precision+s.Recall)
		r.PerClass[c] = s
		if support > 0 {
			supported++
			f1Sum += s.F1
			f1Weighted += s.F1 * support
		}
	}
	r.MacroF1 = ratio(f1Sum, float64(supported))
	r.WeightedF1 = ratio(f1Weighted, r.Weight)
	r.MostConfused, r.MostConfusedUnordered = mostConfused(confusion, labels, topK)
	return r, nil
}

// mostConfused returns the topK heaviest non-zero off-diagonal cells of confusion, directed and
// unordered.
func mostConfused(confusion [][]float64, labels []string, topK int) (directed, unordered []Pair) {
	if topK <= 0 {
		return []Pair{}, []Pair{}
	}
	pair := func(t, p int, w float64) Pair {
		return Pair{True: t, Predicted: p, TrueLabel: labels[t], PredictedLabel: labels[p], Weight: w}
	}
	for t, row := range confusion {
		for p, w := range row {
			if t == p {
				continue
			}
			if w > 0 {
				directed = append(directed, pair(t, p, w))
			}
			if t < p {
				if both := w + confusion[p][t]; both > 0 {
					unordered = append(unordered, pair(t, p, both))
				}
			}
		}
	}
	order := func(a, b Pair) int {
		return cmp.Or(cmp.Compare(b.Weight, a.Weight), cmp.Compare(a.True, b.True), cmp.Compare(a.Predicted, b.Predicted))
	}
	slices.SortFunc(directed, order)
	slices.SortFunc(unordered, order)
	directed = slices.Clip(directed[:min(topK, len(directed))])
	unordered = slices.Clip(unordered[:min(topK, len(unordered))])
	if directed == nil {
		directed = []Pair{}
	}
	if unordered == nil {
		unordered = []Pair{}
	}
	return directed, unordered
}

// ConfusedClasses returns up to n class ids taken from MostConfusedUnordered, heaviest pair
// first, each class once: the classes worth showing in a confusion heatmap.
func (r Report) ConfusedClasses(n int) []int {
	var out []int
	for _, p := range r.MostConfusedUnordered {
		for _, c := range []int{p.True, p.Predicted} {
			if len(out) < n && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// TopK returns the indices of the k largest values of probs, largest first; ties go to the lower
// index, and NaN counts as smaller than any number. k is clamped to [0, len(probs)].
func TopK(probs []float32, k int) []int {
	return topK(probs, k)
}

// topK implements TopK for either float type.
func topK[T float32 | float64](v []T, k int) []int {
	k = max(0, min(k, len(v)))
	// before reports whether index a ranks before index b.
	before := func(a, b int) bool {
		x, y := v[a], v[b]
		xn, yn := x != x, y != y
		switch {
		case xn != yn:
			return yn
		case !xn && x != y:
			return x > y
		}
		return a < b
	}
	if k > len(v)/8 {
		idx := make([]int, len(v))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int {
			if a == b {
				return 0
			}
			if before(a, b) {
				return -1
			}
			return 1
		})
		return slices.Clip(idx[:k])
	}
	// Keep the best k seen so far, in order; insertion is cheap for a small k.
	out := make([]int, 0, k)
	for i := range v {
		if len(out) == k {
			if k == 0 || !before(i, out[k-1]) {
				continue
			}
			out = out[:k-1]
		}
		j := len(out)
		out = append(out, i)
		for j > 0 && before(i, out[j-1]) {
			out[j] = out[j-1]
			j--
		}
		out[j] = i
	}
	return out
}

// TopK64 returns the indices of the k largest values of v, as TopK does for float32.
func TopK64(v []float64, k int) []int {
	return topK(v, k)
}
