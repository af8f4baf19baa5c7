package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/skillx/skillx/ingest"
	"github.com/skillx/skillx/internal/tabular"
)

// ingestOptions are the flags of `skillx ingest` (and of `skillx run`).
type ingestOptions struct {
	inputs stringList
	preset string
	maps   stringList
	format string
}

func (o *ingestOptions) addFlags(fs *flag.FlagSet) {
	fs.Var(&o.inputs, "input", "source file (repeatable), or a folder for --preset onet or linkedin")
	fs.StringVar(&o.preset, "preset", "auto", "source preset: "+strings.Join(ingest.Presets, ", ")+" (auto recognises the columns)")
	fs.Var(&o.maps, "map", "field=column for a source no preset knows (repeatable; fields: role, skills, id, title, description, responsibilities)")
	fs.StringVar(&o.format, "format", "auto", "file format: auto, csv, tsv, jsonl, parquet (gzip is detected)")
}

func (o *ingestOptions) config(g *globalOptions) (ingest.Config, error) {
	m, err := ingest.ParseMapping(o.maps)
	if err != nil {
		return ingest.Config{}, usagef("%v", err)
	}
	f, err := tabular.ParseFormat(o.format)
	if err != nil {
		return ingest.Config{}, usagef("--format: %v", err)
	}
	if len(o.inputs) == 0 {
		return ingest.Config{}, usagef("no input: pass --input FILE")
	}
	return ingest.Config{Workdir: g.workdir, Inputs: o.inputs, Preset: o.preset, Map: m, Format: f,
		Force: g.force, Version: version, Logger: g.log}, nil
}

func printIngest(g *globalOptions, res *ingest.Result) {
	state := "wrote"
	if res.Skipped {
		state = "up to date"
	}
	fmt.Fprintf(g.stdout, "ingest: %s %s (%d postings; %d records in, %d joined, %d rejected -> %s)\n",
		state, res.Postings, res.RowsOut, res.RowsIn, res.Joined, res.Rejected, res.Rejects)
}

func init() {
	register(&command{
		name:    "ingest",
		summary: "read raw job postings into data/raw/postings.parquet",
		usage: `Reads job postings from CSV, TSV, JSON Lines or Parquet files (gzip allowed) through a preset
or a column mapping, and writes them in one schema.

Inputs:  --input FILE... (kaggle: job_descriptions.csv; linkedin: job_skills.csv and the
         job postings CSV, or their folder; onet: the O*NET database folder)
Outputs: <workdir>/data/raw/postings.parquet, <workdir>/data/raw/rejects.parquet (records that
         could not be read, with file, row, line and reason), and a .manifest.json beside each.

Examples:
  skillx ingest --preset kaggle --input data/sample/job_postings.csv
  skillx ingest --preset onet --input ../shared/datasets/onet-29.2 --workdir /tmp/onet
  skillx ingest --input jobs.jsonl --map role=position,skills=required_skills`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			var o ingestOptions
			o.addFlags(fs)
			return stageCommand(func() (ingest.Config, error) { return o.config(g) }, ingest.Run,
				func(res *ingest.Result) { printIngest(g, res) })
		},
	})
}
