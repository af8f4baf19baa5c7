package train

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/skillx/skillx/internal/atomicfile"
	"github.com/skillx/skillx/internal/classifier"
	"github.com/skillx/skillx/internal/dataset"
	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/mlp"
	"github.com/skillx/skillx/internal/plots"
	"github.com/skillx/skillx/internal/progress"
	"github.com/skillx/skillx/internal/split"
)

// StageName names the stage in manifests and logs.
const StageName = "train"

// Config configures a train run.
type Config struct {
	// Workdir holds data/, models/ and reports/.
	Workdir string
	// Hidden are the hidden layer widths (nil: 512, 256, 128).
	Hidden []int
	// LearningRate, BatchSize, Epochs and Patience tune Adam and early stopping.
	LearningRate float64
	BatchSize    int
	Epochs       int
	Patience     int
	// Split holds out groups: Test for evaluate, Validation for early stopping.
	Split split.Fractions
	// Seed seeds the split, the initial weights and the shuffling.
	Seed uint64
	// Threads bounds the training goroutines (0: all cores).
	Threads int
	// Force reruns the stage even when its inputs and parameters are unchanged.
	Force bool
	// Version is the skillx version recorded in manifests.
	Version string
	// Logger receives progress logs; nil means slog.Default().
	Logger *slog.Logger
}

// DefaultConfig returns the defaults of the prototype's model, with a grouped 20% test and
// 10% validation hold-out.
func DefaultConfig() Config {
	return Config{Hidden: []int{512, 256, 128}, LearningRate: 1e-3, BatchSize: 64, Epochs: 100, Patience: 10,
		Split: split.Fractions{Test: 0.2, Validation: 0.1}, Seed: 1}
}

// Paths are the files the stage writes.
type Paths struct {
	Model, Info, Curve, CurveCSV string
}

// OutputPaths returns the train stage's output paths under workdir.
func OutputPaths(workdir string) Paths {
	m := filepath.Join(workdir, "models")
	r := filepath.Join(workdir, "reports", "training")
	return Paths{Model: filepath.Join(m, "classifier.onnx"), Info: filepath.Join(m, "classifier.json"),
		Curve: filepath.Join(r, "curve.png"), CurveCSV: filepath.Join(r, "curve.csv")}
}

// Result is what a train run did.
type Result struct {
	Paths   Paths
	Skipped bool
	Info    classifier.Info
	// Epochs are the per-epoch statistics, timings included.
	Epochs []mlp.EpochStats
	Wall   time.Duration
}

// Run trains the classifier on data/features under cfg.Workdir.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	start := time.Now()
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	if err := cfg.Split.Validate(); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	paths := OutputPaths(cfg.Workdir)
	res := &Result{Paths: paths}
	exPath, embPath := dataset.Paths(cfg.Workdir)
	inputs, err := manifest.HashInputs(paths.Model, []string{exPath, embPath})
	if err != nil {
		return nil, fmt.Errorf("train: %w (run `skillx features` first)", err)
	}
	params := map[string]any{"hidden": cfg.Hidden, "learning_rate": cfg.LearningRate, "batch_size": cfg.BatchSize,
		"epochs": cfg.Epochs, "patience": cfg.Patience, "test": cfg.Split.Test, "validation": cfg.Split.Validation, "seed": cfg.Seed}
	key := manifest.Key(StageName, cfg.Version, inputs, params)
	if !cfg.Force {
		if ok, _ := manifest.UpToDate(key, paths.Model, paths.Info); ok {
			if info, err := classifier.Read(paths.Info); err == nil {
				res.Skipped, res.Info = true, *info
				log.Info("train: model up to date, skipping (use --force to retrain)", "model", paths.Model)
				return res, nil
			}
		}
	}

	for _, p := range []string{exPath, embPath} {
		if err := manifest.Check(p, "features"); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
	}
	for _, d := range []string{filepath.Dir(paths.Model), filepath.Dir(paths.Curve)} {
		if err := atomicfile.CleanStale(d); err != nil {
			log.Warn("train: cannot remove temporary files of an interrupted run", "err", err)
		}
	}
	ds, err := dataset.Load(cfg.Workdir)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if len(ds.Labels) < 2 {
		return nil, fmt.Errorf("train: %s has %d role(s); a classifier needs at least 2", exPath, len(ds.Labels))
	}
	sides, sinfo := Sides(ds, cfg.Seed, cfg.Split)
	var trainIdx, valIdx []int
	for i, s := range sides {
		switch s {
		case split.Train:
			trainIdx = append(trainIdx, i)
		case split.Validation:
			valIdx = append(valIdx, i)
		}
	}
	// A validation example whose role has no training example cannot be predicted; it would
	// only stop training early (in the Kaggle data every role has one text, so a held-out group
	// is a held-out role). Such examples are left out of validation and counted.
	trainRoles := map[int32]bool{}
	for _, i := range trainIdx {
		trainRoles[ds.Y[i]] = true
	}
	kept := valIdx[:0]
	for _, i := range valIdx {
		if trainRoles[ds.Y[i]] {
			kept = append(kept, i)
		} else {
			sinfo.ValUnseenRole++
		}
	}
	valIdx = kept
	if len(trainIdx) == 0 {
		return nil, fmt.Errorf("train: the split left no training examples (%d examples, test %.2f, validation %.2f)", len(sides), cfg.Split.Test, cfg.Split.Validation)
	}
	tx, ty, tw := ds.Subset(trainIdx)
	vx, vy, vw := ds.Subset(valIdx)
	mcfg := mlp.Config{Input: ds.Dim, Hidden: cfg.Hidden, Classes: len(ds.Labels), LearningRate: cfg.LearningRate,
		BatchSize: cfg.BatchSize, Epochs: cfg.Epochs, Patience: cfg.Patience, Seed: cfg.Seed, Threads: cfg.Threads}
	log.Info("train: training", "encoder", ds.Encoder, "classes", len(ds.Labels), "train", len(trainIdx), "validation", len(valIdx),
		"test (held out)", sinfo.TestExamples)
	bar := progress.Count(int64(max(cfg.Epochs, 1)), "train", "epochs")
	model, epochs, err := mlp.Train(ctx, mcfg, mlp.Dataset{X: tx, Y: ty, W: tw}, mlp.Dataset{X: vx, Y: vy, W: vw}, func(e mlp.EpochStats) {
		bar.Add(1)
		bar.Describe(fmt.Sprintf("train: loss %.3f val acc %.3f", e.Loss, e.ValAcc))
		log.Debug("train: epoch", "epoch", e.Epoch, "loss", e.Loss, "train_acc", e.TrainAcc, "val_loss", e.ValLoss,
			"val_acc", e.ValAcc, "examples_per_s", int(e.ExamplesPerSec), "gflops", fmt.Sprintf("%.1f", e.GFLOPS))
	})
	bar.Finish()
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	best := bestEpoch(epochs, len(valIdx) > 0)
	labelsJSON, _ := json.Marshal(ds.Labels)
	data := map[string]string{}
	for _, in := range inputs {
		data[filepath.Base(in.Path)] = in.SHA256
	}
	onnx, err := model.ONNX(map[string]string{
		"labels": string(labelsJSON), "encoder": ds.Encoder, "seed": strconv.FormatUint(cfg.Seed, 10),
		"examples_sha256": data["examples.parquet"], "embeddings_sha256": data["embeddings.arrow"], "producer": "skillx " + cfg.Version,
	})
	if err != nil {
		return nil, fmt.Errorf("train: export onnx: %w", err)
	}
	hidden := cfg.Hidden
	if hidden == nil {
		hidden = mlp.DefaultHidden
	}
	info := classifier.Info{
		Labels: ds.Labels, Input: ds.Dim, Hidden: hidden, Encoder: ds.Encoder, Seed: cfg.Seed, Split: sinfo,
		Training: classifier.TrainingInfo{LearningRate: cfg.LearningRate, BatchSize: cfg.BatchSize, MaxEpochs: cfg.Epochs,
			Patience: cfg.Patience, EpochsRun: len(epochs), BestEpoch: best},
		Data: data,
	}
	for _, e := range epochs {
		info.Curve = append(info.Curve, classifier.EpochPoint{Epoch: e.Epoch, Loss: e.Loss, TrainAcc: e.TrainAcc, ValLoss: e.ValLoss, ValAcc: e.ValAcc})
	}
	modelFile, err := atomicfile.Stage(paths.Model, onnx)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	defer modelFile.Abort()
	infoData, err := classifier.Marshal(info)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	infoFile, err := atomicfile.Stage(paths.Info, infoData)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	defer infoFile.Abort()
	outputs := []string{paths.Info, paths.Model}
	if err := atomicfile.PublishAll(func() error { return manifest.Remove(outputs...) }, modelFile, infoFile); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	// The curve describes the model just published; until the manifests below are written,
	// nothing of this run passes for complete.
	if err := writeCurve(paths, epochs, best); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	res.Info, res.Epochs, res.Wall = info, epochs, time.Since(start)
	var perSec, gflops float64
	for _, e := range epochs {
		perSec += e.ExamplesPerSec / float64(len(epochs))
		gflops += e.GFLOPS / float64(len(epochs))
	}
	m := manifest.Manifest{Stage: StageName, Version: cfg.Version, Key: key, Inputs: inputs, Params: params, Encoder: ds.Encoder,
		Model: "mlp:" + strconv.Itoa(ds.Dim) + "-" + fmt.Sprint(hidden) + "-" + strconv.Itoa(len(ds.Labels)),
		Rows: map[string]int64{"examples": int64(len(sides)), "train": int64(sinfo.TrainExamples), "validation": int64(sinfo.ValExamples),
			"test_held_out": int64(sinfo.TestExamples), "classes": int64(len(ds.Labels))},
		Notes:   map[string]any{"best_epoch": best, "epochs_run": len(epochs), "examples_per_second": perSec, "gflops": gflops},
		Started: start.UTC(), WallSeconds: res.Wall.Seconds()}
	for _, p := range outputs {
		if err := manifest.Write(p, m); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
	}
	log.Info("train: done", "best_epoch", best, "epochs", len(epochs), "seconds", fmt.Sprintf("%.1f", res.Wall.Seconds()))
	return res, nil
}

// Sides assigns every example of ds to a side of the grouped split, and counts them.
func Sides(ds *dataset.Set, seed uint64, f split.Fractions) ([]split.Side, classifier.SplitInfo) {
	info := classifier.SplitInfo{Method: "grouped", Seed: seed, Test: f.Test, Validation: f.Validation}
	sides := make([]split.Side, len(ds.Examples))
	groups := map[string]split.Side{}
	for i, ex := range ds.Examples {
		s, ok := groups[ex.Group]
		if !ok {
			s = split.ByGroup(seed, ex.Group, f)
			groups[ex.Group] = s
			switch s {
			case split.Train:
				info.TrainGroups++
			case split.Validation:
				info.ValGroups++
			case split.Test:
				info.TestGroups++
			}
		}
		sides[i] = s
		switch s {
		case split.Train:
			info.TrainExamples++
		case split.Validation:
			info.ValExamples++
		case split.Test:
			info.TestExamples++
		}
	}
	return sides, info
}

func bestEpoch(epochs []mlp.EpochStats, haveVal bool) int {
	if len(epochs) == 0 {
		return 0
	}
	if !haveVal {
		return epochs[len(epochs)-1].Epoch
	}
	best := epochs[0]
	for _, e := range epochs[1:] {
		if e.ValAcc > best.ValAcc || (e.ValAcc == best.ValAcc && e.ValLoss < best.ValLoss) {
			best = e
		}
	}
	return best.Epoch
}

func writeCurve(paths Paths, epochs []mlp.EpochStats, best int) error {
	var ep []int
	var loss, vloss, acc, vacc []float64
	csv := "epoch,loss,train_accuracy,validation_loss,validation_accuracy,seconds,examples_per_second,gflops\n"
	for _, e := range epochs {
		ep = append(ep, e.Epoch)
		loss, vloss, acc, vacc = append(loss, e.Loss), append(vloss, e.ValLoss), append(acc, e.TrainAcc), append(vacc, e.ValAcc)
		csv += fmt.Sprintf("%d,%.6f,%.6f,%.6f,%.6f,%.3f,%.0f,%.2f\n", e.Epoch, e.Loss, e.TrainAcc, e.ValLoss, e.ValAcc, e.Seconds, e.ExamplesPerSec, e.GFLOPS)
	}
	if err := os.MkdirAll(filepath.Dir(paths.Curve), 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(paths.CurveCSV, []byte(csv)); err != nil {
		return err
	}
	return plots.TrainingCurve(paths.Curve, ep, loss, vloss, acc, vacc, best, "Training curve: MLP classifier")
}
