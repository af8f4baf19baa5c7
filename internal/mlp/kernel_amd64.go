package mlp

import "golang.org/x/sys/cpu"

// kernelAVX2 is the amd64 micro-kernel: 6 × 16 tiles held in twelve YMM registers, with
// fused multiply-adds (kernel_amd64.s).
var kernelAVX2 = kernel{name: "avx2-6x16", mr: 6, nr: 16, fn: kernelAVX2Go}

// kernel6x16 is implemented in kernel_amd64.s. It requires AVX2 and FMA, k ≥ 0, 6·k floats
// at a, 16·k floats at b, and a 6 × 16 tile at c with row stride ldc floats.
//
//go:noescape
func kernel6x16(k int, a, b, c *float32, ldc int, acc bool)

func kernelAVX2Go(k int, a, b, c []float32, ldc int, acc bool) {
	_, _, _ = a[6*k-1], b[16*k-1], c[5*ldc+15] // bounds the assembly relies on
	kernel6x16(k, &a[0], &b[0], &c[0], ldc, acc)
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
