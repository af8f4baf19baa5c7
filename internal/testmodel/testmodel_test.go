package testmodel

import (
	"errors"
	"io/fs"
	"os"
	"testing"

	"github.com/skillx/skillx/internal/classifier"
	"github.com/skillx/skillx/train"
)

// TestBuild checks that Build stops after features without Train, and trains with the given
// epochs and held-out share with it.
func TestBuild(t *testing.T) {
	dir := Workdir(t, Options{})
	paths := train.OutputPaths(dir)
	if _, err := os.Stat(paths.Model); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("without Train, %s: %v; want no model", paths.Model, err)
	}
	if err := Build(t.Context(), dir, Options{Train: true, Epochs: 2, Test: 0.2}); err != nil {
		t.Fatal(err)
	}
	info, err := classifier.Read(paths.Info)
	if err != nil {
		t.Fatal(err)
	}
	eval, err := classifier.Read(paths.EvalInfo)
	if err != nil {
		t.Fatal(err)
	}
	if info.Training.MaxEpochs != 2 || info.Encoder != "hashing-v1-384" || len(info.Labels) != 39 || eval.Split.TestGroups == 0 {
		t.Errorf("trained %d epochs on %q, %d labels, %d held-out groups; want 2, hashing-v1-384, 39, some",
			info.Training.MaxEpochs, info.Encoder, len(info.Labels), eval.Split.TestGroups)
	}
	if err := Build(t.Context(), t.TempDir(), Options{Train: true, Test: 1.5}); err == nil {
		t.Error("Build with a held-out share of 1.5 succeeded; want an error")
	}
}
