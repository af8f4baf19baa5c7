package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/skillx/skillx/evaluate"
	"github.com/skillx/skillx/features"
)

// evaluateOptions are the flags of `skillx evaluate` (and of `skillx run`).
type evaluateOptions struct {
	cfg evaluate.Config
}

func (o *evaluateOptions) addFlags(fs *flag.FlagSet, withEncoder bool) {
	fs.StringVar(&o.cfg.Model, "model", "", "ONNX classifier (default <workdir>/models/classifier.onnx)")
	fs.StringVar(&o.cfg.Labels, "labels", "", "classifier.json or a JSON list of labels (default <workdir>/models/classifier.json)")
	fs.Uint64Var(&o.cfg.Seed, "eval-seed", 1, "seed of the 5-skill queries and the row-level split")
	fs.IntVar(&o.cfg.Queries, "queries", 2, "5-skill queries drawn per held-out posting")
	fs.BoolVar(&o.cfg.RowLevel, "row-level", true, "also train and score the prototype's row-level split, for comparison (with its leakage)")
	fs.StringVar(&o.cfg.Against, "against", "", "another workdir (ingested and cleaned) to score the model on, its roles mapped to the model's labels")
	fs.StringVar(&o.cfg.ONET, "onet", "", "the O*NET database folder: alternate titles for --against, Related Occupations for --transitions")
	fs.BoolVar(&o.cfg.Transitions, "transitions", false, "score the top 5 next roles of each O*NET occupation against O*NET's Related Occupations")
	if withEncoder {
		fs.StringVar(&o.cfg.Encoder.Kind, "encoder", features.EncoderAuto, "encoder of the queries: auto, minilm, hashing (its id must be the model's)")
		fs.StringVar(&o.cfg.Encoder.ModelDir, "model-dir", "", "folder with the MiniLM onnx/model.onnx and tokenizer.json")
	}
}

func printEvaluate(g *globalOptions, res *evaluate.Result) {
	for _, r := range res.Metrics.Rows {
		if r.N == 0 {
			continue
		}
		mark := ""
		if r.Headline {
			mark = " (headline)"
		}
		fmt.Fprintf(g.stdout, "evaluate: %-62s top-1 %.3f top-5 %.3f macro-F1 %.3f n=%d%s\n", r.Name, r.Top1, r.Top5, r.MacroF1, r.N, mark)
		if r.Note != "" {
			fmt.Fprintf(g.stdout, "evaluate:   %s\n", r.Note)
		}
	}
	if t := res.Metrics.Transitions; t != nil {
		fmt.Fprintf(g.stdout, "evaluate: transitions: hit@5 %.3f precision@5 %.3f (chance %.3f, %.3f) over %d occupations (of %d queried) with a known related occupation\n",
			t.HitAt5, t.PrecisionAt5, t.ChanceHitAt5, t.ChancePrecisionAt5, t.Evaluated, t.Occupations)
	}
	fmt.Fprintf(g.stdout, "evaluate: report %s\n", res.Paths.Report)
}

func init() {
	register(&command{
		name:    "evaluate",
		summary: "score the classifier on held-out data and write reports/evaluation",
		usage: `Runs the ONNX classifier through ONNX Runtime on the examples the train stage held out (grouped by
distinct skills text: the headline), on 5-skill queries drawn from those postings, and, for
comparison only, retrains on the prototype's row-level 80/20 split and reports its leakage.
Baselines: majority class and nearest role centroid. Any ONNX classifier with input "embedding"
[N, D] and output "probabilities" [N, C] works, given its labels (--labels).

Inputs:  <workdir>/models/classifier.onnx and classifier.json, <workdir>/data/features, data/clean
Outputs: <workdir>/reports/evaluation/metrics.json, report.md, per_class.csv, confusion.csv,
         confusion.png

With --against DIR, also scores the model on another ingested and cleaned data set whose roles
match the model's labels (exactly, case-insensitively; with --onet, also through O*NET's
alternate and reported titles). With --transitions (a model trained on O*NET, and --onet), each
occupation's skills are a query and the 5 predicted roles other than itself are scored against
O*NET's Related Occupations (hit@5, precision@5).

Examples:
  skillx evaluate --workdir .
  skillx evaluate --workdir /tmp/onet --against /tmp/linkedin --onet ../shared/datasets/onet-29.2 --transitions`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			var o evaluateOptions
			o.addFlags(fs, true)
			return stageCommand(func() (evaluate.Config, error) {
				cfg := o.cfg
				cfg.Workdir, cfg.Version, cfg.Logger = g.workdir, version, g.log
				return cfg, nil
			}, evaluate.Run, func(res *evaluate.Result) { printEvaluate(g, res) })
		},
	})
}
