package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/skillx/skillx/clean"
	"github.com/skillx/skillx/evaluate"
	"github.com/skillx/skillx/features"
	"github.com/skillx/skillx/ingest"
	"github.com/skillx/skillx/recommend"
	"github.com/skillx/skillx/train"
)

// runRecommendUsage replaces the help text of recommend's flags whose meaning differs in run.
var runRecommendUsage = map[string]string{
	"users":   "users file: after evaluate, also run recommend on it (CSV or JSON Lines; see skillx recommend --help)",
	"offline": "recommend with the offline analyst even when a Gemini API key is set",
}

// recommendRequests are the flags that ask run to recommend; recommend's other flags only
// tune it.
var recommendRequests = []string{"users", "role", "skills", "user-id"}

// addRecommendFlags registers on fs every flag of skillx recommend that fs does not have yet,
// bound to o, with "recommend:" before its help text, and returns their names. The flags fs
// has already (--model, --labels, --encoder, --model-dir) are the other stages', and run
// gives recommend the same values.
func addRecommendFlags(fs *flag.FlagSet, o *recommendOptions) []string {
	rfs := flag.NewFlagSet("recommend", flag.ContinueOnError)
	o.addFlags(rfs)
	var names []string
	rfs.VisitAll(func(f *flag.Flag) {
		if fs.Lookup(f.Name) != nil {
			return
		}
		usage := f.Usage
		if u, ok := runRecommendUsage[f.Name]; ok {
			usage = u
		}
		fs.Var(f.Value, f.Name, "recommend: "+usage)
		names = append(names, f.Name)
	})
	return names
}

// runOptions are the flags of `skillx run`: every stage's.
type runOptions struct {
	ingest    ingestOptions
	features  featuresOptions
	train     trainOptions
	evaluate  evaluateOptions
	recommend recommendOptions
	// recommendFlags are the flags that only recommend takes.
	recommendFlags []string
	// set are the flags given on the command line.
	set map[string]bool
}

// addFlags registers every stage's flags on fs and their checks on g.
func (o *runOptions) addFlags(fs *flag.FlagSet, g *globalOptions) {
	o.ingest.addFlags(fs)
	o.features.addFlags(fs, g)
	o.train.addFlags(fs, g)
	o.evaluate.addFlags(fs, g, false)
	o.recommendFlags = addRecommendFlags(fs, &o.recommend)
	g.check(func() error { return o.check(fs, g) })
}

// wantsRecommend reports whether the command line asks run to recommend.
func (o *runOptions) wantsRecommend() bool {
	return slices.ContainsFunc(recommendRequests, func(n string) bool { return o.set[n] })
}

// recommendConfig returns recommend's config, with the model and encoder of the other stages.
func (o *runOptions) recommendConfig(g *globalOptions) (recommend.Config, error) {
	cfg, err := o.recommend.config(g)
	if err != nil {
		return cfg, err
	}
	cfg.Model, cfg.Labels, cfg.Encoder = o.evaluate.cfg.Model, o.evaluate.cfg.Labels, o.features.enc
	cfg.ONET = o.evaluate.cfg.ONET // one O*NET folder: evaluate's titles, recommend's Job Zones
	return cfg, checkONET(cfg.ONET)
}

// check validates what the stages' own flag checks cannot: ingest's inputs, and recommend's
// flags (given without anything to recommend, or with bad values).
func (o *runOptions) check(fs *flag.FlagSet, g *globalOptions) error {
	o.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	if _, err := o.ingest.config(g); err != nil {
		return err
	}
	if o.wantsRecommend() {
		_, err := o.recommendConfig(g)
		return err
	}
	for _, n := range o.recommendFlags {
		if o.set[n] {
			return usagef("--%s is a recommend flag: give --users FILE (or --role and --skills) for run to recommend", n)
		}
	}
	return nil
}

// newRunCommand returns the skillx run command.
func newRunCommand() *command {
	return &command{
		name:    "run",
		summary: "run every stage in order (ingest, clean, features, train, evaluate, recommend with --users)",
		usage: `Runs every stage in order; a stage whose inputs and parameters are unchanged is skipped
(--force reruns all). Takes the flags of every stage: ingest's, features', train's, evaluate's
and recommend's (marked "recommend:" below). --model, --labels, --encoder, --model-dir and --onet
apply to every stage that reads them (recommend reads --onet's Job Zones.txt). recommend runs only with --users (or --role and --skills).
The workdir is locked once for all the stages.

Outputs: everything the stages write under <workdir>.

Examples:
  skillx run --preset kaggle --input data/sample/job_postings.csv --users data/sample/users.csv --workdir .
  skillx run --preset kaggle --input job_descriptions.csv --users people.csv --workers 16 --rpm 600 --workdir /data/kaggle
  skillx run --preset kaggle --input job_descriptions.csv --mini-batch 256 --epochs 60 --workdir /data/kaggle`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			o := &runOptions{}
			o.addFlags(fs, g)
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					hint := ""
					if o.set["batch"] {
						hint = " (--batch is recommend's Gemini Batch API switch; the training mini-batch size is --mini-batch N)"
					}
					return usagef("unexpected arguments %q%s", args, hint)
				}
				return runStages(ctx, g, o)
			}
		},
	}
}

// runStages runs every stage. A stage that finished with some records failed (exit code 3)
// does not stop the later ones; run then returns its error at the end.
func runStages(ctx context.Context, g *globalOptions, o *runOptions) error {
	var partial error
	goOn := func(err error) error {
		if err != nil && isPartial(err) {
			fmt.Fprintf(g.stderr, "skillx run: %s; going on with the next stage\n", strings.TrimPrefix(err.Error(), "run: "))
			if partial == nil {
				partial = err
			}
			return nil
		}
		return err
	}

	icfg, err := o.ingest.config(g)
	if err != nil {
		return err
	}
	ires, err := ingest.Run(ctx, icfg)
	if ires != nil {
		printIngest(g, ires)
	}
	if err := goOn(err); err != nil {
		return err
	}
	cres, err := clean.Run(ctx, clean.Config{Workdir: g.workdir, Force: g.force, Version: version, Logger: g.log})
	if cres != nil {
		printClean(g, cres)
	}
	if err := goOn(err); err != nil {
		return err
	}
	if err := needClean(g.workdir); err != nil {
		return err
	}
	fres, err := features.Run(ctx, o.features.config(g))
	if fres != nil {
		printFeatures(g, fres)
	}
	if err := goOn(err); err != nil {
		return err
	}
	if err := needFeatures(g.workdir); err != nil {
		return err
	}
	tcfg, err := o.train.config(g)
	if err != nil {
		return err
	}
	tres, err := train.Run(ctx, tcfg)
	if tres != nil {
		printTrain(g, tres)
	}
	if err := goOn(err); err != nil {
		return err
	}
	ecfg := o.evaluate.cfg
	ecfg.Workdir, ecfg.Version, ecfg.Logger, ecfg.Encoder = g.workdir, version, g.log, o.features.enc
	if err := needModel(g.workdir, ecfg.Model, ecfg.Labels); err != nil {
		return err
	}
	eres, err := evaluate.Run(ctx, ecfg)
	if eres != nil {
		printEvaluate(g, eres)
	}
	if err := goOn(err); err != nil {
		return err
	}
	if !o.wantsRecommend() {
		return partial
	}
	rcfg, err := o.recommendConfig(g)
	if err != nil {
		return err
	}
	rres, err := recommend.Run(ctx, rcfg)
	if rres != nil {
		printRecommend(g, rres, rcfg.Person != nil)
	}
	if err != nil {
		return err
	}
	return partial
}
