package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/skillx/skillx/internal/benchdata"
)

// newBenchDataCommand returns the skillx bench-data command.
func newBenchDataCommand() *command {
	return &command{
		name:     "bench-data",
		readOnly: true,
		summary:  "generate a large Kaggle-shaped CSV for benchmarks",
		usage: `Writes a Kaggle-shaped CSV (job_descriptions.csv's 23 columns) of --rows rows by resampling the
rows of --source with the varying columns (ids, locations, salaries, dates, contacts, companies)
varied, so that the (Role, skills, Job Description) combinations stay the source's.

Inputs:  --source CSV (default data/sample/job_postings.csv; the real Kaggle sample works too)
Outputs: --output CSV, written atomically.

Example:
  skillx bench-data --rows 1600000 --source data/sample/job_postings.csv --output bench/out/kaggle-1600000.csv`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			var (
				rows     int64
				seed     int64
				src, dst string
			)
			fs.Int64Var(&rows, "rows", 1_600_000, "rows to generate")
			fs.Int64Var(&seed, "seed", 1, "random seed")
			fs.StringVar(&src, "source", "data/sample/job_postings.csv", "Kaggle-shaped CSV to resample")
			fs.StringVar(&dst, "output", "", "CSV to write (required)")
			g.check(func() error {
				if rows <= 0 {
					return usagef("--rows %d: want 1 or more", rows)
				}
				return nil
			})
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return usagef("unexpected arguments %q", args)
				}
				if dst == "" {
					return usagef("--output is required")
				}
				st, err := benchdata.Generate(ctx, src, dst, benchdata.Options{Rows: rows, Seed: seed})
				if err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "bench-data: wrote %s (%d rows, %d MB; %d source combinations, %d source rows skipped)\n",
					dst, st.Rows, st.Bytes/1_000_000, st.Combinations, st.SkippedRows())
				return nil
			}
		},
	}
}
