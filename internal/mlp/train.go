package mlp

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Train trains a model on train with Adam and mini-batches of cfg.BatchSize examples,
// reshuffled every epoch, minimising the cross-entropy weighted by the example weights
// (per batch: Σ wᵢ·CEᵢ / Σ wᵢ). After every epoch it measures the validation set, if val
// is not empty, and calls onEpoch (when not nil) with the epoch's statistics.
//
// With a validation set, Train returns the weights of the best epoch: the highest
// validation accuracy, ties going to the lower validation loss; when cfg.Patience > 0 it
// stops once no epoch has been better than the best for Patience epochs. Without one it
// returns the weights after the last epoch. It also returns the statistics of every epoch
// run.
//
// Train checks ctx between batches and returns ctx.Err() once it is done. The same
// inputs, Config and seed give bit-identical models whatever cfg.Threads is.
func Train(ctx context.Context, cfg Config, train, val Dataset, onEpoch func(EpochStats)) (*Model, []EpochStats, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, nil, fmt.Errorf("mlp config: %w", err)
	}
	if train.Len() == 0 {
		return nil, nil, errors.New("training set is empty")
	}
	if err := train.validate(cfg); err != nil {
		return nil, nil, fmt.Errorf("training set: %w", err)
	}
	if err := val.validate(cfg); err != nil {
		return nil, nil, fmt.Errorf("validation set: %w", err)
	}
	if train.W != nil {
		total := 0.0
		for _, w := range train.W {
			total += float64(w)
		}
		if total == 0 {
			return nil, nil, errors.New("training set: every example weight is 0")
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}

	t := newTrainer(cfg)
	n := train.Len()
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	rng := newRand(cfg.Seed, streamShuffle)
	flopsPerExample := 6 * float64(cfg.MACs())

	var (
		stats     []EpochStats
		best      *Model
		bestStats EpochStats
		bestEpoch int
	)
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		start := time.Now()
		shuffle(rng, perm)
		var lossSum, correctSum, weightSum float64
		for b0 := 0; b0 < n; b0 += cfg.BatchSize {
			if err := ctx.Err(); err != nil {
				return nil, stats, err
			}
			idx := perm[b0:min(b0+cfg.BatchSize, n)]
			loss, correct, weight := t.step(train, idx)
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return nil, stats, fmt.Errorf("training diverged in epoch %d, batch %d: the loss is %v; lower the learning rate (now %g) or check the inputs for NaN or Inf",
					epoch, b0/cfg.BatchSize+1, loss, cfg.LearningRate)
			}
			lossSum += loss
			correctSum += correct
			weightSum += weight
		}
		trainSecs := time.Since(start).Seconds()
		st := EpochStats{
			Epoch:          epoch,
			Loss:           lossSum / weightSum,
			TrainAcc:       correctSum / weightSum,
			ExamplesPerSec: float64(n) / trainSecs,
			GFLOPS:         float64(n) * flopsPerExample / trainSecs / 1e9,
		}
		if val.Len() > 0 {
			if err := ctx.Err(); err != nil {
				return nil, stats, err
			}
			st.ValLoss, st.ValAcc = t.evaluate(val)
		}
		st.Seconds = time.Since(start).Seconds()
		stats = append(stats, st)
		if onEpoch != nil {
			onEpoch(st)
		}
		if val.Len() == 0 {
			continue
		}
		switch {
		case best == nil:
			best = t.m.clone()
		case st.ValAcc > bestStats.ValAcc || st.ValAcc == bestStats.ValAcc && st.ValLoss < bestStats.ValLoss:
			best.copyFrom(t.m)
		default:
			if cfg.Patience > 0 && epoch-bestEpoch >= cfg.Patience {
				return best, stats, nil
			}
			continue
		}
		bestStats, bestEpoch = st, epoch
	}
	if best != nil {
		return best, stats, nil
	}
	return t.m, stats, nil
}

// trainer holds a model being trained, its Adam state and the buffers of one step.
type trainer struct {
	cfg     Config
	sizes   []int
	m       *Model
	threads int

	// Parameters, gradients and Adam's moments, each in one flat slice laid out as W[0],
	// W[1], ..., B[0], B[1], ...; m.W, m.B, gW and gB are subslices, and the biases are
	// the tail from biasOff on.
	params, grads, mom, vel []float32
	wOff                    []int // where each W[l] starts
	biasOff                 int
	gW, gB                  [][]float32
	steps                   int

	f     *forward
	x     []float32   // the batch's examples
	y     []int32     // their labels
	coef  []float32   // wᵢ / Σw of the batch
	ce    []float64   // each example's cross-entropy
	right []bool      // whether each example's arg-max is its label
	delta [][]float32 // delta[l]: the loss gradient w.r.t. layer l's pre-activation output
}

func newTrainer(cfg Config) *trainer {
	s := cfg.sizes()
	L := len(s) - 1
	t := &trainer{cfg: cfg, sizes: s, threads: cfg.Threads, wOff: make([]int, L), gW: make([][]float32, L), gB: make([][]float32, L)}
	total := 0
	for l := range L {
		total += s[l+1]*s[l] + s[l+1]
	}
	t.params, t.grads = make([]float32, total), make([]float32, total)
	t.mom, t.vel = make([]float32, total), make([]float32, total)

	t.m = &Model{Config: cfg, W: make([][]float32, L), B: make([][]float32, L)}
	off := 0
	for l := range L {
		nw := s[l+1] * s[l]
		t.wOff[l] = off
		t.m.W[l], t.gW[l] = t.params[off:off+nw:off+nw], t.grads[off:off+nw:off+nw]
		off += nw
	}
	t.biasOff = off
	for l := range L {
		nb := s[l+1]
		t.m.B[l], t.gB[l] = t.params[off:off+nb:off+nb], t.grads[off:off+nb:off+nb]
		off += nb
	}
	t.m.copyFrom(newModel(cfg))

	rows := cfg.BatchSize
	t.f = newForward(s, max(rows, predictChunk), cfg.Threads)
	t.x = make([]float32, rows*cfg.Input)
	t.y = make([]int32, rows)
	t.coef = make([]float32, rows)
	t.ce = make([]float64, max(rows, predictChunk))
	t.right = make([]bool, max(rows, predictChunk))
	t.delta = make([][]float32, L)
	for l := range L - 1 {
		t.delta[l] = make([]float32, rows*s[l+1])
	}
	return t
}

// step runs one gradient step on the examples idx of d. It returns the batch's summed
// weighted cross-entropy Σ wᵢ·CEᵢ, its summed weight of correctly classified examples and
// its summed weight Σ wᵢ. A batch whose weights are all 0 changes nothing.
func (t *trainer) step(d Dataset, idx []int32) (loss, correct, weight float64) {
	rows, in := len(idx), t.cfg.Input
	for r, i := range idx {
		copy(t.x[r*in:(r+1)*in], d.X[int(i)*in:])
		t.y[r] = d.Y[i]
		weight += float64(d.weight(int(i)))
	}
	if weight == 0 {
		return 0, 0, 0
	}
	for r, i := range idx {
		t.coef[r] = float32(float64(d.weight(int(i))) / weight)
	}
	t.forwardBackward(rows, true)
	for r, i := range idx {
		w := float64(d.weight(int(i)))
		loss += w * t.ce[r]
		if t.right[r] {
			correct += w
		}
	}
	return loss, correct, weight
}

// forwardBackward computes the gradients of the loss Σ coefᵢ·CEᵢ over the first rows
// examples of the batch buffers into t.grads, each example's cross-entropy into t.ce and
// whether it is classified correctly into t.right. With update it also applies an Adam
// step, each weight as soon as its gradient is final.
func (t *trainer) forwardBackward(rows int, update bool) {
	s, m, g := t.sizes, t.m, t.f.g
	L := len(m.W)
	t.f.run(m, t.x[:rows*t.cfg.Input], rows)

	// The output layer: softmax, cross-entropy and dCE/dz = coef·(p - onehot), in place.
	classes := t.cfg.Classes
	logits := t.f.acts[L]
	t.delta[L-1] = logits
	parallel(t.threads, rows, 8, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := logits[i*classes : (i+1)*classes]
			t.right[i] = argmax(row) == int(t.y[i])
			t.ce[i] = softmaxRow(row, int(t.y[i]), t.coef[i])
		}
	})
	colSums(t.gB[L-1], logits, rows, classes, t.threads)

	var h adamStep
	if update {
		h = t.adamStep()
	}
	for l := L - 1; l >= 0; l-- {
		in, out := s[l], s[l+1]
		dz, a := t.delta[l], t.f.acts[l]
		if l > 0 {
			// Back to the previous layer's output, through its ReLU, and that layer's
			// bias gradient: the column sums.
			prev, gb := t.delta[l-1], t.gB[l-1]
			g.run(rows, in, out, mat{data: dz, ld: out}, mat{data: m.W[l], ld: in}, prev, in, false, post{mask: a},
				func(j0, j1 int) { colSumsRange(gb, prev, rows, in, j0, j1) })
		}
		// The weight gradient; W[l] is not read again in this step, so Adam updates each
		// column range as soon as it is final.
		off := t.wOff[l]
		var epilogue func(j0, j1 int)
		if update {
			epilogue = func(j0, j1 int) {
				for o := range out {
					lo, hi := off+o*in+j0, off+o*in+j1
					h.apply(t.params[lo:hi], t.grads[lo:hi], t.mom[lo:hi], t.vel[lo:hi])
				}
			}
		}
		g.run(out, in, rows, mat{data: dz, ld: out, trans: true}, mat{data: a, ld: in}, t.gW[l], in, false, post{}, epilogue)
	}
	if update {
		b := t.biasOff
		h.apply(t.params[b:], t.grads[b:], t.mom[b:], t.vel[b:])
	}
}

// softmaxRow replaces the logits z by coef·(softmax(z) - onehot(y)), the gradient of
// coef·CE with respect to z, and returns the cross-entropy CE = -log softmax(z)[y].
func softmaxRow(z []float32, y int, coef float32) float64 {
	zy := z[y]
	mx, sum := expRow(z)
	scale := coef / sum
	for j := range z {
		z[j] *= scale
	}
	z[y] -= coef
	return crossEntropy(zy, mx, sum)
}

// colSumsRange sets sum[j] to the sum over the rows of column j of the rows × cols matrix
// d, for j in [j0, j1), adding rows in order.
func colSumsRange(sum, d []float32, rows, cols, j0, j1 int) {
	s := sum[j0:j1]
	copy(s, d[j0:j1])
	for i := 1; i < rows; i++ {
		for j, v := range d[i*cols+j0 : i*cols+j1] {
			s[j] += v
		}
	}
}

// colSums is colSumsRange over all columns, split across up to threads goroutines.
func colSums(sum, d []float32, rows, cols, threads int) {
	parallel(threads, cols, 64, func(j0, j1 int) { colSumsRange(sum, d, rows, cols, j0, j1) })
}

// adamStep counts a step and returns its scalars.
func (t *trainer) adamStep() adamStep {
	t.steps++
	c := t.cfg
	bc1 := 1 - math.Pow(c.Beta1, float64(t.steps))
	bc2 := 1 - math.Pow(c.Beta2, float64(t.steps))
	return adamStep{
		b1: float32(c.Beta1), c1: float32(1 - c.Beta1),
		b2: float32(c.Beta2), c2: float32(1 - c.Beta2),
		step: float32(c.LearningRate / bc1), invBC2: float32(1 / math.Sqrt(bc2)), eps: float32(c.Eps),
	}
}

// adamStep holds the scalars of one Adam step, in the order adam_amd64.s reads them.
type adamStep struct {
	b1, c1, b2, c2, step, invBC2, eps float32
}

// applyGo is apply in Go.
func (h *adamStep) applyGo(p, g, m, v []float32) {
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	for i, gi := range g {
		mi := h.b1*m[i] + h.c1*gi
		vi := h.b2*v[i] + h.c2*gi*gi
		m[i], v[i] = mi, vi
		p[i] -= h.step * mi / (float32(math.Sqrt(float64(vi)))*h.invBC2 + h.eps)
	}
}

// evaluate returns the weighted mean cross-entropy and accuracy of the model on d.
func (t *trainer) evaluate(d Dataset) (loss, acc float64) {
	n, in, classes := d.Len(), t.cfg.Input, t.cfg.Classes
	L := len(t.m.W)
	var lossSum, correctSum, weightSum float64
	for r0 := 0; r0 < n; r0 += predictChunk {
		rows := min(predictChunk, n-r0)
		t.f.run(t.m, d.X[r0*in:(r0+rows)*in], rows)
		z := t.f.acts[L]
		y := d.Y[r0 : r0+rows]
		for i := range rows {
			t.right[i] = argmax(z[i*classes:(i+1)*classes]) == int(y[i])
		}
		softmaxRows(z, rows, classes, y, t.ce, t.threads)
		for i := range rows {
			w := float64(d.weight(r0 + i))
			lossSum += w * t.ce[i]
			if t.right[i] {
				correctSum += w
			}
			weightSum += w
		}
	}
	if weightSum == 0 {
		return 0, 0
	}
	return lossSum / weightSum, correctSum / weightSum
}

// argmax returns the index of the first largest value of v.
func argmax(v []float32) int {
	best := 0
	for j, x := range v {
		if x > v[best] {
			best = j
		}
	}
	return best
}
