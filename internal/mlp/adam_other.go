//go:build !amd64

package mlp

// apply updates p with gradients g and the moments m and v, all of the same length:
// m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; p -= step·m / (√v/√bc2 + eps).
func (h *adamStep) apply(p, g, m, v []float32) { h.applyGo(p, g, m, v) }
