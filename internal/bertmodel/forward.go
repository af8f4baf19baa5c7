package bertmodel

import "math"

// Forward computes last_hidden_state for a batch in plain Go, independently of ONNX Runtime:
// ids, mask and types are [batch][sequence] (rows may differ in length), and the result is
// [batch][sequence][hidden]. Positions whose mask is 0 are computed too, as the ONNX model
// computes them, but no token attends to them. Sums are accumulated in float64.
func (w *Weights) Forward(ids, mask, types [][]int64) [][][]float32 {
	out := make([][][]float32, len(ids))
	for i := range ids {
		out[i] = w.forwardOne(ids[i], mask[i], types[i])
	}
	return out
}

func (w *Weights) forwardOne(ids, mask, types []int64) [][]float32 {
	cfg := w.Config
	h, s := cfg.Hidden, len(ids)
	x := make([][]float64, s)
	for t := range x {
		x[t] = make([]float64, h)
		word := w.WordEmbeddings[int(ids[t])*h:]
		pos := w.PositionEmbeddings[t*h:]
		typ := w.TokenTypeEmbeddings[int(types[t])*h:]
		for j := range x[t] {
			x[t][j] = float64(word[j]) + float64(typ[j]) + float64(pos[j])
		}
		layerNorm(x[t], w.EmbeddingNorm)
	}
	bias := make([]float64, s)
	for t, m := range mask {
		bias[t] = (1 - float64(m)) * maskBias
	}
	for _, l := range w.Layers {
		x = layer(x, bias, l, cfg)
	}
	out := make([][]float32, s)
	for t := range x {
		out[t] = make([]float32, h)
		for j, v := range x[t] {
			out[t][j] = float32(v)
		}
	}
	return out
}

func layer(x [][]float64, bias []float64, l Layer, cfg Config) [][]float64 {
	s, hd := len(x), cfg.HeadSize()
	q, k, v := dense(x, l.Query), dense(x, l.Key), dense(x, l.Value)
	ctx := make([][]float64, s)
	for i := range ctx {
		ctx[i] = make([]float64, cfg.Hidden)
	}
	scale := math.Sqrt(float64(hd))
	p := make([]float64, s)
	for head := range cfg.Heads {
		off := head * hd
		for i := range s {
			maxScore := math.Inf(-1)
			for j := range s {
				dot := 0.0
				for d := range hd {
					dot += q[i][off+d] * k[j][off+d]
				}
				p[j] = dot/scale + bias[j]
				maxScore = math.Max(maxScore, p[j])
			}
			sum := 0.0
			for j := range p {
				p[j] = math.Exp(p[j] - maxScore)
				sum += p[j]
			}
			for j := range p {
				pj := p[j] / sum
				for d := range hd {
					ctx[i][off+d] += pj * v[j][off+d]
				}
			}
		}
	}
	a := dense(ctx, l.AttentionOutput)
	for t := range a {
		for j := range a[t] {
			a[t][j] += x[t][j]
		}
		layerNorm(a[t], l.AttentionNorm)
	}
	f := dense(a, l.Intermediate)
	for t := range f {
		for j, z := range f[t] {
			f[t][j] = 0.5 * z * (1 + math.Erf(z/math.Sqrt2))
		}
	}
	o := dense(f, l.Output)
	for t := range o {
		for j := range o[t] {
			o[t][j] += a[t][j]
		}
		layerNorm(o[t], l.OutputNorm)
	}
	return o
}

// dense returns x·W + B for every row of x.
func dense(x [][]float64, d Dense) [][]float64 {
	y := make([][]float64, len(x))
	for t, row := range x {
		y[t] = make([]float64, d.Out)
		for j := range y[t] {
			y[t][j] = float64(d.B[j])
		}
		for i, xi := range row {
			wrow := d.W[i*d.Out : (i+1)*d.Out]
			for j, wij := range wrow {
				y[t][j] += xi * float64(wij)
			}
		}
	}
	return y
}

// layerNorm normalises v in place over its elements.
func layerNorm(v []float64, n LayerNorm) {
	mean := 0.0
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	variance := 0.0
	for _, x := range v {
		variance += (x - mean) * (x - mean)
	}
	variance /= float64(len(v))
	inv := 1 / math.Sqrt(variance+LayerNormEpsilon)
	for j, x := range v {
		v[j] = (x-mean)*inv*float64(n.Gamma[j]) + float64(n.Beta[j])
	}
}

// MeanPool turns last_hidden_state into sentence embeddings as sentence-transformers does for
// all-MiniLM-L6-v2: the mean of the token vectors whose mask is 1 (dividing by at least 1e-9),
// then scaled to unit L2 norm (dividing by at least 1e-12). hidden is [batch][sequence][hidden]
// and mask [batch][sequence].
func MeanPool(hidden [][][]float32, mask [][]int64) [][]float32 {
	out := make([][]float32, len(hidden))
	for i, seq := range hidden {
		if len(seq) == 0 {
			continue
		}
		sum := make([]float64, len(seq[0]))
		count := 0.0
		for t, vec := range seq {
			m := float64(mask[i][t])
			count += m
			for j, x := range vec {
				sum[j] += m * float64(x)
			}
		}
		count = math.Max(count, 1e-9)
		norm := 0.0
		for j := range sum {
			sum[j] /= count
			norm += sum[j] * sum[j]
		}
		norm = math.Max(math.Sqrt(norm), 1e-12)
		out[i] = make([]float32, len(sum))
		for j, x := range sum {
			out[i][j] = float32(x / norm)
		}
	}
	return out
}
