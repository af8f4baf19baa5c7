package mlp

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// clusters returns n examples of k classes in dim dimensions: unit vectors scattered with
// noise sigma around k random unit centres (the same centres for the same seed).
func clusters(n, k, dim int, sigma float64, seed uint64) Dataset {
	crng := rand.New(rand.NewPCG(seed, 1))
	centres := make([][]float64, k)
	for c := range centres {
		centres[c] = unit(crng, dim, nil, 0)
	}
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	d := Dataset{X: make([]float32, 0, n*dim), Y: make([]int32, n)}
	for i := range n {
		c := rng.IntN(k)
		d.Y[i] = int32(c)
		for _, v := range unit(rng, dim, centres[c], sigma) {
			d.X = append(d.X, float32(v))
		}
	}
	return d
}

// unit returns centre + sigma·noise normalised to length 1 (pure noise when centre is nil).
func unit(rng *rand.Rand, dim int, centre []float64, sigma float64) []float64 {
	v := make([]float64, dim)
	norm := 0.0
	for j := range v {
		v[j] = rng.NormFloat64()
		if centre != nil {
			v[j] = centre[j] + sigma*v[j]
		}
		norm += v[j] * v[j]
	}
	for j := range v {
		v[j] /= math.Sqrt(norm)
	}
	return v
}

// refLoss computes Σ coefᵢ·CEᵢ of the network with parameters p (flat, laid out like
// trainer.params: all weights, then all biases) in float64.
func refLoss(sizes []int, p []float64, x []float32, y []int32, coef []float32) float64 {
	var ws, bs [][]float64
	off := 0
	for l := range len(sizes) - 1 {
		ws = append(ws, p[off:off+sizes[l]*sizes[l+1]])
		off += sizes[l] * sizes[l+1]
	}
	for l := range len(sizes) - 1 {
		bs = append(bs, p[off:off+sizes[l+1]])
		off += sizes[l+1]
	}
	rows := len(y)
	loss := 0.0
	for i := range rows {
		a := make([]float64, sizes[0])
		for j := range a {
			a[j] = float64(x[i*sizes[0]+j])
		}
		for l := range len(sizes) - 1 {
			in, out := sizes[l], sizes[l+1]
			w, b := ws[l], bs[l]
			z := make([]float64, out)
			for o := range z {
				z[o] = b[o]
				for q := range in {
					z[o] += w[o*in+q] * a[q]
				}
				if l < len(sizes)-2 {
					z[o] = math.Max(z[o], 0)
				}
			}
			a = z
		}
		mx := a[0]
		for _, v := range a {
			mx = math.Max(mx, v)
		}
		sum := 0.0
		for _, v := range a {
			sum += math.Exp(v - mx)
		}
		loss += float64(coef[i]) * (math.Log(sum) - (a[y[i]] - mx))
	}
	return loss
}

func TestGradient(t *testing.T) {
	for _, hidden := range [][]int{{7, 6}, {}, {20}} {
		cfg := Config{Input: 5, Hidden: hidden, Classes: 4, BatchSize: 9, Seed: 3, Threads: 2}.withDefaults()
		tr := newTrainer(cfg)
		rng := rand.New(rand.NewPCG(7, 8))
		rows := 9
		for i := range tr.x[:rows*cfg.Input] {
			tr.x[i] = float32(rng.NormFloat64())
		}
		wsum := 0.0
		for i := range rows {
			tr.y[i] = int32(rng.IntN(cfg.Classes))
			tr.coef[i] = float32(rng.Float64() + 0.1)
			wsum += float64(tr.coef[i])
		}
		for i := range rows {
			tr.coef[i] /= float32(wsum)
		}
		tr.forwardBackward(rows, false)

		p := make([]float64, len(tr.params))
		for i, v := range tr.params {
			p[i] = float64(v)
		}
		const h = 1e-7 // small: hidden units 1e-6 from their ReLU kink occur
		maxGrad := 0.0
		numeric := make([]float64, len(p))
		for i := range p {
			orig := p[i]
			p[i] = orig + h
			up := refLoss(tr.sizes, p, tr.x, tr.y[:rows], tr.coef)
			p[i] = orig - h
			down := refLoss(tr.sizes, p, tr.x, tr.y[:rows], tr.coef)
			p[i] = orig
			numeric[i] = (up - down) / (2 * h)
			maxGrad = math.Max(maxGrad, math.Abs(numeric[i]))
		}
		for i, want := range numeric {
			if got := float64(tr.grads[i]); math.Abs(got-want) > 1e-4*maxGrad+1e-6 {
				t.Errorf("hidden %v: gradient[%d] = %.7f; want %.7f (finite differences)", hidden, i, got, want)
			}
		}
	}
}

func TestTrainClusters(t *testing.T) {
	train := clusters(3000, 5, 32, 0.15, 1)
	val := clusters(600, 5, 32, 0.15, 1)
	cfg := Config{Input: 32, Hidden: []int{64, 32}, Classes: 5, BatchSize: 64, Epochs: 8, Seed: 1}
	m, stats, err := Train(context.Background(), cfg, train, val, nil)
	if err != nil {
		t.Fatalf("Train() error = %v", err)
	}
	if len(stats) != cfg.Epochs {
		t.Errorf("Train() ran %d epochs; want %d", len(stats), cfg.Epochs)
	}
	probs := m.Predict(val.X, val.Len())
	right := 0
	for i, y := range val.Y {
		if argmax(probs[i*5:(i+1)*5]) == int(y) {
			right++
		}
	}
	if acc := float64(right) / float64(val.Len()); acc < 0.95 {
		t.Errorf("validation accuracy = %.3f; want > 0.95 (epochs: %+v)", acc, stats)
	}
	last := stats[len(stats)-1]
	if last.Loss >= stats[0].Loss || last.TrainAcc < 0.9 {
		t.Errorf("training loss %.3f -> %.3f, accuracy %.3f; want a falling loss and accuracy >= 0.9", stats[0].Loss, last.Loss, last.TrainAcc)
	}
}

func TestDeterminism(t *testing.T) {
	train := clusters(700, 4, 24, 0.8, 2)
	val := clusters(200, 4, 24, 0.8, 3)
	train.W = make([]float32, train.Len())
	for i := range train.W {
		train.W[i] = float32(1 + i%3)
	}
	run := func(seed uint64, threads int) []byte {
		t.Helper()
		cfg := Config{Input: 24, Hidden: []int{40, 20}, Classes: 4, BatchSize: 50, Epochs: 3, Seed: seed, Threads: threads}
		m, _, err := Train(context.Background(), cfg, train, val, nil)
		if err != nil {
			t.Fatalf("Train(seed %d) error = %v", seed, err)
		}
		b, err := m.ONNX(map[string]string{"labels": `["a","b","c","d"]`, "encoder": "test"})
		if err != nil {
			t.Fatalf("ONNX() error = %v", err)
		}
		return b
	}
	a, b, c, d := run(1, 2), run(1, 2), run(1, 1), run(2, 2)
	if !bytes.Equal(a, b) {
		t.Error("two runs with seed 1 gave different ONNX bytes; want identical")
	}
	if !bytes.Equal(a, c) {
		t.Error("seed 1 with 1 and 2 threads gave different ONNX bytes; want identical")
	}
	if bytes.Equal(a, d) {
		t.Error("seeds 1 and 2 gave identical ONNX bytes; want different")
	}
}

func TestEarlyStopping(t *testing.T) {
	// Validation labels are the training labels shifted by one class, so the better the
	// model learns, the worse it does on validation.
	train := clusters(1000, 4, 16, 0.3, 4)
	val := clusters(300, 4, 16, 0.3, 4)
	for i := range val.Y {
		val.Y[i] = (val.Y[i] + 1) % 4
	}
	cfg := Config{Input: 16, Hidden: []int{32}, Classes: 4, BatchSize: 32, Epochs: 50, Patience: 3, LearningRate: 1e-2, Seed: 5}
	m, stats, err := Train(context.Background(), cfg, train, val, nil)
	if err != nil {
		t.Fatalf("Train() error = %v", err)
	}
	if len(stats) >= cfg.Epochs {
		t.Fatalf("Train() ran all %d epochs; want an early stop", len(stats))
	}
	best := 0
	for i, s := range stats {
		if s.ValAcc > stats[best].ValAcc || s.ValAcc == stats[best].ValAcc && s.ValLoss < stats[best].ValLoss {
			best = i
		}
	}
	if got, want := len(stats), best+1+cfg.Patience; got != want {
		t.Errorf("Train() ran %d epochs; want %d (best epoch %d + patience %d)", got, want, best+1, cfg.Patience)
	}
	// The returned model must be the best epoch's: recompute its validation loss.
	tr := newTrainer(m.Config)
	tr.m.copyFrom(m)
	loss, acc := tr.evaluate(val)
	if loss != stats[best].ValLoss || acc != stats[best].ValAcc {
		t.Errorf("returned model's validation loss, accuracy = %v, %v; want the best epoch's (%d) %v, %v",
			loss, acc, best+1, stats[best].ValLoss, stats[best].ValAcc)
	}
	if last := stats[len(stats)-1]; last.ValLoss == stats[best].ValLoss {
		t.Errorf("last epoch's validation loss equals the best's (%v); the test does not exercise restoring", last.ValLoss)
	}
}

func TestCancel(t *testing.T) {
	train := clusters(2000, 3, 16, 0.5, 6)
	cfg := Config{Input: 16, Hidden: []int{16}, Classes: 3, BatchSize: 8, Epochs: 100000}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Train(ctx, cfg, train, Dataset{}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Train(cancelled ctx) error = %v; want context.Canceled", err)
	}

	// Cancelled while running: at the end of epoch 3, an event rather than a point in time,
	// so the count of epochs run is exact on any machine.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	cfg.Epochs = 1000
	_, stats, err := Train(ctx, cfg, train, Dataset{}, func(st EpochStats) {
		if st.Epoch == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Train(ctx cancelled while running) error = %v; want context.Canceled", err)
	}
	if len(stats) != 3 {
		t.Errorf("Train ran %d epochs; want 3 (it should stop at the first batch after the cancel)", len(stats))
	}
}

func TestTrainErrors(t *testing.T) {
	good := clusters(20, 3, 4, 0.5, 7)
	cfg := Config{Input: 4, Hidden: []int{5}, Classes: 3, Epochs: 1}
	nan := clusters(20, 3, 4, 0.5, 7)
	nan.X[5] = float32(math.NaN())
	tests := []struct {
		name   string
		cfg    func(c *Config)
		train  Dataset
		val    Dataset
		substr string
	}{
		{"empty", nil, Dataset{}, Dataset{}, "training set is empty"},
		{"one class", func(c *Config) { c.Classes = 1 }, good, Dataset{}, "classes is 1"},
		{"label", nil, Dataset{X: good.X[:8], Y: []int32{0, 3}}, Dataset{}, "label 3"},
		{"negative label", nil, Dataset{X: good.X[:8], Y: []int32{-1, 0}}, Dataset{}, "label -1"},
		{"x length", nil, Dataset{X: good.X[:7], Y: []int32{0, 1}}, Dataset{}, "x holds 7 floats"},
		{"weights length", nil, Dataset{X: good.X[:8], Y: []int32{0, 1}, W: []float32{1}}, Dataset{}, "w holds 1 weights"},
		{"negative weight", nil, Dataset{X: good.X[:8], Y: []int32{0, 1}, W: []float32{1, -1}}, Dataset{}, "weight -1"},
		{"zero weights", nil, Dataset{X: good.X[:8], Y: []int32{0, 1}, W: []float32{0, 0}}, Dataset{}, "every example weight is 0"},
		{"val label", nil, good, Dataset{X: good.X[:4], Y: []int32{9}}, "validation set: example 0 has label 9"},
		{"learning rate", func(c *Config) { c.LearningRate = 1e30; c.Epochs = 20 }, good, Dataset{}, "lower the learning rate"},
		{"nan input", nil, nan, Dataset{}, "loss is NaN"},
		{"batch", func(c *Config) { c.BatchSize = -1 }, good, Dataset{}, "batch size is -1"},
	}
	for _, tt := range tests {
		c := cfg
		if tt.cfg != nil {
			tt.cfg(&c)
		}
		_, _, err := Train(context.Background(), c, tt.train, tt.val, nil)
		if err == nil || !strings.Contains(err.Error(), tt.substr) {
			t.Errorf("%s: Train() error = %v; want one containing %q", tt.name, err, tt.substr)
		}
	}
}

func TestExpf(t *testing.T) {
	for x := -87.0; x <= 88.5; x += 0.0137 {
		got, want := float64(expf(float32(x))), math.Exp(float64(float32(x)))
		if rel := math.Abs(got-want) / want; rel > 3e-7 {
			t.Fatalf("expf(%v) = %v; want %v (relative error %.2g)", float32(x), got, want, rel)
		}
	}
	tests := []struct{ x, want float32 }{
		{0, 1}, {-100, 0}, {float32(math.Inf(-1)), 0}, {100, float32(math.Inf(1))},
	}
	for _, tt := range tests {
		if got := expf(tt.x); got != tt.want {
			t.Errorf("expf(%v) = %v; want %v", tt.x, got, tt.want)
		}
	}
	if got := expf(float32(math.NaN())); !math.IsNaN(float64(got)) {
		t.Errorf("expf(NaN) = %v; want NaN", got)
	}
}

func TestPredictRowsIndependent(t *testing.T) {
	cfg := Config{Input: 8, Hidden: []int{9}, Classes: 3, Seed: 9}.withDefaults()
	m := newModel(cfg)
	d := clusters(1100, 3, 8, 1, 9)
	all := m.Predict(d.X, d.Len())
	one := m.Predict(d.X[1050*8:1051*8], 1)
	for j := range one {
		if one[j] != all[1050*3+j] {
			t.Errorf("Predict(row 1050 alone)[%d] = %v; want %v as in the full batch", j, one[j], all[1050*3+j])
		}
	}
	for i := range d.Len() {
		sum := float32(0)
		for _, p := range all[i*3 : i*3+3] {
			sum += p
		}
		if math.Abs(float64(sum)-1) > 1e-6 {
			t.Fatalf("row %d probabilities sum to %v; want 1", i, sum)
		}
	}
}

// TestAdamApply checks the vectorised Adam update against the Go loop, for every length
// remainder.
func TestAdamApply(t *testing.T) {
	h := adamStep{b1: 0.9, c1: 0.1, b2: 0.999, c2: 0.001, step: 1e-3 / 0.1, invBC2: 1 / float32(math.Sqrt(0.001)), eps: 1e-8}
	rng := rand.New(rand.NewPCG(1, 1))
	for n := range 20 {
		var vec, ref [4][]float32
		for k := range vec {
			vec[k] = randMatrix(rng, n)
			if k == 3 { // v ≥ 0
				for i := range vec[k] {
					vec[k][i] *= vec[k][i]
				}
			}
			ref[k] = append([]float32(nil), vec[k]...)
		}
		h.apply(vec[0], vec[1], vec[2], vec[3])
		h.applyGo(ref[0], ref[1], ref[2], ref[3])
		for k, name := range []string{"p", "g", "m", "v"} {
			for i := range n {
				if vec[k][i] != ref[k][i] {
					t.Errorf("n=%d: apply %s[%d] = %v; want %v (the Go loop)", n, name, i, vec[k][i], ref[k][i])
				}
			}
		}
	}
}
