//go:build !amd64

package mlp

// packPanelBTrans reports that no faster packing applies here.
func packPanelBTrans(dst []float32, b mat, j0, cols, p0, kc, nr int) bool { return false }
