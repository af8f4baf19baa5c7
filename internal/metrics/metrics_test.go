package metrics

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const tol = 1e-12

// near reports whether a and b agree within tol.
func near(a, b float64) bool { return math.Abs(a-b) <= tol }

// handExample is a 3-class example computed by hand:
//
//	true A: [A B C] w1, [B A C] w2     -> row A: A 1, B 2, C 0 (support 3)
//	true B: [B C A] w1, [A B C] w0=1   -> row B: A 1, B 1, C 0 (support 2)
//	true C: [C A B] w3, [B C A] w1     -> row C: A 0, B 1, C 3 (support 4)
func handExample() ([]Prediction, []string) {
	return []Prediction{
		{True: 0, Ranked: []int{0, 1, 2}, Weight: 1},
		{True: 0, Ranked: []int{1, 0, 2}, Weight: 2},
		{True: 1, Ranked: []int{1, 2, 0}, Weight: 1},
		{True: 1, Ranked: []int{0, 1, 2}, Weight: 0},
		{True: 2, Ranked: []int{2, 0, 1}, Weight: 3},
		{True: 2, Ranked: []int{1, 2, 0}, Weight: 1},
	}, []string{"A", "B", "C"}
}

func TestEvaluateHandExample(t *testing.T) {
	preds, labels := handExample()
	r, err := Evaluate(preds, labels, 2)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	// Column sums (predicted): A 2, B 4, C 3.
	f1 := []float64{2.0 / 5, 1.0 / 3, 6.0 / 7}
	want := []ClassStats{
		{Class: 0, Label: "A", Precision: 1.0 / 2, Recall: 1.0 / 3, F1: f1[0], Support: 3},
		{Class: 1, Label: "B", Precision: 1.0 / 4, Recall: 1.0 / 2, F1: f1[1], Support: 2},
		{Class: 2, Label: "C", Precision: 3.0 / 3, Recall: 3.0 / 4, F1: f1[2], Support: 4},
	}
	scalars := []struct {
		name      string
		got, want float64
	}{
		{"N", float64(r.N), 6},
		{"Weight", r.Weight, 9},
		{"Top1", r.Top1, 5.0 / 9},
		{"Top5", r.Top5, 1}, // fewer than 5 classes: every class is ranked
		{"MacroF1", r.MacroF1, (f1[0] + f1[1] + f1[2]) / 3},
		{"WeightedF1", r.WeightedF1, (3*f1[0] + 2*f1[1] + 4*f1[2]) / 9},
	}
	for _, s := range scalars {
		if !near(s.got, s.want) {
			t.Errorf("Evaluate(hand).%s = %v; want %v", s.name, s.got, s.want)
		}
	}
	for i, w := range want {
		g := r.PerClass[i]
		if g.Class != w.Class || g.Label != w.Label || !near(g.Precision, w.Precision) || !near(g.Recall, w.Recall) ||
			!near(g.F1, w.F1) || !near(g.Support, w.Support) {
			t.Errorf("Evaluate(hand).PerClass[%d] = %+v; want %+v", i, g, w)
		}
	}
	wantConfusion := [][]float64{{1, 2, 0}, {1, 1, 0}, {0, 1, 3}}
	if !reflect.DeepEqual(r.Confusion, wantConfusion) {
		t.Errorf("Evaluate(hand).Confusion = %v; want %v", r.Confusion, wantConfusion)
	}
	wantDirected := []Pair{
		{True: 0, Predicted: 1, TrueLabel: "A", PredictedLabel: "B", Weight: 2},
		{True: 1, Predicted: 0, TrueLabel: "B", PredictedLabel: "A", Weight: 1}, // ties with C->B; lower true id first
	}
	if !reflect.DeepEqual(r.MostConfused, wantDirected) {
		t.Errorf("Evaluate(hand).MostConfused = %+v; want %+v", r.MostConfused, wantDirected)
	}
	wantUnordered := []Pair{
		{True: 0, Predicted: 1, TrueLabel: "A", PredictedLabel: "B", Weight: 3},
		{True: 1, Predicted: 2, TrueLabel: "B", PredictedLabel: "C", Weight: 1},
	}
	if !reflect.DeepEqual(r.MostConfusedUnordered, wantUnordered) {
		t.Errorf("Evaluate(hand).MostConfusedUnordered = %+v; want %+v", r.MostConfusedUnordered, wantUnordered)
	}
	if got, want := r.ConfusedClasses(2), []int{0, 1}; !slices.Equal(got, want) {
		t.Errorf("ConfusedClasses(2) = %v; want %v", got, want)
	}
	if got, want := r.ConfusedClasses(10), []int{0, 1, 2}; !slices.Equal(got, want) {
		t.Errorf("ConfusedClasses(10) = %v; want %v", got, want)
	}
}

func TestEvaluateTop5(t *testing.T) {
	labels := []string{"a", "b", "c", "d", "e", "f", "g"}
	preds := []Prediction{
		{True: 4, Ranked: []int{0, 1, 2, 3, 4, 5}, Weight: 1}, // fifth: a top-5 hit
		{True: 5, Ranked: []int{0, 1, 2, 3, 4, 5}, Weight: 3}, // sixth: a miss
		{True: 0, Ranked: []int{0, 1, 2, 3, 4}},               // top-1 hit, weight 0 means 1
	}
	r, err := Evaluate(preds, labels, 0)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	if want := 2.0 / 5; !near(r.Top5, want) {
		t.Errorf("Evaluate(7 classes).Top5 = %v; want %v", r.Top5, want)
	}
	if want := 1.0 / 5; !near(r.Top1, want) {
		t.Errorf("Evaluate(7 classes).Top1 = %v; want %v", r.Top1, want)
	}
	if len(r.MostConfused) != 0 || r.MostConfused == nil {
		t.Errorf("Evaluate(topK 0).MostConfused = %#v; want empty, not nil", r.MostConfused)
	}
}

func TestEvaluateZeroSupportAndNoPredictions(t *testing.T) {
	// A has support 2 and is predicted twice (once right); B has support 1 and is never
	// predicted; C is predicted once without support; D appears nowhere.
	labels := []string{"A", "B", "C", "D"}
	preds := []Prediction{
		{True: 0, Ranked: []int{0, 1, 2, 3}},
		{True: 0, Ranked: []int{2, 0, 1, 3}},
		{True: 1, Ranked: []int{0, 1, 2, 3}},
	}
	r, err := Evaluate(preds, labels, 5)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	want := []ClassStats{
		{Class: 0, Label: "A", Precision: 0.5, Recall: 0.5, F1: 0.5, Support: 2},
		{Class: 1, Label: "B", Support: 1},
		{Class: 2, Label: "C"},
		{Class: 3, Label: "D"},
	}
	if !reflect.DeepEqual(r.PerClass, want) {
		t.Errorf("Evaluate(zero support).PerClass = %+v; want %+v", r.PerClass, want)
	}
	// Macro-F1 averages A and B only (the classes with support).
	if want := (0.5 + 0) / 2; !near(r.MacroF1, want) {
		t.Errorf("Evaluate(zero support).MacroF1 = %v; want %v", r.MacroF1, want)
	}
	if want := (2*0.5 + 1*0) / 3; !near(r.WeightedF1, want) {
		t.Errorf("Evaluate(zero support).WeightedF1 = %v; want %v", r.WeightedF1, want)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("json.Marshal(report) = %v; want no error", err)
	}
	// The confusion matrix is not in the JSON; check it separately.
	if _, err := json.Marshal(r.Confusion); err != nil {
		t.Errorf("json.Marshal(confusion) = %v; want no error", err)
	}
}

func TestEvaluateErrors(t *testing.T) {
	labels := []string{"A", "B", "C"}
	ok := []int{0, 1, 2}
	tests := []struct {
		name   string
		preds  []Prediction
		labels []string
		want   string
	}{
		{"no labels", []Prediction{{True: 0, Ranked: ok}}, nil, "no labels"},
		{"no predictions", nil, labels, "no predictions"},
		{"true out of range", []Prediction{{True: 3, Ranked: ok}}, labels, "prediction 0: true class 3 out of range"},
		{"negative true", []Prediction{{True: -1, Ranked: ok}}, labels, "true class -1 out of range"},
		{"ranked out of range", []Prediction{{True: 0, Ranked: []int{0, 1, 7}}}, labels, "ranked class 7 out of range"},
		{"too few ranked", []Prediction{{True: 0, Ranked: ok}, {True: 0, Ranked: []int{0, 1}}}, labels, "prediction 1: 2 ranked classes, need at least 3"},
		{"ranked twice", []Prediction{{True: 0, Ranked: []int{0, 1, 0}}}, labels, "class 0 ranked twice"},
		{"negative weight", []Prediction{{True: 0, Ranked: ok, Weight: -1}}, labels, "weight -1"},
		{"NaN weight", []Prediction{{True: 0, Ranked: ok, Weight: math.NaN()}}, labels, "weight NaN"},
		{"infinite weight", []Prediction{{True: 0, Ranked: ok, Weight: math.Inf(1)}}, labels, "weight +Inf"},
	}
	for _, tt := range tests {
		_, err := Evaluate(tt.preds, tt.labels, 1)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Evaluate(%s) error = %v; want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestTopK(t *testing.T) {
	nan := float32(math.NaN())
	tests := []struct {
		probs []float32
		k     int
		want  []int
	}{
		{[]float32{0.1, 0.5, 0.5, 0.2, 0.5}, 2, []int{1, 2}},
		{[]float32{0.1, 0.5, 0.5, 0.2, 0.5}, 4, []int{1, 2, 4, 3}},
		{[]float32{0.3, 0.3, 0.3}, 3, []int{0, 1, 2}},
		{[]float32{nan, 0.2, nan, 0.1}, 4, []int{1, 3, 0, 2}},
		{[]float32{0.2, 0.9}, 5, []int{1, 0}},
		{[]float32{0.2, 0.9}, 0, []int{}},
		{[]float32{0.2, 0.9}, -1, []int{}},
		{nil, 3, []int{}},
	}
	for _, tt := range tests {
		if got := TopK(tt.probs, tt.k); !slices.Equal(got, tt.want) {
			t.Errorf("TopK(%v, %d) = %v; want %v", tt.probs, tt.k, got, tt.want)
		}
	}
}

// TestTopKMatchesStableSort checks both code paths (small and large k) against a stable sort of
// all indices by falling value, on values with many ties.
func TestTopKMatchesStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := 1 + rng.IntN(60)
		probs := make([]float32, n)
		for i := range probs {
			probs[i] = float32(rng.IntN(6)) / 5
		}
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		slices.SortStableFunc(all, func(a, b int) int {
			switch {
			case probs[a] > probs[b]:
				return -1
			case probs[a] < probs[b]:
				return 1
			}
			return 0
		})
		k := rng.IntN(n + 2)
		want := all[:min(k, n)]
		if got := TopK(probs, k); !slices.Equal(got, want) {
			t.Fatalf("trial %d: TopK(%v, %d) = %v; want %v", trial, probs, k, got, want)
		}
	}
}
