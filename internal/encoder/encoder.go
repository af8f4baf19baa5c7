package encoder

import (
	"context"
	"fmt"

	"github.com/skillx/skillx/internal/hashenc"
)

// Encoder turns texts into L2-normalised vectors of Dim dimensions.
type Encoder interface {
	// ID names the encoder and its weights, for example "minilm:1a2b3c4d5e6f" (the first 12
	// hex digits of the model file's sha256) or "hashing-v1-384". Every manifest records it;
	// vectors of different ids are never mixed.
	ID() string
	// Dim returns the number of dimensions of every vector.
	Dim() int
	// Encode returns one vector per text, in input order.
	Encode(ctx context.Context, texts []string) ([][]float32, error)
	// Close frees what the encoder holds; the encoder is unusable afterwards.
	Close() error
}

// hashing adapts the feature-hashing encoder of package hashenc to Encoder.
type hashing struct {
	enc *hashenc.Encoder
}

// Hashing returns the model-free feature-hashing encoder (package hashenc) of dim dimensions
// (0 means hashenc.Dim, 384) as an Encoder. A text without words gets the zero vector, the
// only vector it returns that is not of unit norm. It panics if dim is negative.
func Hashing(dim int) Encoder {
	return hashing{enc: hashenc.New(dim)}
}

func (h hashing) ID() string { return h.enc.ID() }

func (h hashing) Dim() int { return h.enc.Dim() }

func (h hashing) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("encode %d texts with %s: %w", len(texts), h.enc.ID(), err)
	}
	return h.enc.EncodeBatch(texts), nil
}

func (h hashing) Close() error { return nil }
