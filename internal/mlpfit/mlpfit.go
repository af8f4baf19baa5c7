package mlpfit

import (
	"context"
	"fmt"

	"github.com/skillx/skillx/internal/classifier"
	"github.com/skillx/skillx/internal/dataset"
	"github.com/skillx/skillx/internal/mlp"
)

// Settings are the network and optimiser settings of a classifier, independent of the data
// it is trained on.
type Settings struct {
	// Hidden are the hidden layer widths (nil: mlp.DefaultHidden).
	Hidden []int
	// LearningRate, BatchSize, Epochs and Patience tune Adam and early stopping (Patience 0
	// turns early stopping off).
	LearningRate float64
	BatchSize    int
	Epochs       int
	Patience     int
	// Seed seeds the initial weights and the shuffling.
	Seed uint64
	// Threads bounds the training goroutines (0: all cores).
	Threads int
}

// MLPConfig returns the network and optimiser settings of a classifier trained with s on ds:
// ds's vector width in, one class per label of ds out.
func (s Settings) MLPConfig(ds *dataset.Set) mlp.Config {
	return mlp.Config{Input: ds.Dim, Hidden: s.Hidden, Classes: len(ds.Labels), LearningRate: s.LearningRate,
		BatchSize: s.BatchSize, Epochs: s.Epochs, Patience: s.Patience, Seed: s.Seed, Threads: s.Threads}
}

// Recorded returns the training settings that info, a classifier.json written by train,
// records: its hidden widths, learning rate, batch size and seed, and as many epochs as train
// allowed (at least the best epoch, at least 1). Early stopping is off: a model trained with
// it has no validation set to stop on.
func Recorded(info *classifier.Info) Settings {
	t := info.Training
	return Settings{Hidden: info.Hidden, LearningRate: t.LearningRate, BatchSize: t.BatchSize,
		Epochs: max(t.MaxEpochs, t.BestEpoch, 1), Seed: info.Seed}
}

// ComparisonModel trains a classifier as train does, with s's settings (see Recorded), on the
// examples idx of ds weighted by weights, without a validation set. evaluate trains its
// comparison models (another split of the same examples) with it.
func ComparisonModel(ctx context.Context, s Settings, ds *dataset.Set, idx []int, weights []float32) (*mlp.Model, error) {
	x, y, _ := ds.Subset(idx)
	model, _, err := mlp.Train(ctx, s.MLPConfig(ds), mlp.Dataset{X: x, Y: y, W: weights}, mlp.Dataset{}, nil)
	if err != nil {
		return nil, fmt.Errorf("train comparison model: %w", err)
	}
	return model, nil
}
