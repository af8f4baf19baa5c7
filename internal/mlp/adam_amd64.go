package mlp

// adamAVX2 is implemented in adam_amd64.s; it requires AVX and len(p) = n, a multiple of 8,
// for all four slices' pointers.
//
//go:noescape
func adamAVX2(p, gr, m, v *float32, n int, h *adamStep)

// apply updates p with gradients g and the moments m and v, all of the same length:
// m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; p -= step·m / (√v/√bc2 + eps).
func (h *adamStep) apply(p, g, m, v []float32) {
	n := len(p) &^ 7
	if hasAVX2 && n > 0 {
		_, _, _ = g[n-1], m[n-1], v[n-1]
		adamAVX2(&p[0], &g[0], &m[0], &v[0], n, h)
	}
	h.applyGo(p[n:], g[n:], m[n:], v[n:])
}
