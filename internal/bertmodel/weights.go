package bertmodel

import (
	"math"
	"math/rand/v2"
)

// Dense is a fully connected layer y = x·W + B, with W of shape [In, Out] in row-major order
// (the layout of the MatMul initializers in an exported model).
type Dense struct {
	In, Out int
	W       []float32
	B       []float32
}

// LayerNorm holds the scale (Gamma) and shift (Beta) of a layer normalisation.
type LayerNorm struct {
	Gamma, Beta []float32
}

// Layer holds one transformer layer's parameters.
type Layer struct {
	// Query, Key, Value and AttentionOutput are the self-attention projections.
	Query, Key, Value, AttentionOutput Dense
	// AttentionNorm normalises the attention block's output plus its input.
	AttentionNorm LayerNorm
	// Intermediate and Output are the feed-forward block's two projections.
	Intermediate, Output Dense
	// OutputNorm normalises the feed-forward block's output plus its input.
	OutputNorm LayerNorm
}

// Weights holds every parameter of a BERT encoder of shape Config.
type Weights struct {
	Config Config
	// WordEmbeddings is [VocabSize, Hidden].
	WordEmbeddings []float32
	// PositionEmbeddings is [MaxPositions, Hidden].
	PositionEmbeddings []float32
	// TokenTypeEmbeddings is [TypeVocabSize, Hidden].
	TokenTypeEmbeddings []float32
	// EmbeddingNorm normalises the sum of the three embeddings.
	EmbeddingNorm LayerNorm
	Layers        []Layer
}

// initStd is the standard deviation of the random weights, BERT's initializer_range.
const initStd = 0.02

// normals draws normally distributed numbers from a PCG stream with the Box-Muller transform,
// written out here so that a seed gives the same weights whatever Go's rand package does.
type normals struct {
	src   *rand.PCG
	spare float64
	has   bool
}

func (n *normals) next() float64 {
	if n.has {
		n.has = false
		return n.spare
	}
	u1 := (float64(n.src.Uint64()>>11) + 0.5) / (1 << 53) // in (0, 1)
	u2 := float64(n.src.Uint64()>>11) / (1 << 53)
	r := math.Sqrt(-2 * math.Log(u1))
	n.spare, n.has = r*math.Sin(2*math.Pi*u2), true
	return r * math.Cos(2*math.Pi*u2)
}

// fill returns size numbers mean + std·N(0, 1) as float32.
func (n *normals) fill(size int, mean, std float64) []float32 {
	v := make([]float32, size)
	for i := range v {
		v[i] = float32(mean + std*n.next())
	}
	return v
}

func (n *normals) dense(in, out int) Dense {
	return Dense{In: in, Out: out, W: n.fill(in*out, 0, initStd), B: n.fill(out, 0, initStd)}
}

func (n *normals) norm(size int) LayerNorm {
	return LayerNorm{Gamma: n.fill(size, 1, initStd), Beta: n.fill(size, 0, initStd)}
}

// NewWeights draws the parameters of a model of shape cfg from cfg.Seed: weights, biases and
// LayerNorm shifts from N(0, 0.02²), LayerNorm scales from N(1, 0.02²). The same Config gives
// the same weights. It panics if cfg is invalid (see Config.Validate).
func NewWeights(cfg Config) *Weights {
	if err := cfg.Validate(); err != nil {
		panic("bertmodel.NewWeights: " + err.Error())
	}
	rng := &normals{src: rand.NewPCG(cfg.Seed, 0x736b696c6c78)} // "skillx"
	h := cfg.Hidden
	w := &Weights{
		Config:              cfg,
		WordEmbeddings:      rng.fill(cfg.VocabSize*h, 0, initStd),
		PositionEmbeddings:  rng.fill(cfg.MaxPositions*h, 0, initStd),
		TokenTypeEmbeddings: rng.fill(TypeVocabSize*h, 0, initStd),
		EmbeddingNorm:       rng.norm(h),
		Layers:              make([]Layer, cfg.Layers),
	}
	for i := range w.Layers {
		w.Layers[i] = Layer{
			Query:           rng.dense(h, h),
			Key:             rng.dense(h, h),
			Value:           rng.dense(h, h),
			AttentionOutput: rng.dense(h, h),
			AttentionNorm:   rng.norm(h),
			Intermediate:    rng.dense(h, cfg.Intermediate),
			Output:          rng.dense(cfg.Intermediate, h),
			OutputNorm:      rng.norm(h),
		}
	}
	return w
}
