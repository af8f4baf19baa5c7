package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/skillx/skillx/internal/layout"
	"github.com/skillx/skillx/train"
)

// trainOptions are the flags of `skillx train` (and of `skillx run`).
type trainOptions struct {
	cfg    train.Config
	hidden string
}

// trainRemovedFlags are the train flags that were renamed.
var trainRemovedFlags = map[string]string{
	"batch": "the training mini-batch size is --mini-batch; recommend's --batch is the Gemini Batch API",
}

// addFlags registers the training flags on fs and their checks on g.
func (o *trainOptions) addFlags(fs *flag.FlagSet, g *globalOptions) {
	o.cfg = train.DefaultConfig()
	fs.StringVar(&o.hidden, "hidden", "512,256,128", "hidden layer widths, comma-separated")
	fs.Float64Var(&o.cfg.LearningRate, "learning-rate", o.cfg.LearningRate, "Adam learning rate")
	fs.IntVar(&o.cfg.BatchSize, "mini-batch", o.cfg.BatchSize, "training examples per mini-batch (Adam step)")
	fs.IntVar(&o.cfg.Epochs, "epochs", o.cfg.Epochs, "maximum epochs")
	fs.IntVar(&o.cfg.Patience, "patience", o.cfg.Patience, "stop after this many epochs without a better validation accuracy (0: never)")
	fs.Float64Var(&o.cfg.Split.Test, "test", o.cfg.Split.Test, "share of groups (distinct posting texts) held out for evaluate")
	fs.Float64Var(&o.cfg.Split.Validation, "validation", o.cfg.Split.Validation, "share of the training samples (inside groups) used for early stopping")
	fs.Uint64Var(&o.cfg.Seed, "train-seed", o.cfg.Seed, "seed of the split, the weights and the shuffling")
	fs.IntVar(&o.cfg.Threads, "train-threads", 0, "training goroutines (0: all cores)")
	g.check(positive("learning-rate", &o.cfg.LearningRate), atLeast("mini-batch", &o.cfg.BatchSize, 1),
		atLeast("epochs", &o.cfg.Epochs, 1), atLeast("patience", &o.cfg.Patience, 0),
		share("test", &o.cfg.Split.Test), share("validation", &o.cfg.Split.Validation),
		atLeast("train-threads", &o.cfg.Threads, 0), func() error { _, err := o.hiddenWidths(); return err })
}

// hiddenWidths parses --hidden.
func (o *trainOptions) hiddenWidths() ([]int, error) {
	widths := []int{}
	for _, f := range strings.Split(o.hidden, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, usagef("--hidden %q: want positive widths separated by commas", o.hidden)
		}
		widths = append(widths, n)
	}
	return widths, nil
}

func (o *trainOptions) config(g *globalOptions) (train.Config, error) {
	cfg := o.cfg
	hidden, err := o.hiddenWidths()
	if err != nil {
		return cfg, err
	}
	cfg.Hidden = hidden
	cfg.Workdir, cfg.Force, cfg.Version, cfg.Logger = g.workdir, g.force, version, g.log
	return cfg, nil
}

// needFeatures fails, naming the stage to run, when workdir has no features.
func needFeatures(workdir string) error {
	examples := layout.Examples(workdir)
	if !fileExists(examples) {
		return fmt.Errorf("no features in %s: run `skillx features` first", filepath.Dir(examples))
	}
	return nil
}

func printTrain(g *globalOptions, res *train.Result) {
	if res.Skipped {
		fmt.Fprintf(g.stdout, "train: up to date %s\n", res.Paths.Model)
		return
	}
	i := res.Info
	var valAcc float64
	for _, p := range i.Curve {
		if p.Epoch == i.Training.BestEpoch {
			valAcc = p.ValAcc
		}
	}
	val := fmt.Sprintf("validation accuracy %.3f on held-out samples", valAcc)
	if i.Split.Validation == 0 {
		val = "no validation samples"
	}
	fmt.Fprintf(g.stdout, "train: wrote %s, %s and %s (serving model: %d of %d roles trained, encoder %s; best epoch %d of %d, %s)\n",
		res.Paths.Model, res.Paths.Info, res.Paths.Index, i.RolesTrained, len(i.Labels), i.Encoder, i.Training.BestEpoch, i.Training.EpochsRun, val)
	if e := res.EvalInfo; e != nil {
		fmt.Fprintf(g.stdout, "train: wrote %s (evaluation model: %d test examples of %d groups held out, %d of %d roles trained)\n",
			res.Paths.EvalModel, e.Split.TestExamples, e.Split.TestGroups, e.RolesTrained, len(e.Labels))
	} else {
		fmt.Fprintf(g.stdout, "train: no evaluation model (--test 0): skillx evaluate scores only --against, --transitions and --people\n")
	}
	if w := i.Ranking; w != nil {
		fmt.Fprintf(g.stdout, "train: ranking: classifier weight %.2f (%s), current-role weight %.2f; curve %s\n", w.Classifier, w.ChosenOn, w.CurrentRole, res.Paths.Curve)
	}
}

// newTrainCommand returns the skillx train command.
func newTrainCommand() *command {
	return &command{
		name:    "train",
		summary: "train the skills-to-role MLP and export it to ONNX",
		usage: `Trains an MLP (input 384, hidden 512-256-128 ReLU, softmax over the roles; weighted cross-entropy,
Adam, mini-batches, early stopping) on data/features, and builds the role index (each role's
TF-IDF profile of skills, description, responsibilities and titles) for retrieval. Two models:
the evaluation model leaves out --test of the groups (a posting's text with its samples and
prose), which skillx evaluate scores it on; the serving model, which recommend uses, is trained
on every group, so every role is known. --validation of the training samples (never whole
groups) drive early stopping. The classifier's weight in the fused ranking is chosen on the
held-out samples of roles the evaluation model knows. The same inputs and seed give
byte-identical models.

Inputs:  <workdir>/data/features/examples.parquet, embeddings.arrow, tfidf.bin
Outputs: <workdir>/models/classifier.onnx (input "embedding" float32 [N, D], output
         "probabilities" float32 [N, C]; labels, encoder id and data hashes in metadata_props),
         classifier.json, roles.index; models/eval/ the same for the evaluation model;
         <workdir>/reports/training/curve.png and curve.csv (the serving model).

Example:
  skillx train --workdir . --epochs 60 --mini-batch 256`,
		removedFlags: trainRemovedFlags,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			var o trainOptions
			o.addFlags(fs, g)
			return stageCommand(func() (train.Config, error) {
				if err := needFeatures(g.workdir); err != nil {
					return train.Config{}, err
				}
				return o.config(g)
			}, train.Run, func(res *train.Result) { printTrain(g, res) })
		},
	}
}
