package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/skillx/skillx/clean"
)

func printClean(g *globalOptions, res *clean.Result) {
	if res.Skipped {
		fmt.Fprintf(g.stdout, "clean: up to date %s\n", res.Paths.Postings)
		return
	}
	fmt.Fprintf(g.stdout, "clean: wrote %s (%d distinct postings, %d roles; %d duplicates merged, %d rejected)\n",
		res.Paths.Postings, res.Postings, res.Roles, res.Duplicates, res.Rejected+res.IngestRejected)
	fmt.Fprintf(g.stdout, "clean: wrote %s\nclean: wrote %s\nclean: report %s\n", res.Paths.Roles, res.Paths.Rejects, res.Paths.SummaryMD)
	if res.RowLevelSplitLeaks {
		fmt.Fprintf(g.stdout, "clean: warning: %d of %d roles have a single skills text: a row-level train/test split will leak\n",
			res.SingleTextRoles, res.Roles)
	}
}

// newCleanCommand returns the skillx clean command.
func newCleanCommand() *command {
	return &command{
		name:    "clean",
		summary: "normalise, split skills, deduplicate into data/clean",
		usage: `Normalises role names, splits skills texts into phrases, rejects postings with no role or
no skills, and merges duplicates (same role ignoring case, and the same skills text and
description after trimming and collapsing whitespace) with a count. A run that rejects more
than --max-reject-share of the raw postings fails and leaves the earlier outputs alone; its
rejects go to <workdir>/data/clean/rejects.failed.parquet.

Inputs:  <workdir>/data/raw/postings.parquet and rejects.parquet (from skillx ingest)
Outputs: <workdir>/data/clean/postings.parquet, roles.parquet, rejects.parquet (ingest's and
         clean's rejects: every source record not in postings is here, with its reason),
         <workdir>/reports/clean/summary.md and summary.json, a .manifest.json beside each.

Example:
  skillx clean --workdir .`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			share := fs.Float64("max-reject-share", clean.DefaultMaxRejectShare, "fail, publishing nothing, when clean rejects more than this share of the raw postings (0 to 1; 1 never fails)")
			return stageCommand(func() (clean.Config, error) {
				if *share < 0 || *share > 1 {
					return clean.Config{}, usagef("--max-reject-share %g: want a number from 0 to 1", *share)
				}
				return clean.Config{Workdir: g.workdir, Force: g.force, Version: version, Logger: g.log,
					MaxRejectShare: rejectShareConfig(*share)}, nil
			}, clean.Run, func(res *clean.Result) { printClean(g, res) })
		},
	}
}
