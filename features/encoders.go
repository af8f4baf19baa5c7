package features

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/skillx/skillx/internal/encoder"
)

// Encoder kinds accepted by EncoderOptions.Kind.
const (
	EncoderAuto    = "auto"
	EncoderMiniLM  = "minilm"
	EncoderHashing = "hashing"
)

// EncoderOptions choose and configure an encoder.
type EncoderOptions struct {
	// Kind is auto (MiniLM when its files exist, else hashing), minilm or hashing.
	Kind string
	// ModelDir holds onnx/model.onnx (or model.onnx) and tokenizer.json; "" means
	// <workdir>/models/all-MiniLM-L6-v2.
	ModelDir string
	// BatchSize, Threads and MaxLength tune the ONNX encoder (0: its defaults).
	BatchSize, Threads, MaxLength int
}

// Resolved is the outcome of choosing an encoder: which kind, which files, and why.
type Resolved struct {
	// Kind is minilm or hashing.
	Kind string
	// Model and Tokenizer are the MiniLM files (empty for hashing).
	Model, Tokenizer string
	// Fallback explains why the hashing encoder stands in for MiniLM ("" when it does not).
	Fallback string
}

// DefaultModelDir returns where `make models` puts all-MiniLM-L6-v2 under workdir.
func DefaultModelDir(workdir string) string {
	return filepath.Join(workdir, "models", "all-MiniLM-L6-v2")
}

// Resolve decides which encoder opts mean, without loading anything.
func (opts EncoderOptions) Resolve(workdir string) (Resolved, error) {
	dir := opts.ModelDir
	if dir == "" {
		dir = DefaultModelDir(workdir)
	}
	model := filepath.Join(dir, "onnx", "model.onnx")
	if _, err := os.Stat(model); err != nil {
		if alt := filepath.Join(dir, "model.onnx"); fileExists(alt) {
			model = alt
		}
	}
	tok := filepath.Join(dir, "tokenizer.json")
	if !fileExists(tok) && fileExists(filepath.Join(dir, "vocab.txt")) {
		tok = filepath.Join(dir, "vocab.txt")
	}
	have := fileExists(model) && fileExists(tok)
	switch opts.Kind {
	case EncoderHashing:
		return Resolved{Kind: EncoderHashing}, nil
	case EncoderMiniLM:
		if !have {
			return Resolved{}, fmt.Errorf("minilm encoder: %s and %s are needed; run `make models` on a connected machine, pass --model-dir, or use --encoder hashing", model, tok)
		}
		return Resolved{Kind: EncoderMiniLM, Model: model, Tokenizer: tok}, nil
	case EncoderAuto, "":
		if have {
			return Resolved{Kind: EncoderMiniLM, Model: model, Tokenizer: tok}, nil
		}
		return Resolved{Kind: EncoderHashing, Fallback: fmt.Sprintf("the MiniLM model was not found at %s (run `make models` on a connected machine); using the hashing encoder", dir)}, nil
	}
	return Resolved{}, fmt.Errorf("unknown encoder %q: want auto, minilm or hashing", opts.Kind)
}

// Open loads the resolved encoder.
func (r Resolved) Open(opts EncoderOptions) (encoder.Encoder, error) {
	if r.Kind == EncoderHashing {
		return encoder.Hashing(0), nil
	}
	return encoder.NewONNX(encoder.ONNXConfig{
		Model: r.Model, Tokenizer: r.Tokenizer, BatchSize: opts.BatchSize, Threads: opts.Threads, MaxLength: opts.MaxLength,
	})
}

// Files returns the model files the encoder reads (for manifests).
func (r Resolved) Files() []string {
	if r.Kind == EncoderHashing {
		return nil
	}
	return []string{r.Model, r.Tokenizer}
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
