package mlpfit_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/classifier"
	"github.com/skillx/skillx/internal/dataset"
	"github.com/skillx/skillx/internal/mlp"
	"github.com/skillx/skillx/internal/mlpfit"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/testmodel"
)

func TestMLPConfig(t *testing.T) {
	s := mlpfit.Settings{Hidden: []int{8, 4}, LearningRate: 0.02, BatchSize: 7, Epochs: 11, Patience: 3, Seed: 5, Threads: 2}
	ds := &dataset.Set{Dim: 6, Labels: []string{"a", "b", "c"}}
	got := s.MLPConfig(ds)
	want := mlp.Config{Input: 6, Hidden: []int{8, 4}, Classes: 3, LearningRate: 0.02, BatchSize: 7, Epochs: 11, Patience: 3, Seed: 5, Threads: 2}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MLPConfig = %+v; want %+v", got, want)
	}
}

func TestRecorded(t *testing.T) {
	info := &classifier.Info{Hidden: []int{32, 16}, Seed: 9, Training: classifier.TrainingInfo{
		LearningRate: 0.01, BatchSize: 16, MaxEpochs: 5, Patience: 3, EpochsRun: 4, BestEpoch: 7}}
	got := mlpfit.Recorded(info)
	if fmt.Sprint(got.Hidden) != "[32 16]" || got.LearningRate != 0.01 || got.BatchSize != 16 || got.Epochs != 7 ||
		got.Patience != 0 || got.Seed != 9 {
		t.Errorf("Recorded = %+v; want hidden [32 16], rate 0.01, batch 16, 7 epochs (the best epoch), no patience, seed 9", got)
	}
	info.Training.MaxEpochs, info.Training.BestEpoch = 0, 0
	if got := mlpfit.Recorded(info); got.Epochs != 1 {
		t.Errorf("Recorded with no epochs recorded: %d epochs; want 1", got.Epochs)
	}
}

// TestComparisonModel trains comparison models on the sample's posting examples: the same
// settings give the same model, the model learns its training examples, and no examples is an
// error.
func TestComparisonModel(t *testing.T) {
	ds, err := dataset.Load(testmodel.Workdir(t, testmodel.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var idx []int
	var w []float32
	for i, ex := range ds.Examples {
		if ex.Kind == records.KindPosting {
			idx, w = append(idx, i), append(w, float32(max(ex.Weight, 1)))
		}
	}
	s := mlpfit.Recorded(&classifier.Info{Hidden: []int{64}, Seed: 3,
		Training: classifier.TrainingInfo{LearningRate: 1e-2, BatchSize: 32, MaxEpochs: 30}})
	ctx := context.Background()
	a, err := mlpfit.ComparisonModel(ctx, s, ds, idx, w)
	if err != nil {
		t.Fatal(err)
	}
	b, err := mlpfit.ComparisonModel(ctx, s, ds, idx, w)
	if err != nil {
		t.Fatal(err)
	}
	x, y, _ := ds.Subset(idx)
	pa, pb := a.Predict(x, len(idx)), b.Predict(x, len(idx))
	if !slices.Equal(pa, pb) {
		t.Errorf("two comparison models with the same settings and examples differ")
	}
	c := len(ds.Labels)
	right := 0
	for j := range idx {
		row := pa[j*c : (j+1)*c]
		if slices.Index(row, slices.Max(row)) == int(y[j]) {
			right++
		}
	}
	if acc := float64(right) / float64(len(idx)); acc < 0.9 {
		t.Errorf("comparison model gets %.3f of its %d training postings right; want at least 0.9", acc, len(idx))
	}
	if _, err := mlpfit.ComparisonModel(ctx, s, ds, nil, nil); err == nil || !strings.Contains(err.Error(), "comparison model") {
		t.Errorf("ComparisonModel on no examples: error %v; want one naming the comparison model", err)
	}
}
