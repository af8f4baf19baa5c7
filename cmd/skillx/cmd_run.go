package main

import (
	"context"
	"flag"
	"path/filepath"

	"github.com/skillx/skillx/clean"
	"github.com/skillx/skillx/evaluate"
	"github.com/skillx/skillx/features"
	"github.com/skillx/skillx/ingest"
	"github.com/skillx/skillx/internal/gemini"
	"github.com/skillx/skillx/recommend"
	"github.com/skillx/skillx/train"
)

func init() {
	register(&command{
		name:    "run",
		summary: "run every stage in order (ingest, clean, features, train, evaluate, recommend with --users)",
		usage: `Runs every stage in order; a stage whose inputs and parameters are unchanged is skipped
(--force reruns all). Takes the flags of every stage.

Outputs: everything the stages write under <workdir>.

Examples:
  skillx run --preset kaggle --input data/sample/job_postings.csv --users data/sample/users.csv --workdir .
  skillx run --preset kaggle --input job_descriptions.csv --workdir /data/kaggle`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			var o ingestOptions
			o.addFlags(fs)
			var fo featuresOptions
			fo.addFlags(fs)
			var to trainOptions
			to.addFlags(fs)
			var eo evaluateOptions
			eo.addFlags(fs, false)
			var users string
			var offline bool
			fs.StringVar(&users, "users", "", "users file: also run recommend on it (see skillx recommend --help for its own flags)")
			fs.BoolVar(&offline, "offline", false, "recommend with the offline analyst even when a Gemini API key is set")
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return usagef("unexpected arguments %q", args)
				}
				cfg, err := o.config(g)
				if err != nil {
					return err
				}
				ires, err := ingest.Run(ctx, cfg)
				if err != nil {
					return err
				}
				printIngest(g, ires)
				cres, err := clean.Run(ctx, clean.Config{Workdir: g.workdir, Force: g.force, Version: version, Logger: g.log})
				if err != nil {
					return err
				}
				printClean(g, cres)
				fres, err := features.Run(ctx, fo.config(g))
				if err != nil {
					return err
				}
				printFeatures(g, fres)
				tcfg, err := to.config(g)
				if err != nil {
					return err
				}
				tres, err := train.Run(ctx, tcfg)
				if err != nil {
					return err
				}
				printTrain(g, tres)
				ecfg := eo.cfg
				ecfg.Workdir, ecfg.Version, ecfg.Logger, ecfg.Encoder = g.workdir, version, g.log, fo.enc
				eres, err := evaluate.Run(ctx, ecfg)
				if err != nil {
					return err
				}
				printEvaluate(g, eres)
				if users == "" {
					return nil
				}
				rres, err := recommend.Run(ctx, recommend.Config{
					Workdir: g.workdir, Users: users, Encoder: fo.enc, Offline: offline, Force: g.force, Version: version, Logger: g.log,
					Gemini: gemini.Config{RPM: 60, CacheDir: filepath.Join(g.workdir, ".cache", "gemini"), Logger: g.log},
				})
				if err != nil {
					return err
				}
				printRecommend(g, rres, false)
				return nil
			}
		},
	})
}
