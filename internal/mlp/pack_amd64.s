#include "textflag.h"

// func packTrans16(dst, src *float32, ld, kc int)
//
// Packs a 16-column panel of a transposed operand: dst[p*16+q] = src[q*ld+p] for q < 16
// and p < kc, kc a multiple of 8, by transposing 8 × 8 blocks in registers.
TEXT ·packTrans16(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), BX
	SHLQ $2, BX           // row stride in bytes
	MOVQ kc+24(FP), CX
	SHRQ $3, CX           // 8-column blocks of src
	JZ   done
	LEAQ (BX)(BX*2), R10  // 3·stride
	LEAQ (BX)(BX*4), R11  // 5·stride
	LEAQ (R10)(BX*4), R12 // 7·stride

loop:
	MOVQ SI, R8
	MOVQ DI, R9
	MOVQ $2, DX

half: // rows q..q+7 of src (columns q..q+7 of dst)
	VMOVUPS (R8), Y0
	VMOVUPS (R8)(BX*1), Y1
	VMOVUPS (R8)(BX*2), Y2
	VMOVUPS (R8)(R10*1), Y3
	VMOVUPS (R8)(BX*4), Y4
	VMOVUPS (R8)(R11*1), Y5
	VMOVUPS (R8)(R10*2), Y6
	VMOVUPS (R8)(R12*1), Y7
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	VMOVUPS Y8, (R9)
	VMOVUPS Y9, 64(R9)
	VMOVUPS Y10, 128(R9)
	VMOVUPS Y11, 192(R9)
	VMOVUPS Y12, 256(R9)
	VMOVUPS Y13, 320(R9)
	VMOVUPS Y14, 384(R9)
	VMOVUPS Y15, 448(R9)
	LEAQ (R8)(BX*8), R8 // the next 8 rows of src
	ADDQ $32, R9        // the next 8 columns of dst
	DECQ DX
	JNZ  half

	ADDQ $32, SI  // the next 8 columns of src
	ADDQ $512, DI // the next 8 rows of dst
	DECQ CX
	JNZ  loop

done:
	VZEROUPPER
	RET
