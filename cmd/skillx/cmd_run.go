package main

import (
	"context"
	"flag"

	"github.com/skillx/skillx/clean"
	"github.com/skillx/skillx/features"
	"github.com/skillx/skillx/ingest"
)

func init() {
	register(&command{
		name:    "run",
		summary: "run every stage in order (ingest, clean, features)",
		usage: `Runs every stage in order; a stage whose inputs and parameters are unchanged is skipped
(--force reruns all). Takes the ingest and features flags.

Outputs: everything the stages write under <workdir>.

Examples:
  skillx run --preset kaggle --input data/sample/job_postings.csv --workdir .
  skillx run --preset kaggle --input job_descriptions.csv --workdir /data/kaggle`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			var o ingestOptions
			o.addFlags(fs)
			var fo featuresOptions
			fo.addFlags(fs)
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
				return nil
			}
		},
	})
}
