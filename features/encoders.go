package features

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/skillx/skillx/internal/encoder"
)

// Encoder kinds accepted by EncoderOptions.Kind.
const (
	EncoderAuto    = "auto"
	EncoderMiniLM  = "minilm"
	EncoderHashing = "hashing"
	EncoderCorpus  = "corpus"
)

// FallbackEncoder is the kind auto chooses when the MiniLM files are absent. The corpus
// encoder was chosen over hashing by measurement (README, "Choosing the fallback encoder").
const FallbackEncoder = EncoderCorpus

// EncoderOptions choose and configure an encoder.
type EncoderOptions struct {
	// Kind is auto (MiniLM when its files exist, else FallbackEncoder), minilm, corpus or
	// hashing.
	Kind string
	// ModelDir holds onnx/model.onnx (or model.onnx) and tokenizer.json; "" means
	// <workdir>/models/all-MiniLM-L6-v2.
	ModelDir string
	// BatchSize, Threads and MaxLength tune the ONNX encoder (0: its defaults).
	BatchSize, Threads, MaxLength int
}

// Resolved is the outcome of choosing an encoder: which kind, which files, and why.
type Resolved struct {
	// Kind is minilm, corpus or hashing.
	Kind string
	// Model and Tokenizer are the MiniLM files (empty for the others).
	Model, Tokenizer string
	// Corpus and TFIDF are the corpus encoder's files under data/features (empty for the
	// others); features writes them, the later stages read them.
	Corpus, TFIDF string
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
	case EncoderCorpus:
		return corpusResolved(workdir, ""), nil
	case EncoderMiniLM:
		if !have {
			return Resolved{}, fmt.Errorf("minilm encoder: %s and %s are needed; run `make models` on a connected machine, pass --model-dir, or use --encoder hashing", model, tok)
		}
		return Resolved{Kind: EncoderMiniLM, Model: model, Tokenizer: tok}, nil
	case EncoderAuto, "":
		if have {
			return Resolved{Kind: EncoderMiniLM, Model: model, Tokenizer: tok}, nil
		}
		why := fmt.Sprintf("the MiniLM model was not found at %s (run `make models` on a connected machine); using the %s encoder", dir, FallbackEncoder)
		if FallbackEncoder == EncoderCorpus {
			return corpusResolved(workdir, why), nil
		}
		return Resolved{Kind: EncoderHashing, Fallback: why}, nil
	}
	return Resolved{}, fmt.Errorf("unknown encoder %q: want auto, minilm, corpus or hashing", opts.Kind)
}

func corpusResolved(workdir, fallback string) Resolved {
	return Resolved{Kind: EncoderCorpus, Corpus: CorpusPath(workdir), TFIDF: TFIDFPath(workdir), Fallback: fallback}
}

// CorpusPath returns where features writes the corpus encoder under workdir.
func CorpusPath(workdir string) string {
	return filepath.Join(workdir, "data", "features", "corpus.bin")
}

// KindOf returns the encoder kind of an encoder id ("" when the id is empty).
func KindOf(id string) string {
	switch {
	case id == "":
		return ""
	case strings.HasPrefix(id, "hashing"):
		return EncoderHashing
	case strings.HasPrefix(id, "corpus"):
		return EncoderCorpus
	}
	return EncoderMiniLM
}

// Open loads the resolved encoder.
func (r Resolved) Open(opts EncoderOptions) (encoder.Encoder, error) {
	switch r.Kind {
	case EncoderHashing:
		return encoder.Hashing(0), nil
	case EncoderCorpus:
		if !fileExists(r.Corpus) {
			return nil, fmt.Errorf("the corpus encoder %s was not found: run `skillx features` first", r.Corpus)
		}
		return encoder.OpenCorpus(r.Corpus, r.TFIDF)
	}
	return encoder.NewONNX(encoder.ONNXConfig{
		Model: r.Model, Tokenizer: r.Tokenizer, BatchSize: opts.BatchSize, Threads: opts.Threads, MaxLength: opts.MaxLength,
	})
}

// Files returns the model files the encoder reads (for manifests). The corpus encoder's
// files are features' own outputs, so it reads none before features runs.
func (r Resolved) Files() []string {
	if r.Kind != EncoderMiniLM {
		return nil
	}
	return []string{r.Model, r.Tokenizer}
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
