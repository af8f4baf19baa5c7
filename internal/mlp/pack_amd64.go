package mlp

// packTrans16 is implemented in pack_amd64.s; it requires AVX, kc a multiple of 8, 16·kc
// floats at dst and 16 rows of kc floats, ld apart, at src.
//
//go:noescape
func packTrans16(dst, src *float32, ld, kc int)

// packPanelBTrans packs a panel of a transposed B operand (see packPanelB) with the AVX
// transpose where it applies and reports whether it did.
func packPanelBTrans(dst []float32, b mat, j0, cols, p0, kc, nr int) bool {
	if !hasAVX2 || nr != 16 || cols != 16 || kc < 8 {
		return false
	}
	k8 := kc &^ 7
	src := b.data[j0*b.ld+p0:]
	_, _ = dst[16*kc-1], src[15*b.ld+kc-1]
	packTrans16(&dst[0], &src[0], b.ld, k8)
	for q := range 16 { // the last kc % 8 columns
		for p := k8; p < kc; p++ {
			dst[p*16+q] = src[q*b.ld+p]
		}
	}
	return true
}
