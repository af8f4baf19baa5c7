package mlp

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Model is a trained network. Layer l (0 ≤ l < len(W)) maps Sizes()[l] inputs to
// Sizes()[l+1] outputs: W[l] is its weight matrix, row-major with shape [out, in] (as
// PyTorch's nn.Linear and ONNX Gemm with transB=1), B[l] its bias of length out. Every layer
// but the last is followed by ReLU, the last by softmax.
type Model struct {
	// Config is the configuration the model was trained with, defaults filled in.
	Config
	W [][]float32
	B [][]float32
}

// Sizes returns the layer widths: Input, the hidden widths, Classes.
func (m *Model) Sizes() []int { return m.sizes() }

// check reports whether m's weights have the shapes its Config calls for.
func (m *Model) check() error {
	s := m.sizes()
	if len(m.W) != len(s)-1 || len(m.B) != len(s)-1 {
		return fmt.Errorf("model has %d weight and %d bias tensors; want %d of each", len(m.W), len(m.B), len(s)-1)
	}
	for l := range len(s) - 1 {
		if len(m.W[l]) != s[l+1]*s[l] || len(m.B[l]) != s[l+1] {
			return fmt.Errorf("layer %d has %d weights and %d biases; want %d×%d and %d", l, len(m.W[l]), len(m.B[l]), s[l+1], s[l], s[l+1])
		}
	}
	return nil
}

// newModel returns a model with PyTorch nn.Linear's default initialisation, drawn from a
// generator seeded by cfg.Seed: weights and biases of a layer with in inputs uniform in
// [-1/√in, 1/√in].
func newModel(cfg Config) *Model {
	rng := newRand(cfg.Seed, streamInit)
	s := cfg.sizes()
	m := &Model{Config: cfg, W: make([][]float32, len(s)-1), B: make([][]float32, len(s)-1)}
	for l := range len(s) - 1 {
		bound := float32(1 / math.Sqrt(float64(s[l])))
		m.W[l] = make([]float32, s[l+1]*s[l])
		m.B[l] = make([]float32, s[l+1])
		for _, t := range [][]float32{m.W[l], m.B[l]} {
			for i := range t {
				t[i] = (2*uniform32(rng) - 1) * bound
			}
		}
	}
	return m
}

// Random streams: one per use of the seed.
const (
	streamInit    = 0x9e3779b97f4a7c15
	streamShuffle = 0xbf58476d1ce4e5b9
)

// newRand returns a PCG generator for one stream of the seed. Only Uint64 is used from it,
// whose sequence math/rand/v2 specifies, so results do not change with the Go version.
func newRand(seed, stream uint64) *rand.PCG { return rand.NewPCG(seed, stream) }

// uniform32 returns a float32 uniform in [0, 1) with 24 random bits.
func uniform32(r *rand.PCG) float32 { return float32(r.Uint64()>>40) * (1.0 / (1 << 24)) }

// shuffle permutes p with a Fisher–Yates shuffle drawing from r.
func shuffle(r *rand.PCG, p []int32) {
	for i := len(p) - 1; i > 0; i-- {
		j := boundedRand(r, uint64(i+1))
		p[i], p[j] = p[j], p[i]
	}
}

// boundedRand returns a uniform integer in [0, n) (Lemire's multiply-and-reject method).
func boundedRand(r *rand.PCG, n uint64) uint64 {
	for {
		hi, lo := mul64(r.Uint64(), n)
		if lo >= n || lo >= (-n)%n {
			return hi
		}
	}
}

// clone returns a deep copy of m.
func (m *Model) clone() *Model {
	c := &Model{Config: m.Config, W: make([][]float32, len(m.W)), B: make([][]float32, len(m.B))}
	c.Hidden = append([]int(nil), m.Hidden...)
	for l := range m.W {
		c.W[l] = append([]float32(nil), m.W[l]...)
		c.B[l] = append([]float32(nil), m.B[l]...)
	}
	return c
}

// copyFrom copies src's weights into m, which has the same shapes.
func (m *Model) copyFrom(src *Model) {
	for l := range m.W {
		copy(m.W[l], src.W[l])
		copy(m.B[l], src.B[l])
	}
}

// predictChunk is the number of rows that Predict and validation push through the network
// at a time.
const predictChunk = 512

// forward holds the activations of a forward pass over up to rows examples.
type forward struct {
	g    *gemm
	acts [][]float32 // acts[l+1] is layer l's output: post-ReLU, logits or probabilities for the last
}

func newForward(sizes []int, rows, threads int) *forward {
	f := &forward{g: newGemm(threads), acts: make([][]float32, len(sizes))}
	for l := 1; l < len(sizes); l++ {
		f.acts[l] = make([]float32, rows*sizes[l])
	}
	return f
}

// run computes the logits of the rows examples in x into f.acts[len(m.W)], keeping the
// hidden activations in f.acts[1:].
func (f *forward) run(m *Model, x []float32, rows int) {
	s := m.sizes()
	f.acts[0] = x
	last := len(m.W) - 1
	for l := range m.W {
		in, out := s[l], s[l+1]
		z, bias := f.acts[l+1], m.B[l]
		relu := l < last
		f.g.run(rows, out, in, mat{data: f.acts[l], ld: in}, mat{data: m.W[l], ld: in, trans: true}, z, out, false,
			post{bias: bias, relu: relu}, nil)
	}
}

// softmaxRows replaces each row of the rows × classes logits z by its softmax. When ce is
// not nil it also stores each row's cross-entropy -log p[y[i]] in ce[i] (y indexes rows as
// z does). It runs on up to threads goroutines; each row is computed the same way whatever
// their number.
func softmaxRows(z []float32, rows, classes int, y []int32, ce []float64, threads int) {
	parallel(threads, rows, 16, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := z[i*classes : (i+1)*classes]
			var zy float32
			if ce != nil {
				zy = row[y[i]]
			}
			mx, sum := expRow(row)
			if ce != nil {
				ce[i] = crossEntropy(zy, mx, sum)
			}
			inv := 1 / sum
			for j := range row {
				row[j] *= inv
			}
		}
	})
}

// expRow replaces z by exp(z - max z) and returns max z and the sum of the new values.
func expRow(z []float32) (mx, sum float32) {
	mx = z[0]
	for _, v := range z[1:] {
		mx = max(mx, v) // NaN if any is NaN
	}
	for j, v := range z {
		e := expf(v - mx)
		z[j] = e
		sum += e
	}
	return mx, sum
}

// crossEntropy returns -log softmax(z)[y] = log Σ exp(z - mx) - (z[y] - mx) from the label's
// logit zy, the maximum logit mx and the sum of exp(z - mx).
func crossEntropy(zy, mx, sum float32) float64 {
	return math.Log(float64(sum)) - float64(zy-mx)
}

// Predict returns the class probabilities (softmax) of the n examples in x (n·Input floats,
// row-major) as n·Classes floats, row-major. It runs on m.Threads goroutines, and panics if
// len(x) is not n·Input or m's weights do not match its Config.
func (m *Model) Predict(x []float32, n int) []float32 {
	if err := m.check(); err != nil {
		panic("mlp: Predict: " + err.Error())
	}
	if len(x) != n*m.Input {
		panic(fmt.Sprintf("mlp: Predict: x holds %d floats; want %d rows × %d", len(x), n, m.Input))
	}
	threads := m.Threads
	if threads < 1 {
		threads = defaultThreads()
	}
	s := m.sizes()
	f := newForward(s, min(n, predictChunk), threads)
	out := make([]float32, n*m.Classes)
	for r0 := 0; r0 < n; r0 += predictChunk {
		rows := min(predictChunk, n-r0)
		f.acts[len(s)-1] = out[r0*m.Classes : (r0+rows)*m.Classes]
		f.run(m, x[r0*m.Input:(r0+rows)*m.Input], rows)
		softmaxRows(f.acts[len(s)-1], rows, m.Classes, nil, nil, threads)
	}
	return out
}
