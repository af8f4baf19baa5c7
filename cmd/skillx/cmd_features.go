package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/skillx/skillx/features"
	"github.com/skillx/skillx/internal/encoder"
)

// featuresOptions are the flags of `skillx features` (and of `skillx run`).
type featuresOptions struct {
	enc     encoder.Options
	samples int
	seed    uint64
}

// addFlags registers the features flags on fs and their checks on g.
func (o *featuresOptions) addFlags(fs *flag.FlagSet, g *globalOptions) {
	fs.StringVar(&o.enc.Kind, "encoder", encoder.KindAuto, "encoder: auto (minilm when its files exist, else "+encoder.FallbackKind+"), minilm, corpus (fitted on the postings), hashing")
	fs.StringVar(&o.enc.ModelDir, "model-dir", "", "folder with onnx/model.onnx and tokenizer.json (default <workdir>/models/all-MiniLM-L6-v2)")
	fs.IntVar(&o.enc.BatchSize, "batch-size", 0, "texts per ONNX Runtime run (0: 32)")
	fs.IntVar(&o.enc.Threads, "threads", 0, "ONNX Runtime intra-op threads (0: all cores)")
	fs.IntVar(&o.enc.MaxLength, "max-length", 0, "word pieces per text, [CLS] and [SEP] included (0: 256)")
	fs.IntVar(&o.samples, "samples", features.DefaultSamples, "samples of 3 to 6 phrases added per posting")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed of the samples")
	g.check(atLeast("batch-size", &o.enc.BatchSize, 0), atLeast("threads", &o.enc.Threads, 0),
		zeroOrAtLeast("max-length", &o.enc.MaxLength, 2), atLeast("samples", &o.samples, 0))
}

// needClean fails, naming the stage to run, when workdir has no cleaned postings.
func needClean(workdir string) error {
	p := filepath.Join(workdir, "data", "clean", "postings.parquet")
	if !fileExists(p) {
		return fmt.Errorf("no cleaned postings in %s: run `skillx clean` first", filepath.Dir(p))
	}
	return nil
}

func (o *featuresOptions) config(g *globalOptions) features.Config {
	return features.Config{Workdir: g.workdir, Encoder: o.enc, Samples: o.samples, Seed: o.seed,
		Force: g.force, Version: version, Logger: g.log}
}

func printFeatures(g *globalOptions, res *features.Result) {
	if res.Skipped {
		fmt.Fprintf(g.stdout, "features: up to date %s (%s)\n", res.Examples, res.Encoder)
		return
	}
	rate := ""
	if res.Embedded > 0 && res.EmbedSeconds > 0 {
		rate = fmt.Sprintf(", %.0f texts/s", float64(res.Embedded)/res.EmbedSeconds)
	}
	fmt.Fprintf(g.stdout, "features: wrote %s (%d examples from %d postings)\n", res.Examples, res.ExampleRows, res.Postings)
	fmt.Fprintf(g.stdout, "features: wrote %s (%d distinct texts: %d from the cache, %d embedded%s; encoder %s)\n",
		res.Embeddings, res.DistinctTexts, res.CacheHits, res.Embedded, rate, res.Encoder)
	if res.Fallback != "" {
		fmt.Fprintf(g.stdout, "features: note: %s\n", res.Fallback)
	}
}

// newFeaturesCommand returns the skillx features command.
func newFeaturesCommand() *command {
	return &command{
		name:    "features",
		summary: "embed distinct texts and write the training examples",
		usage: `Builds the distinct texts of data/clean (each posting's skill phrases joined with ", ", --samples
seeded samples of 3 to 6 phrases per posting, every skill phrase and role name) and embeds
each once. Vectors are cached by encoder id and text sha256: a rerun embeds only new texts.
Without the MiniLM files the hashing encoder is used, and the outputs say so.

Inputs:  <workdir>/data/clean/postings.parquet, roles.parquet; the MiniLM model and tokenizer
Outputs: <workdir>/data/features/embeddings.arrow (Arrow IPC: encoder, hash, text, vector),
         <workdir>/data/features/examples.parquet (text_hash, text, role, weight, group, kind),
         a .manifest.json beside each.

Examples:
  skillx features --workdir .
  skillx features --encoder hashing --samples 8 --workdir /data/kaggle`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			var o featuresOptions
			o.addFlags(fs, g)
			return stageCommand(func() (features.Config, error) { return o.config(g), needClean(g.workdir) }, features.Run,
				func(res *features.Result) { printFeatures(g, res) })
		},
	}
}
