package evaluate

import (
	"log/slog"
	"os"
	"path/filepath"

	"github.com/skillx/skillx/internal/dataset"
	"github.com/skillx/skillx/internal/layout"
	"github.com/skillx/skillx/internal/stage"
)

// Algorithm is the version of the evaluate stage's logic, part of the key its manifests
// record: bump it when a change to this stage changes its reports.
const Algorithm = 1

// stageSpec declares an evaluate run (cfg with its defaults filled in): the features, the
// models it scores (a model given by flag need not come from train), a person benchmark file,
// its parameters and its reports. evaluate always runs (Force): --against and --onet name
// folders, which no key covers, and a report is cheap next to the training it checks.
func stageSpec(cfg Config, log *slog.Logger) stage.Spec {
	models := filepath.Join(cfg.Workdir, "models")
	fromTrain := func(path, made string) stage.Input {
		if path == made {
			return stage.Input{Path: path, MadeBy: "train"}
		}
		return stage.Input{Path: path}
	}
	exPath, embPath := dataset.Paths(cfg.Workdir)
	inputs := []stage.Input{
		{Path: exPath, MadeBy: "features"}, {Path: embPath, MadeBy: "features"}, {Path: layout.TFIDF(cfg.Workdir), MadeBy: "features"},
		fromTrain(cfg.Model, filepath.Join(models, "classifier.onnx")), fromTrain(cfg.Labels, filepath.Join(models, "classifier.json")),
		{Path: filepath.Join(models, "roles.index"), MadeBy: "train"},
	}
	evalDir := filepath.Join(models, "eval")
	if _, err := os.Stat(filepath.Join(evalDir, "classifier.json")); err == nil {
		for _, f := range []string{"classifier.onnx", "classifier.json", "roles.index"} {
			inputs = append(inputs, stage.Input{Path: filepath.Join(evalDir, f), MadeBy: "train"})
		}
	}
	if cfg.People != "" {
		inputs = append(inputs, stage.Input{Path: cfg.People})
	}
	paths := OutputPaths(cfg.Workdir)
	return stage.Spec{Name: StageName, Workdir: cfg.Workdir, Algorithm: Algorithm, Version: cfg.Version, Inputs: inputs,
		Params: map[string]any{"seed": cfg.Seed, "queries": cfg.Queries, "row_level": cfg.RowLevel, "against": cfg.Against,
			"onet": cfg.ONET, "transitions": cfg.Transitions, "people": cfg.People, "encoder": cfg.Encoder.Kind},
		Outputs: []string{paths.Metrics, paths.Report}, Force: true, Log: log}
}
