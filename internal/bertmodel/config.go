package bertmodel

import (
	"errors"
	"fmt"
)

// TypeVocabSize is the number of token types (segments) that BERT models embed.
const TypeVocabSize = 2

// LayerNormEpsilon is the epsilon of every LayerNormalization, as in BERT.
const LayerNormEpsilon = 1e-12

// Config is the shape of a BERT encoder and the seed of its random weights.
type Config struct {
	// VocabSize is the number of word-piece ids the word embedding table holds.
	VocabSize int
	// Hidden is the width of every token vector.
	Hidden int
	// Layers is the number of transformer layers.
	Layers int
	// Heads is the number of attention heads; it must divide Hidden.
	Heads int
	// Intermediate is the width of each feed-forward block.
	Intermediate int
	// MaxPositions is the longest sequence the position embeddings cover.
	MaxPositions int
	// Seed selects the random weights.
	Seed uint64
	// Pooled makes the model output sentence_embedding [batch, hidden] (mean pooling over
	// the attention mask and L2 normalisation) instead of last_hidden_state.
	Pooled bool
}

// MiniLML6 returns the shape of sentence-transformers/all-MiniLM-L6-v2.
func MiniLML6() Config {
	return Config{VocabSize: 30522, Hidden: 384, Layers: 6, Heads: 12, Intermediate: 1536, MaxPositions: 512, Seed: 1}
}

// Tiny returns a small encoder (hidden 32, 2 layers, 4 heads) whose vocabulary is the real
// tokenizer's, so that its ids fit; its file is about 4 MB.
func Tiny() Config {
	return Config{VocabSize: 30522, Hidden: 32, Layers: 2, Heads: 4, Intermediate: 64, MaxPositions: 512, Seed: 1}
}

// Validate reports every field of c that cannot make a model.
func (c Config) Validate() error {
	var errs []error
	for _, f := range []struct {
		name string
		v    int
	}{{"vocab size", c.VocabSize}, {"hidden", c.Hidden}, {"layers", c.Layers}, {"heads", c.Heads},
		{"intermediate", c.Intermediate}, {"max positions", c.MaxPositions}} {
		if f.v <= 0 {
			errs = append(errs, fmt.Errorf("%s is %d; want > 0", f.name, f.v))
		}
	}
	if c.Heads > 0 && c.Hidden%c.Heads != 0 {
		errs = append(errs, fmt.Errorf("hidden %d is not a multiple of heads %d", c.Hidden, c.Heads))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("invalid bert config: %w", err)
	}
	return nil
}

// HeadSize returns the width of one attention head.
func (c Config) HeadSize() int { return c.Hidden / c.Heads }
