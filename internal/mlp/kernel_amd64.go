package mlp

import "golang.org/x/sys/cpu"

// kernelAVX2 is the amd64 micro-kernel: 6 × 16 tiles held in twelve YMM registers, with
// fused multiply-adds (kernel_amd64.s).
var kernelAVX2 = kernel{name: "avx2-6x16", mr: 6, nr: 16, fn: kernelAVX2Go}

// kernel6x16 is implemented in kernel_amd64.s. It requires AVX2 and FMA, k ≥ 0, 6·k floats
// at a, 16·k floats at b, a 6 × 16 tile at c with row stride ldc floats, 16 floats at bias
// with flagBias and a 6 × 16 tile at mask with row stride ldc with flagMask.
//
//go:noescape
func kernel6x16(k int, a, b, c *float32, ldc int, flags int, bias, mask *float32)

func kernelAVX2Go(k int, a, b, c []float32, ldc int, flags int, bias, mask []float32) {
	_, _, _ = a[6*k-1], b[16*k-1], c[5*ldc+15] // bounds the assembly relies on
	var bp, mp *float32
	if flags&flagBias != 0 {
		bp = &bias[:16][0]
	}
	if flags&flagMask != 0 {
		_ = mask[5*ldc+15]
		mp = &mask[0]
	}
	kernel6x16(k, &a[0], &b[0], &c[0], ldc, flags, bp, mp)
}

// hasAVX2 reports whether the CPU and OS support the AVX2 kernel.
var hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// kernels lists the micro-kernels this CPU can run, fastest first.
func kernels() []kernel {
	if hasAVX2 {
		return []kernel{kernelAVX2, kernelGo}
	}
	return []kernel{kernelGo}
}
