package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/skillx/skillx/evaluate"
	"github.com/skillx/skillx/internal/encoder"
)

// evaluateOptions are the flags of `skillx evaluate` (and of `skillx run`).
type evaluateOptions struct {
	cfg evaluate.Config
}

// addFlags registers the evaluate flags on fs (the encoder's too when withEncoder) and their
// checks on g.
func (o *evaluateOptions) addFlags(fs *flag.FlagSet, g *globalOptions, withEncoder bool) {
	fs.StringVar(&o.cfg.Model, "model", "", "ONNX classifier (default <workdir>/models/classifier.onnx)")
	fs.StringVar(&o.cfg.Labels, "labels", "", "classifier.json or a JSON list of labels (default <workdir>/models/classifier.json)")
	fs.Uint64Var(&o.cfg.Seed, "eval-seed", 1, "seed of the 5-skill queries and the row-level split")
	fs.IntVar(&o.cfg.Queries, "queries", 2, "5-skill queries drawn per held-out posting")
	fs.BoolVar(&o.cfg.RowLevel, "row-level", true, "also train and score the prototype's row-level split, for comparison (with its leakage)")
	fs.StringVar(&o.cfg.Against, "against", "", "another workdir (ingested and cleaned) to score the model on, its roles mapped to the model's labels")
	fs.StringVar(&o.cfg.ONET, "onet", "", "the O*NET database folder: alternate titles for --against, Related Occupations for --transitions")
	fs.BoolVar(&o.cfg.Transitions, "transitions", false, "score the top 5 next roles of each O*NET occupation against O*NET's Related Occupations")
	fs.StringVar(&o.cfg.People, "people", "", "a person benchmark file (skillx people-bench) to score the serving model on")
	if withEncoder {
		fs.StringVar(&o.cfg.Encoder.Kind, "encoder", encoder.KindAuto, "encoder of the queries: auto, minilm, hashing (its id must be the model's)")
		fs.StringVar(&o.cfg.Encoder.ModelDir, "model-dir", "", "folder with the MiniLM onnx/model.onnx and tokenizer.json")
	}
	g.check(atLeast("queries", &o.cfg.Queries, 1))
}

// needModel fails, naming the stage to run, when evaluate would use the workdir's model (model
// and labels not given by flags) and workdir has none. A model given by a flag is checked by
// the stage.
func needModel(workdir, model, labels string) error {
	dir := filepath.Join(workdir, "models")
	if (model == "" && !fileExists(filepath.Join(dir, "classifier.onnx"))) || (labels == "" && !fileExists(filepath.Join(dir, "classifier.json"))) {
		return fmt.Errorf("no trained model in %s: run `skillx train` first", dir)
	}
	return nil
}

func printEvaluate(g *globalOptions, res *evaluate.Result) {
	m := res.Metrics
	for _, r := range m.Rows {
		if r.N == 0 {
			if r.Note != "" {
				fmt.Fprintf(g.stdout, "evaluate: %s: %s\n", r.Split, r.Note)
			}
			continue
		}
		mark := ""
		if r.Headline {
			mark = " (headline)"
		}
		fmt.Fprintf(g.stdout, "evaluate: %-52s %-40s top-1 %.3f top-5 %.3f n=%d%s\n", r.Split, r.Name, r.Top1, r.Top5, r.N, mark)
		if r.Note != "" && r.Leakage > 0 {
			fmt.Fprintf(g.stdout, "evaluate:   %s\n", r.Note)
		}
	}
	if t := m.Transitions; t != nil {
		for _, mh := range t.Methods {
			fmt.Fprintf(g.stdout, "evaluate: transitions (test half, %d occupations) %-58s hit@5 %.3f precision@5 %.3f\n", t.Evaluated, mh.Name, mh.HitAt5, mh.PrecisionAt5)
		}
		fmt.Fprintf(g.stdout, "evaluate: transitions: chance hit@5 %.3f precision@5 %.3f; β chosen on the dev half %.2f, served %.2f\n",
			t.ChanceHitAt5, t.ChancePrecisionAt5, t.DevCurrentRoleWeight, t.CurrentRoleWeight)
	}
	for _, f := range m.Findings {
		fmt.Fprintf(g.stdout, "evaluate: %s\n", f)
	}
	fmt.Fprintf(g.stdout, "evaluate: report %s\n", res.Paths.Report)
}

// newEvaluateCommand returns the skillx evaluate command.
func newEvaluateCommand() *command {
	return &command{
		name:    "evaluate",
		summary: "score the classifier on held-out data and write reports/evaluation",
		usage: `Runs the ONNX classifier through ONNX Runtime on the examples the train stage held out (grouped by
distinct skills text: the headline), on 5-skill queries drawn from those postings, and, for
comparison only, retrains on the prototype's row-level 80/20 split and reports its leakage.
Every query set is ranked by the classifier, by retrieval over role profiles and by the fused
ranking that recommend serves, beside the baselines: a TF-IDF nearest role (word unigrams and
bigrams), majority and nearest role centroid. The grouped rows use the evaluation model
(models/eval/); --against, --people and --transitions use the serving model. Any ONNX classifier with input "embedding"
[N, D] and output "probabilities" [N, C] works, given its labels (--labels).

Inputs:  <workdir>/models/classifier.onnx and classifier.json, <workdir>/data/features, data/clean
Outputs: <workdir>/reports/evaluation/metrics.json, report.md, per_class.csv, confusion.csv,
         confusion.png

With --against DIR, also scores the model on another ingested and cleaned data set whose roles
match the model's labels (exactly, case-insensitively; with --onet, also through O*NET's
alternate and reported titles). With --transitions (a model trained on O*NET, and --onet), each
occupation's skills are a query and the 5 predicted roles other than itself are scored against
O*NET's Related Occupations (hit@5, precision@5), with the occupation as the current role; the
current-role weight is chosen on half of the occupations and the figures are on the other half.
With --people FILE (skillx people-bench), scores 5-skill people from real LinkedIn postings.

Examples:
  skillx evaluate --workdir .
  skillx evaluate --workdir /tmp/onet --against /tmp/linkedin --onet ../shared/datasets/onet-29.2 --transitions
  skillx evaluate --workdir /tmp/onet --people /tmp/people.csv`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			var o evaluateOptions
			o.addFlags(fs, g, true)
			return stageCommand(func() (evaluate.Config, error) {
				cfg := o.cfg
				cfg.Workdir, cfg.Version, cfg.Logger = g.workdir, version, g.log
				return cfg, needModel(g.workdir, cfg.Model, cfg.Labels)
			}, evaluate.Run, func(res *evaluate.Result) { printEvaluate(g, res) })
		},
	}
}
