package classifier

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/skillx/skillx/internal/atomicfile"
)

// Format names the classifier.json schema version.
const Format = "skillx-classifier-v1"

// EpochPoint is one epoch of the training curve.
type EpochPoint struct {
	Epoch    int     `json:"epoch"`
	Loss     float64 `json:"loss"`
	TrainAcc float64 `json:"train_accuracy"`
	ValLoss  float64 `json:"validation_loss"`
	ValAcc   float64 `json:"validation_accuracy"`
}

// SplitInfo records how the training data were split, so that evaluate can rebuild the split.
type SplitInfo struct {
	// Method is "grouped" (by posting skills text) or "none" (every example trained on).
	Method string `json:"method"`
	// Seed seeds the split.
	Seed uint64 `json:"seed"`
	// Test and Validation are the shares of groups held out.
	Test       float64 `json:"test"`
	Validation float64 `json:"validation"`
	// Examples and groups on each side.
	TrainExamples int `json:"train_examples"`
	ValExamples   int `json:"validation_examples"`
	TestExamples  int `json:"test_examples"`
	TrainGroups   int `json:"train_groups"`
	ValGroups     int `json:"validation_groups"`
	TestGroups    int `json:"test_groups"`
	// ValUnseenRole counts validation examples left out because their role has no training
	// example (they cannot be predicted, and would only stop training early).
	ValUnseenRole int `json:"validation_unseen_role_examples"`
}

// TrainingInfo records the training settings and outcome.
type TrainingInfo struct {
	LearningRate float64 `json:"learning_rate"`
	BatchSize    int     `json:"batch_size"`
	MaxEpochs    int     `json:"max_epochs"`
	Patience     int     `json:"patience"`
	EpochsRun    int     `json:"epochs_run"`
	BestEpoch    int     `json:"best_epoch"`
}

// Info is the content of classifier.json.
type Info struct {
	Format string `json:"format"`
	// Labels are the class names; probability j is for Labels[j].
	Labels []string `json:"labels"`
	// Input is the embedding width; Hidden the hidden layer widths.
	Input  int   `json:"input"`
	Hidden []int `json:"hidden"`
	// Encoder is the id of the encoder whose vectors the model takes.
	Encoder string `json:"encoder"`
	// Seed seeds initialisation and shuffling.
	Seed     uint64       `json:"seed"`
	Split    SplitInfo    `json:"split"`
	Training TrainingInfo `json:"training"`
	// Data holds the sha256 of the examples and embeddings files trained on.
	Data map[string]string `json:"data"`
	// Curve is the per-epoch training curve.
	Curve []EpochPoint `json:"curve"`
}

// Marshal returns info as the content of a classifier.json, with its format set.
func Marshal(info Info) ([]byte, error) {
	info.Format = Format
	data, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode classifier.json: %w", err)
	}
	return append(data, '\n'), nil
}

// Write writes info to path atomically.
func Write(path string, info Info) error {
	data, err := Marshal(info)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data)
}

// Read reads a classifier.json, or a plain JSON list of labels (for ONNX classifiers made
// elsewhere, such as the prototype's Keras model exported with tf2onnx).
func Read(path string) (*Info, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read labels %s: %w", path, err)
	}
	var labels []string
	if json.Unmarshal(data, &labels) == nil {
		if len(labels) < 2 {
			return nil, fmt.Errorf("read labels %s: %d labels; want at least 2", path, len(labels))
		}
		return &Info{Labels: labels}, nil
	}
	var info Info
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("read labels %s: not a classifier.json nor a JSON list of labels: %w", path, err)
	}
	if len(info.Labels) < 2 {
		return nil, fmt.Errorf("read labels %s: %d labels; want at least 2", path, len(info.Labels))
	}
	return &info, nil
}
