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
	// Test is the share of groups held out; Validation the share of the training groups'
	// samples (never whole groups, so no role is lost) that drive early stopping.
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
	// Purpose is PurposeServing (trained on every group: what recommend uses) or
	// PurposeEvaluation (trained without the held-out groups: what evaluate scores).
	Purpose string `json:"purpose,omitempty"`
	// RolesTrained is the number of labels with at least one training example.
	RolesTrained int `json:"roles_with_training_examples"`
	// TFIDF is the id of the corpus-fitted TF-IDF model of the role index beside the model.
	TFIDF string `json:"tfidf_model,omitempty"`
	// Ranking are the weights of the fused ranking served with this model.
	Ranking *Ranking `json:"ranking,omitempty"`
}

// Purposes of a trained model.
const (
	PurposeServing    = "serving"
	PurposeEvaluation = "evaluation"
)

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

// Ranking are the weights of the fused ranking served with a model (package rank).
type Ranking struct {
	// Classifier is α, the classifier's share of the skills evidence (the rest is retrieval).
	Classifier float64 `json:"classifier"`
	// CurrentRole is β, the share of the similarity to the person's current role.
	CurrentRole float64 `json:"current_role"`
	// ChosenOn says how Classifier was chosen.
	ChosenOn string `json:"chosen_on"`
	// Queries is the number of held-out queries it was chosen on (0: the default).
	Queries int `json:"queries"`
	// Top5 is the held-out top-5 accuracy at the chosen α (when Queries > 0).
	Top5 float64 `json:"top5,omitempty"`
}
