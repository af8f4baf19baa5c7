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

	"github.com/skillx/skillx/internal/classifier"
	"github.com/skillx/skillx/internal/dataset"
	"github.com/skillx/skillx/internal/layout"
	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/mlp"
	"github.com/skillx/skillx/internal/mlpfit"
	"github.com/skillx/skillx/internal/plots"
	"github.com/skillx/skillx/internal/progress"
	"github.com/skillx/skillx/internal/rank"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/retrieval"
	"github.com/skillx/skillx/internal/split"
	"github.com/skillx/skillx/internal/stage"
	"github.com/skillx/skillx/internal/tfidf"
)

// StageName names the stage in manifests and logs.
const StageName = "train"

// Algorithm is the version of the train stage's logic, part of its key: bump it when a change
// to this stage changes its outputs, so that models trained by the old logic are trained
// again. (Version 2 was recorded as the parameter "algorithm" before the stage runner.)
const Algorithm = 2

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
	// Model, Info and Index are the serving model (trained on every group), its
	// classifier.json and its role index.
	Model, Info, Index string
	// EvalModel, EvalInfo and EvalIndex are the evaluation model, trained without the held-out
	// groups, its classifier.json and role index (written only when groups are held out).
	EvalModel, EvalInfo, EvalIndex string
	Curve, CurveCSV                string
}

// OutputPaths returns the train stage's output paths under workdir.
func OutputPaths(workdir string) Paths {
	m := filepath.Join(workdir, "models")
	e := filepath.Join(m, "eval")
	r := filepath.Join(workdir, "reports", "training")
	return Paths{Model: filepath.Join(m, "classifier.onnx"), Info: filepath.Join(m, "classifier.json"), Index: filepath.Join(m, "roles.index"),
		EvalModel: filepath.Join(e, "classifier.onnx"), EvalInfo: filepath.Join(e, "classifier.json"), EvalIndex: filepath.Join(e, "roles.index"),
		Curve: filepath.Join(r, "curve.png"), CurveCSV: filepath.Join(r, "curve.csv")}
}

// Result is what a train run did.
type Result struct {
	Paths   Paths
	Skipped bool
	// Info describes the serving model; EvalInfo the evaluation model (nil without one).
	Info     classifier.Info
	EvalInfo *classifier.Info
	// Epochs are the serving model's per-epoch statistics, timings included.
	Epochs []mlp.EpochStats
	Wall   time.Duration
}

// KindWeight is the weight of an example kind in the classifier's loss, times the source
// postings it stands for; 0 leaves the kind out. A posting's prose teaches its role's
// vocabulary but is not what a person types, so it counts half.
var KindWeight = map[string]float32{
	records.KindPosting: 1, records.KindSample: 1, records.KindDescription: 0.5, records.KindResponsibilities: 0.5,
}

// IndexFieldOf maps an example kind to the role-index field it fills (samples add nothing: their
// phrases are in the posting).
var IndexFieldOf = map[string]retrieval.Field{
	records.KindPosting: retrieval.Skills, records.KindDescription: retrieval.Description,
	records.KindResponsibilities: retrieval.Responsibilities, records.KindTitle: retrieval.Title,
}

// trained is one trained model with its index, ready to write.
type trained struct {
	model  *mlp.Model
	roles  map[int32]bool
	info   classifier.Info
	onnx   []byte
	index  []byte
	epochs []mlp.EpochStats
}

// Run trains the classifiers on data/features under cfg.Workdir. The caller holds the workdir
// lock (see internal/stage).
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
	tfPath := layout.TFIDF(cfg.Workdir)
	params := map[string]any{"hidden": cfg.Hidden, "learning_rate": cfg.LearningRate, "batch_size": cfg.BatchSize,
		"epochs": cfg.Epochs, "patience": cfg.Patience, "test": cfg.Split.Test, "validation": cfg.Split.Validation, "seed": cfg.Seed,
		"kind_weights": KindWeight, "field_weights": retrieval.DefaultFieldWeights(), "current_role_weight": rank.DefaultCurrentRoleWeight}
	r, err := stage.Begin(stage.Spec{Name: StageName, Workdir: cfg.Workdir, Algorithm: Algorithm, Version: cfg.Version,
		Inputs:  []stage.Input{{Path: exPath, MadeBy: "features"}, {Path: embPath, MadeBy: "features"}, {Path: tfPath, MadeBy: "features"}},
		Params:  params,
		Outputs: []string{paths.Info, paths.Model, paths.Index, paths.CurveCSV, paths.Curve},
		Force:   cfg.Force, Log: log})
	if err != nil {
		return nil, err
	}
	defer r.Abort()
	if r.UpToDate() {
		info, err := classifier.Read(paths.Info)
		if err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		res.Skipped, res.Info = true, *info
		return res, nil
	}
	m, err := fit(ctx, r, cfg, start, res, log)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if err := r.Publish(m, nil); err != nil {
		return nil, err
	}
	log.Info("train: done", "best_epoch", res.Info.Training.BestEpoch, "epochs", len(res.Epochs), "seconds", fmt.Sprintf("%.1f", res.Wall.Seconds()))
	return res, nil
}

// fit trains the evaluation model (when groups are held out) and the serving model on the
// features, stages their files and the training curve as outputs of r, fills res, and returns
// what the manifests add to the runner's.
func fit(ctx context.Context, r *stage.Runner, cfg Config, start time.Time, res *Result, log *slog.Logger) (manifest.Manifest, error) {
	paths := res.Paths
	exPath, _ := dataset.Paths(cfg.Workdir)
	tfPath := layout.TFIDF(cfg.Workdir)
	var none manifest.Manifest
	inputs := r.Inputs()
	ds, err := dataset.Load(cfg.Workdir)
	if err != nil {
		return none, err
	}
	if len(ds.Labels) < 2 {
		return none, fmt.Errorf("%s has %d role(s); a classifier needs at least 2", exPath, len(ds.Labels))
	}
	tfData, err := os.ReadFile(tfPath)
	if err != nil {
		return none, fmt.Errorf("%w (run `skillx features` first)", err)
	}
	tf, err := tfidf.Unmarshal(tfData)
	if err != nil {
		return none, fmt.Errorf("%s: %w", tfPath, err)
	}
	tfVecs := tf.TransformAll(exampleTexts(ds))
	sides, sinfo := Sides(ds, cfg.Seed, cfg.Split)
	data := map[string]string{}
	for _, in := range inputs {
		data[filepath.Base(in.Path)] = in.SHA256
	}
	base := classifier.Info{Labels: ds.Labels, Input: ds.Dim, Hidden: cfg.Hidden, Encoder: ds.Encoder, Seed: cfg.Seed, Data: data, TFIDF: tf.ID()}
	if base.Hidden == nil {
		base.Hidden = mlp.DefaultHidden
	}

	// The evaluation model: the held-out groups left out. Its α is chosen on held-out samples
	// of roles it was trained on, and the serving model takes it.
	weights := rank.Weights{Classifier: rank.DefaultClassifierWeight, CurrentRole: rank.DefaultCurrentRoleWeight,
		ChosenOn: "default: no held-out query of a role seen in training"}
	var eval *trained
	if sinfo.TestGroups > 0 {
		keep := func(i int) bool { return sides[i] != split.Test }
		bar := progress.Count(int64(max(cfg.Epochs, 1)), "train (evaluation model)", "epochs")
		eval, err = trainOne(ctx, cfg, ds, tfVecs, tf, keep, base, classifier.PurposeEvaluation, bar, log)
		bar.Finish()
		if err != nil {
			return none, fmt.Errorf("evaluation model: %w", err)
		}
		eval.info.Split = sinfo
		if w, ok, err := chooseAlpha(eval, ds, sides, tfVecs); err != nil {
			return none, err
		} else if ok {
			weights = w
		}
		eval.info.Ranking = &weights
	}
	bar := progress.Count(int64(max(cfg.Epochs, 1)), "train", "epochs")
	serving, err := trainOne(ctx, cfg, ds, tfVecs, tf, func(int) bool { return true }, base, classifier.PurposeServing, bar, log)
	bar.Finish()
	if err != nil {
		return none, err
	}
	serving.info.Split = classifier.SplitInfo{Method: "none", Seed: cfg.Seed, Validation: cfg.Split.Validation,
		TrainExamples: len(ds.Examples), TrainGroups: sinfo.TrainGroups + sinfo.ValGroups + sinfo.TestGroups}
	serving.info.Ranking = &weights

	// The serving files, the evaluation files (or none: old ones are removed) and the curve of
	// the serving model, published together.
	if err := stageSet(r, serving, paths.Model, paths.Info, paths.Index); err != nil {
		return none, err
	}
	if eval != nil {
		if err := stageSet(r, eval, paths.EvalModel, paths.EvalInfo, paths.EvalIndex); err != nil {
			return none, err
		}
	} else {
		r.Drop(paths.EvalModel)
		r.Drop(paths.EvalInfo)
		r.Drop(paths.EvalIndex)
	}
	if err := stageCurve(r, paths, serving.epochs, serving.info.Training.BestEpoch, cfg.Split.Validation > 0); err != nil {
		return none, err
	}
	res.Info, res.Epochs, res.Wall = serving.info, serving.epochs, time.Since(start)
	if eval != nil {
		res.EvalInfo = &eval.info
	}
	var perSec, gflops float64
	for _, e := range serving.epochs {
		perSec += e.ExamplesPerSec / float64(len(serving.epochs))
		gflops += e.GFLOPS / float64(len(serving.epochs))
	}
	return manifest.Manifest{Encoder: ds.Encoder,
		Model: "mlp:" + strconv.Itoa(ds.Dim) + "-" + fmt.Sprint(base.Hidden) + "-" + strconv.Itoa(len(ds.Labels)),
		Rows: map[string]int64{"examples": int64(len(sides)), "train": int64(sinfo.TrainExamples), "validation": int64(sinfo.ValExamples),
			"test_held_out": int64(sinfo.TestExamples), "classes": int64(len(ds.Labels)), "roles_trained": int64(serving.info.RolesTrained)},
		Notes: map[string]any{"best_epoch": serving.info.Training.BestEpoch, "epochs_run": len(serving.epochs), "examples_per_second": perSec,
			"gflops": gflops, "ranking": weights, "tfidf_model": tf.ID()},
		Started: start.UTC(), WallSeconds: res.Wall.Seconds()}, nil
}

// exampleTexts returns the text of every example.
func exampleTexts(ds *dataset.Set) []string {
	out := make([]string, len(ds.Examples))
	for i, ex := range ds.Examples {
		out[i] = ex.Text
	}
	return out
}

// isValidation reports whether example ex is one of the samples that drive early stopping:
// a seeded share of the samples, drawn inside groups so that no role loses its examples.
func isValidation(ex records.Example, seed uint64, share float64) bool {
	return ex.Kind == records.KindSample && split.ByGroup(seed, "validation-sample:"+ex.TextHash+":"+ex.Group, split.Fractions{Test: share}) == split.Test
}

// trainOne trains a classifier on the examples for which keep is true and builds their role
// index.
func trainOne(ctx context.Context, cfg Config, ds *dataset.Set, tfVecs []tfidf.Vector, tf *tfidf.Model, keep func(int) bool,
	base classifier.Info, purpose string, bar *progress.Bar, log *slog.Logger) (*trained, error) {
	var trainIdx, valIdx []int
	var trainW, valW []float32
	b := retrieval.NewBuilder(tf, ds.Labels)
	roles := map[int32]bool{}
	for i, ex := range ds.Examples {
		if !keep(i) {
			continue
		}
		if f, ok := IndexFieldOf[ex.Kind]; ok {
			b.AddVector(int(ds.Y[i]), f, tfVecs[i], float64(max(ex.Weight, 1)))
		}
		kw := KindWeight[ex.Kind]
		if kw == 0 {
			continue
		}
		w := kw * float32(max(ex.Weight, 1))
		if isValidation(ex, cfg.Seed, cfg.Split.Validation) {
			valIdx, valW = append(valIdx, i), append(valW, w)
			continue
		}
		trainIdx, trainW = append(trainIdx, i), append(trainW, w)
		roles[ds.Y[i]] = true
	}
	if len(trainIdx) == 0 {
		return nil, fmt.Errorf("no training examples (%d examples)", len(ds.Examples))
	}
	tx, ty, _ := ds.Subset(trainIdx)
	vx, vy, _ := ds.Subset(valIdx)
	mcfg := cfg.fitSettings().MLPConfig(ds)
	log.Info("train: training", "model", purpose, "encoder", ds.Encoder, "classes", len(ds.Labels), "roles_trained", len(roles),
		"train", len(trainIdx), "validation", len(valIdx))
	model, epochs, err := mlp.Train(ctx, mcfg, mlp.Dataset{X: tx, Y: ty, W: trainW}, mlp.Dataset{X: vx, Y: vy, W: valW}, func(e mlp.EpochStats) {
		bar.Add(1)
		bar.Describe(fmt.Sprintf("train %s: loss %.3f val acc %.3f", purpose, e.Loss, e.ValAcc))
		log.Debug("train: epoch", "model", purpose, "epoch", e.Epoch, "loss", e.Loss, "train_acc", e.TrainAcc, "val_loss", e.ValLoss,
			"val_acc", e.ValAcc, "examples_per_s", int(e.ExamplesPerSec), "gflops", fmt.Sprintf("%.1f", e.GFLOPS))
	})
	if err != nil {
		return nil, err
	}
	best := bestEpoch(epochs, len(valIdx) > 0)
	labelsJSON, _ := json.Marshal(ds.Labels)
	onnx, err := model.ONNX(map[string]string{
		"labels": string(labelsJSON), "encoder": ds.Encoder, "seed": strconv.FormatUint(cfg.Seed, 10), "purpose": purpose,
		"examples_sha256": base.Data["examples.parquet"], "embeddings_sha256": base.Data["embeddings.arrow"], "producer": "skillx " + cfg.Version,
	})
	if err != nil {
		return nil, fmt.Errorf("export onnx: %w", err)
	}
	index, err := b.Build(retrieval.DefaultFieldWeights()).MarshalBinary()
	if err != nil {
		return nil, err
	}
	info := base
	info.Purpose, info.RolesTrained = purpose, len(roles)
	info.Training = classifier.TrainingInfo{LearningRate: cfg.LearningRate, BatchSize: cfg.BatchSize, MaxEpochs: cfg.Epochs,
		Patience: cfg.Patience, EpochsRun: len(epochs), BestEpoch: best}
	for _, e := range epochs {
		info.Curve = append(info.Curve, classifier.EpochPoint{Epoch: e.Epoch, Loss: e.Loss, TrainAcc: e.TrainAcc, ValLoss: e.ValLoss, ValAcc: e.ValAcc})
	}
	return &trained{model: model, roles: roles, info: info, onnx: onnx, index: index, epochs: epochs}, nil
}

// fitSettings returns the network and optimiser settings of c, the ones evaluate reads back
// from classifier.json (see mlpfit.Recorded).
func (c Config) fitSettings() mlpfit.Settings {
	return mlpfit.Settings{Hidden: c.Hidden, LearningRate: c.LearningRate, BatchSize: c.BatchSize, Epochs: c.Epochs,
		Patience: c.Patience, Seed: c.Seed, Threads: c.Threads}
}

// chooseAlpha chooses the classifier's weight in the fused ranking on the held-out samples
// (5-phrase-like queries) whose role the evaluation model was trained on. ok is false when
// there are too few of them to choose on.
func chooseAlpha(eval *trained, ds *dataset.Set, sides []split.Side, tfVecs []tfidf.Vector) (rank.Weights, bool, error) {
	const minQueries = 20
	var q []int
	for i, ex := range ds.Examples {
		if sides[i] == split.Test && ex.Kind == records.KindSample && eval.roles[ds.Y[i]] {
			q = append(q, i)
		}
	}
	if len(q) < minQueries {
		return rank.Weights{}, false, nil
	}
	model := eval.model
	ix, err := retrieval.Unmarshal(eval.index)
	if err != nil {
		return rank.Weights{}, false, err
	}
	x, _, _ := ds.Subset(q)
	probs := model.Predict(x, len(q))
	c := len(ds.Labels)
	cls, ret := make([][]float32, len(q)), make([][]float32, len(q))
	truth := make([]int, len(q))
	for j, i := range q {
		cls[j] = probs[j*c : (j+1)*c]
		ret[j] = make([]float32, c)
		ix.Scores(tfVecs[i], ret[j])
		truth[j] = int(ds.Y[i])
	}
	alpha, top5 := rank.ChooseAlpha(cls, ret, truth)
	return rank.Weights{Classifier: alpha, CurrentRole: rank.DefaultCurrentRoleWeight, Queries: len(q), Top5: top5,
		ChosenOn: fmt.Sprintf("held-out samples (3 to 6 phrases) of %d postings' groups whose role the evaluation model was trained on", len(q))}, true, nil
}

// Sides assigns every example of ds to a side of the grouped split (test or train: validation
// examples are drawn later among the training groups' samples), and counts them.
func Sides(ds *dataset.Set, seed uint64, f split.Fractions) ([]split.Side, classifier.SplitInfo) {
	info := classifier.SplitInfo{Method: "grouped", Seed: seed, Test: f.Test, Validation: f.Validation}
	sides := make([]split.Side, len(ds.Examples))
	groups := map[string]split.Side{}
	for i, ex := range ds.Examples {
		s, ok := groups[ex.Group]
		if !ok {
			s = split.ByGroup(seed, ex.Group, split.Fractions{Test: f.Test})
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

// stageCurve stages the training curve of epochs (best: the chosen epoch) as CSV and PNG.
func stageCurve(r *stage.Runner, paths Paths, epochs []mlp.EpochStats, best int, haveVal bool) error {
	var ep []int
	var loss, vloss, acc, vacc []float64
	csv := "epoch,loss,train_accuracy,validation_loss,validation_accuracy,seconds,examples_per_second,gflops\n"
	for _, e := range epochs {
		ep = append(ep, e.Epoch)
		loss, vloss, acc, vacc = append(loss, e.Loss), append(vloss, e.ValLoss), append(acc, e.TrainAcc), append(vacc, e.ValAcc)
		val := fmt.Sprintf("%.6f,%.6f", e.ValLoss, e.ValAcc)
		if !haveVal {
			val = "," // no validation set: no figures, not zeros
		}
		csv += fmt.Sprintf("%d,%.6f,%.6f,%s,%.3f,%.0f,%.2f\n", e.Epoch, e.Loss, e.TrainAcc, val, e.Seconds, e.ExamplesPerSec, e.GFLOPS)
	}
	if err := r.Stage(paths.CurveCSV, []byte(csv)); err != nil {
		return err
	}
	if !haveVal {
		vloss, vacc = nil, nil // no validation set: plots draws the training curves only and says so
	}
	png, err := plots.TrainingCurvePNG(paths.Curve, ep, loss, vloss, acc, vacc, best, "Training curve: MLP classifier")
	if err != nil {
		return err
	}
	return r.Stage(paths.Curve, png)
}

// stageSet stages a trained model's ONNX file, classifier.json and role index.
func stageSet(r *stage.Runner, t *trained, model, info, index string) error {
	infoData, err := classifier.Marshal(t.info)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		path string
		data []byte
	}{{model, t.onnx}, {info, infoData}, {index, t.index}} {
		if err := r.Stage(f.path, f.data); err != nil {
			return err
		}
	}
	return nil
}
