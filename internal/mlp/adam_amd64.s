#include "textflag.h"

// func adamAVX2(p, gr, m, v *float32, n int, h *adamStep)
//
// Eight lanes of adamStep.apply, with the same operations in the same order (no fused
// multiply-add), so both give identical results. n must be a multiple of 8.
TEXT ·adamAVX2(SB), NOSPLIT, $0-48
	MOVQ p+0(FP), DI
	MOVQ gr+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ n+32(FP), CX
	MOVQ h+40(FP), AX
	VBROADCASTSS 0(AX), Y8   // b1
	VBROADCASTSS 4(AX), Y9   // c1
	VBROADCASTSS 8(AX), Y10  // b2
	VBROADCASTSS 12(AX), Y11 // c2
	VBROADCASTSS 16(AX), Y12 // step
	VBROADCASTSS 20(AX), Y13 // invBC2
	VBROADCASTSS 24(AX), Y14 // eps
	SHRQ $3, CX
	JZ   done

loop:
	VMOVUPS (SI), Y0
	VMULPS  (R8), Y8, Y1 // b1·m
	VMULPS  Y0, Y9, Y2   // c1·g
	VADDPS  Y2, Y1, Y1   // m
	VMOVUPS Y1, (R8)
	VMULPS  (R9), Y10, Y3 // b2·v
	VMULPS  Y0, Y11, Y4   // c2·g
	VMULPS  Y0, Y4, Y4    // c2·g·g
	VADDPS  Y4, Y3, Y3    // v
	VMOVUPS Y3, (R9)
	VSQRTPS Y3, Y3
	VMULPS  Y13, Y3, Y3 // √v·invBC2
	VADDPS  Y14, Y3, Y3 // + eps
	VMULPS  Y1, Y12, Y1 // step·m
	VDIVPS  Y3, Y1, Y1  // step·m / denominator
	VMOVUPS (DI), Y2
	VSUBPS  Y1, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, R8
	ADDQ    $32, R9
	DECQ    CX
	JNZ     loop

done:
	VZEROUPPER
	RET
