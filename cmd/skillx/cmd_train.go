package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/skillx/skillx/train"
)

// trainOptions are the flags of `skillx train` (and of `skillx run`).
type trainOptions struct {
	cfg    train.Config
	hidden string
}

func (o *trainOptions) addFlags(fs *flag.FlagSet) {
	o.cfg = train.DefaultConfig()
	fs.StringVar(&o.hidden, "hidden", "512,256,128", "hidden layer widths, comma-separated")
	fs.Float64Var(&o.cfg.LearningRate, "learning-rate", o.cfg.LearningRate, "Adam learning rate")
	fs.IntVar(&o.cfg.BatchSize, "batch", o.cfg.BatchSize, "mini-batch size")
	fs.IntVar(&o.cfg.Epochs, "epochs", o.cfg.Epochs, "maximum epochs")
	fs.IntVar(&o.cfg.Patience, "patience", o.cfg.Patience, "stop after this many epochs without a better validation accuracy (0: never)")
	fs.Float64Var(&o.cfg.Split.Test, "test", o.cfg.Split.Test, "share of groups (distinct posting texts) held out for evaluate")
	fs.Float64Var(&o.cfg.Split.Validation, "validation", o.cfg.Split.Validation, "share of the other groups used for early stopping")
	fs.Uint64Var(&o.cfg.Seed, "train-seed", o.cfg.Seed, "seed of the split, the weights and the shuffling")
	fs.IntVar(&o.cfg.Threads, "train-threads", 0, "training goroutines (0: all cores)")
}

func (o *trainOptions) config(g *globalOptions) (train.Config, error) {
	cfg := o.cfg
	cfg.Hidden = []int{}
	for _, f := range strings.Split(o.hidden, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return cfg, usagef("--hidden %q: want positive widths separated by commas", o.hidden)
		}
		cfg.Hidden = append(cfg.Hidden, n)
	}
	cfg.Workdir, cfg.Force, cfg.Version, cfg.Logger = g.workdir, g.force, version, g.log
	return cfg, nil
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
	val := fmt.Sprintf("validation accuracy %.3f on held-out groups", valAcc)
	if i.Split.ValExamples == i.Split.ValUnseenRole {
		val = "no validation: no held-out validation group has a role seen in training"
	}
	fmt.Fprintf(g.stdout, "train: wrote %s and %s (%d roles, encoder %s; best epoch %d of %d, %s)\n",
		res.Paths.Model, res.Paths.Info, len(i.Labels), i.Encoder, i.Training.BestEpoch, i.Training.EpochsRun, val)
	fmt.Fprintf(g.stdout, "train: %d test examples (%d groups) held out for skillx evaluate; curve %s\n", i.Split.TestExamples, i.Split.TestGroups, res.Paths.Curve)
}

func init() {
	register(&command{
		name:    "train",
		summary: "train the skills-to-role MLP and export it to ONNX",
		usage: `Trains an MLP (input 384, hidden 512-256-128 ReLU, softmax over the roles; weighted cross-entropy,
Adam, mini-batches, early stopping) on data/features. Groups (a posting's text with its samples)
are split seeded: --test of them are held out for skillx evaluate and never trained on,
--validation of the rest drive early stopping. The same inputs and seed give a byte-identical model.

Inputs:  <workdir>/data/features/examples.parquet, embeddings.arrow
Outputs: <workdir>/models/classifier.onnx (input "embedding" float32 [N, 384], output
         "probabilities" float32 [N, C]; labels, encoder id and data hashes in metadata_props),
         <workdir>/models/classifier.json, <workdir>/reports/training/curve.png and curve.csv.

Example:
  skillx train --workdir . --epochs 60 --batch 256`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			var o trainOptions
			o.addFlags(fs)
			return stageCommand(func() (train.Config, error) { return o.config(g) }, train.Run,
				func(res *train.Result) { printTrain(g, res) })
		},
	})
}
