package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/skillx/skillx/internal/atomicfile"
	"github.com/skillx/skillx/internal/bertmodel"
)

// newTestModelCommand returns the skillx testmodel command.
func newTestModelCommand() *command {
	return &command{
		name:     "testmodel",
		readOnly: true,
		summary:  "write a random-weight BERT-shaped encoder (for tests and benchmarks)",
		usage: `Writes a BERT-shaped sentence encoder with random weights from a fixed seed, with the inputs,
outputs and operators of a real all-MiniLM-L6-v2 export, so that the ONNX Runtime path of the
pipeline can be run and timed where the real weights cannot be downloaded. Its vectors carry
no meaning: use it to test and benchmark, never to evaluate accuracy.

Outputs: --out DIR/onnx/model.onnx and DIR/tokenizer.json (a copy of --tokenizer).

Example:
  skillx testmodel --shape minilm --tokenizer ../shared/models/all-MiniLM-L6-v2/tokenizer.json --out /tmp/minilm-shaped`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			var shape, tok, out string
			var seed uint64
			fs.StringVar(&shape, "shape", "minilm", "tiny (hidden 32, 2 layers) or minilm (MiniLM-L6's exact shape)")
			fs.StringVar(&tok, "tokenizer", "", "tokenizer.json to copy beside the model (required)")
			fs.StringVar(&out, "out", "", "folder to write (required)")
			fs.Uint64Var(&seed, "seed", 1, "weight seed")
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return usagef("unexpected arguments %q", args)
				}
				if out == "" || tok == "" {
					return usagef("--out and --tokenizer are required")
				}
				var cfg bertmodel.Config
				switch shape {
				case "tiny":
					cfg = bertmodel.Tiny()
				case "minilm":
					cfg = bertmodel.MiniLML6()
				default:
					return usagef("--shape %q: want tiny or minilm", shape)
				}
				cfg.Seed = seed
				data, err := os.ReadFile(tok)
				if err != nil {
					return fmt.Errorf("testmodel: %w", err)
				}
				sum, err := bertmodel.WriteFile(filepath.Join(out, "onnx", "model.onnx"), cfg)
				if err != nil {
					return fmt.Errorf("testmodel: %w", err)
				}
				if err := atomicfile.WriteFile(filepath.Join(out, "tokenizer.json"), data); err != nil {
					return fmt.Errorf("testmodel: %w", err)
				}
				fmt.Fprintf(g.stdout, "testmodel: wrote %s (%s shape, random weights, sha256 %.12s)\n", out, shape, sum)
				return nil
			}
		},
	}
}
