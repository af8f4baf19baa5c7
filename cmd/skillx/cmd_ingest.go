package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"strings"

	"github.com/skillx/skillx/ingest"
	"github.com/skillx/skillx/internal/tabular"
)

// ingestOptions are the flags of `skillx ingest` (and of `skillx run`).
type ingestOptions struct {
	inputs         stringList
	preset         string
	maps           stringList
	format         string
	encoding       string
	maxRejectShare float64
}

func (o *ingestOptions) addFlags(fs *flag.FlagSet) {
	fs.Var(&o.inputs, "input", "source file (repeatable), or a folder for --preset onet or linkedin")
	fs.StringVar(&o.preset, "preset", "auto", "source preset: "+strings.Join(ingest.Presets, ", ")+" (auto recognises the columns)")
	fs.Var(&o.maps, "map", "field=column for a source no preset knows (repeatable; fields: role, skills, id, title, description, responsibilities)")
	fs.StringVar(&o.format, "format", "auto", "file format: auto, csv, tsv, jsonl, parquet (gzip is detected)")
	fs.StringVar(&o.encoding, "encoding", "auto", "text encoding of CSV/TSV sources: auto (UTF-8, and Windows-1252 for fields that are not UTF-8), utf-8, windows-1252, latin-1")
	fs.Float64Var(&o.maxRejectShare, "max-reject-share", ingest.DefaultMaxRejectShare, "fail, publishing nothing, when more than this share of the records is rejected (0 to 1; 1 never fails)")
}

// rejectShare returns --max-reject-share as the stages' configs take it (0 there means the
// default, so 0 here becomes the smallest positive share: any reject fails the run).
func (o *ingestOptions) rejectShare() float64 { return rejectShareConfig(o.maxRejectShare) }

// rejectShareConfig turns a --max-reject-share value into a MaxRejectShare for ingest.Config
// and clean.Config, where 0 means the default.
func rejectShareConfig(flag float64) float64 {
	if flag == 0 {
		return math.SmallestNonzeroFloat64
	}
	return flag
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
	enc, err := tabular.ParseEncoding(o.encoding)
	if err != nil {
		return ingest.Config{}, usagef("--encoding: %v", err)
	}
	if o.maxRejectShare < 0 || o.maxRejectShare > 1 {
		return ingest.Config{}, usagef("--max-reject-share %g: want a number from 0 to 1", o.maxRejectShare)
	}
	if len(o.inputs) == 0 {
		return ingest.Config{}, usagef("no input: pass --input FILE")
	}
	return ingest.Config{Workdir: g.workdir, Inputs: o.inputs, Preset: o.preset, Map: m, Format: f,
		Encoding: enc, MaxRejectShare: o.rejectShare(), Force: g.force, Version: version, Logger: g.log}, nil
}

func printIngest(g *globalOptions, res *ingest.Result) {
	state := "wrote"
	if res.Skipped {
		state = "up to date"
	}
	fmt.Fprintf(g.stdout, "ingest: %s %s (%d postings; %d records in, %d joined, %d rejected -> %s)\n",
		state, res.Postings, res.RowsOut, res.RowsIn, res.Joined, res.Rejected, res.Rejects)
}

// newIngestCommand returns the skillx ingest command.
func newIngestCommand() *command {
	return &command{
		name:    "ingest",
		summary: "read raw job postings into data/raw/postings.parquet",
		usage: `Reads job postings from CSV, TSV, JSON Lines or Parquet files (gzip allowed) through a preset
or a column mapping, and writes them in one schema.

Inputs:  --input FILE... (kaggle: job_descriptions.csv; linkedin: job_skills.csv and the
         job postings CSV, or their folder; onet: the O*NET database folder)
Outputs: <workdir>/data/raw/postings.parquet, <workdir>/data/raw/rejects.parquet (records that
         could not be read, with file, row, line and reason), and a .manifest.json beside each.
         A run that rejects more than --max-reject-share of the records fails and leaves the
         earlier outputs alone; its rejects go to <workdir>/data/raw/rejects.failed.parquet.

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
	}
}
