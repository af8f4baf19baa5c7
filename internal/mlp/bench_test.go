package mlp

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkTrainEpoch trains the prototype's architecture (384-512-256-128-376) for one
// epoch per iteration over 100,000 random unit vectors with random labels, as the PyTorch
// anchor (shared/anchors/torch_mlp.py) does, and reports examples/s and GFLOP/s (6·MACs per
// example, the anchor's convention).
func BenchmarkTrainEpoch(b *testing.B) {
	const n, input, classes = 100_000, 384, 376
	d := randomUnitData(n, input, classes, 7)
	for _, batch := range []int{256, 32} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			cfg := Config{Input: input, Classes: classes, BatchSize: batch, Epochs: 1, Seed: 1}
			var last EpochStats
			for b.Loop() {
				_, stats, err := Train(context.Background(), cfg, d, Dataset{}, nil)
				if err != nil {
					b.Fatal(err)
				}
				last = stats[0]
			}
			secs := b.Elapsed().Seconds()
			b.ReportMetric(float64(n*b.N)/secs, "examples/s")
			b.ReportMetric(float64(n*b.N)*6*float64(cfg.MACs())/secs/1e9, "GFLOP/s")
			_ = last
		})
	}
}

// randomUnitData returns n random unit vectors with uniformly random labels.
func randomUnitData(n, dim, classes int, seed uint64) Dataset {
	rng := rand.New(rand.NewPCG(seed, 0))
	d := Dataset{X: make([]float32, 0, n*dim), Y: make([]int32, n)}
	for i := range n {
		for _, v := range unit(rng, dim, nil, 0) {
			d.X = append(d.X, float32(v))
		}
		d.Y[i] = int32(rng.IntN(classes))
	}
	return d
}
