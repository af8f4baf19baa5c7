package encoder

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/skillx/skillx/internal/layout"
)

// Encoder kinds accepted by Options.Kind.
const (
	KindAuto    = "auto"
	KindMiniLM  = "minilm"
	KindHashing = "hashing"
	KindCorpus  = "corpus"
)

// FallbackKind is the kind auto chooses when the MiniLM files are absent. The corpus encoder
// was chosen over hashing by measurement (README, "Choosing the fallback encoder").
const FallbackKind = KindCorpus

// Options choose and configure an encoder.
type Options struct {
	// Kind is auto (MiniLM when its files exist, else FallbackKind), minilm, corpus or hashing.
	Kind string
	// ModelDir holds onnx/model.onnx (or model.onnx) and tokenizer.json; "" means
	// <workdir>/models/all-MiniLM-L6-v2.
	ModelDir string
	// BatchSize, Threads and MaxLength tune the ONNX encoder (0: its defaults).
	BatchSize, Threads, MaxLength int
}

// Choice is the outcome of choosing an encoder: which kind, which files, and why.
type Choice struct {
	// Kind is minilm, corpus or hashing.
	Kind string
	// Model and Tokenizer are the MiniLM files (empty for the others).
	Model, Tokenizer string
	// Corpus and TFIDF are the corpus encoder's files under data/features (empty for the
	// others); features writes them, the later stages read them.
	Corpus, TFIDF string
	// Fallback explains why a fallback encoder stands in for MiniLM ("" when it does not).
	Fallback string
}

// Resolve decides which encoder opts mean for workdir, without loading anything.
func (opts Options) Resolve(workdir string) (Choice, error) {
	dir := opts.ModelDir
	if dir == "" {
		dir = layout.MiniLMDir(workdir)
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
	case KindHashing:
		return Choice{Kind: KindHashing}, nil
	case KindCorpus:
		return corpusChoice(workdir, ""), nil
	case KindMiniLM:
		if !have {
			return Choice{}, fmt.Errorf("minilm encoder: %s and %s are needed; run `make models` on a connected machine, pass --model-dir, or use --encoder %s", model, tok, FallbackKind)
		}
		return Choice{Kind: KindMiniLM, Model: model, Tokenizer: tok}, nil
	case KindAuto, "":
		if have {
			return Choice{Kind: KindMiniLM, Model: model, Tokenizer: tok}, nil
		}
		why := fmt.Sprintf("the MiniLM model was not found at %s (run `make models` on a connected machine); using the %s encoder", dir, FallbackKind)
		if FallbackKind == KindCorpus {
			return corpusChoice(workdir, why), nil
		}
		return Choice{Kind: KindHashing, Fallback: why}, nil
	}
	return Choice{}, fmt.Errorf("unknown encoder %q: want auto, minilm, corpus or hashing", opts.Kind)
}

func corpusChoice(workdir, fallback string) Choice {
	return Choice{Kind: KindCorpus, Corpus: layout.Corpus(workdir), TFIDF: layout.TFIDF(workdir), Fallback: fallback}
}

// KindOf returns the encoder kind of an encoder id ("" when the id is empty).
func KindOf(id string) string {
	switch {
	case id == "":
		return ""
	case strings.HasPrefix(id, "hashing"):
		return KindHashing
	case strings.HasPrefix(id, "corpus"):
		return KindCorpus
	}
	return KindMiniLM
}

// Open loads the chosen encoder.
func (c Choice) Open(opts Options) (Encoder, error) {
	switch c.Kind {
	case KindHashing:
		return Hashing(0), nil
	case KindCorpus:
		if !fileExists(c.Corpus) {
			return nil, fmt.Errorf("the corpus encoder %s was not found: run `skillx features` first", c.Corpus)
		}
		return OpenCorpus(c.Corpus, c.TFIDF)
	}
	return NewONNX(ONNXConfig{
		Model: c.Model, Tokenizer: c.Tokenizer, BatchSize: opts.BatchSize, Threads: opts.Threads, MaxLength: opts.MaxLength,
	})
}

// Files returns the model files the encoder reads (for manifests). The corpus encoder's
// files are features' own outputs, so it reads none before features runs.
func (c Choice) Files() []string {
	if c.Kind != KindMiniLM {
		return nil
	}
	return []string{c.Model, c.Tokenizer}
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
