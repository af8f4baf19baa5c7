// Package testmodel builds, for tests, a workdir where the pipeline ran on the tracked sample
// (data/sample/job_postings.csv): ingest with the kaggle preset, clean, features with the
// hashing encoder (4 samples a posting, seed 1), and train when asked. It is the one place
// where tests of the later stages (train, evaluate, recommend, serve) get their inputs, so
// they all test against the same workdir. The hashing encoder needs no model files, and no
// stage here needs ONNX Runtime; tests that run the classifier call ortlibtest.Init
// themselves.
package testmodel

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/skillx/skillx/clean"
	"github.com/skillx/skillx/features"
	"github.com/skillx/skillx/ingest"
	"github.com/skillx/skillx/internal/encoder"
	"github.com/skillx/skillx/internal/testenv"
	"github.com/skillx/skillx/train"
)

// DefaultEpochs is the number of training epochs when Options.Epochs is 0: enough for the
// sample's 39 roles to be learnt.
const DefaultEpochs = 40

// Options say which stages Build runs and how.
type Options struct {
	// Train runs train after features; without it the workdir holds data/ only.
	Train bool
	// Epochs is train's number of epochs; 0 means DefaultEpochs.
	Epochs int
	// Test is the share of groups train holds out for evaluation (train.Config.Split.Test);
	// 0 trains the serving model only.
	Test float64
	// Logger receives the stages' logs; nil discards them.
	Logger *slog.Logger
}

// SamplePostings returns the path of the tracked sample of job postings, from the module
// root.
func SamplePostings() string {
	return filepath.Join(testenv.ModuleRoot(), "data", "sample", "job_postings.csv")
}

// Build runs ingest, clean, features and, with o.Train, train on the sample into dir.
func Build(ctx context.Context, dir string, o Options) error {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if _, err := ingest.Run(ctx, ingest.Config{Workdir: dir, Preset: "kaggle", Inputs: []string{SamplePostings()}, Logger: log}); err != nil {
		return fmt.Errorf("testmodel: ingest the sample into %s: %w", dir, err)
	}
	if _, err := clean.Run(ctx, clean.Config{Workdir: dir, Logger: log}); err != nil {
		return fmt.Errorf("testmodel: clean %s: %w", dir, err)
	}
	fc := features.Config{Workdir: dir, Encoder: encoder.Options{Kind: encoder.KindHashing}, Samples: 4, Seed: 1, Logger: log}
	if _, err := features.Run(ctx, fc); err != nil {
		return fmt.Errorf("testmodel: features %s: %w", dir, err)
	}
	if !o.Train {
		return nil
	}
	cfg := train.DefaultConfig()
	cfg.Workdir, cfg.Epochs, cfg.Split.Test, cfg.Logger = dir, o.Epochs, o.Test, log
	if cfg.Epochs == 0 {
		cfg.Epochs = DefaultEpochs
	}
	if _, err := train.Run(ctx, cfg); err != nil {
		return fmt.Errorf("testmodel: train %s: %w", dir, err)
	}
	return nil
}

// Workdir builds a fresh workdir under tb.TempDir() with Build and returns it; an error fails
// tb.
func Workdir(tb testing.TB, o Options) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := Build(context.Background(), dir, o); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// trainedOnce is the trained workdir of this test binary (Trained).
var trainedOnce struct {
	once sync.Once
	dir  string
	err  error
}

// Trained returns a workdir where ingest, clean, features and train ran on the sample with the
// default options, built once per test binary and shared by its tests (which must not change
// it; copy it first). A TestMain removes it with RemoveTrained after the tests.
func Trained(tb testing.TB) string {
	tb.Helper()
	trainedOnce.once.Do(func() {
		trainedOnce.dir, trainedOnce.err = os.MkdirTemp("", "skillx-trained-test-")
		if trainedOnce.err == nil {
			trainedOnce.err = Build(context.Background(), trainedOnce.dir, Options{Train: true})
		}
	})
	if trainedOnce.err != nil {
		tb.Fatalf("building the sample workdir: %v", trainedOnce.err)
	}
	return trainedOnce.dir
}

// RemoveTrained removes the workdir Trained built, if any.
func RemoveTrained() {
	if trainedOnce.dir != "" {
		os.RemoveAll(trainedOnce.dir)
	}
}
