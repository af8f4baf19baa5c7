package train

import (
	"reflect"
	"testing"

	"github.com/skillx/skillx/internal/mlpfit"
)

// TestFitSettings checks that every network and optimiser setting of a Config reaches the
// network train fits.
func TestFitSettings(t *testing.T) {
	cfg := Config{Hidden: []int{12, 6}, LearningRate: 0.05, BatchSize: 9, Epochs: 13, Patience: 4, Seed: 77, Threads: 3}
	got := cfg.fitSettings()
	want := mlpfit.Settings{Hidden: []int{12, 6}, LearningRate: 0.05, BatchSize: 9, Epochs: 13, Patience: 4, Seed: 77, Threads: 3}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Config%+v.fitSettings() = %+v; want %+v", cfg, got, want)
	}
}
