// The AVX2/FMA micro-kernel of the matrix multiply (see kernel in gemm.go): a 6 × 16 tile
// of C in twelve YMM accumulators, Y4..Y15 (row r in Y(4+2r), Y(5+2r)).

#include "textflag.h"

// STEP multiplies one column of a packed 6-row A panel (at SI+ao) by one row of a packed
// 16-column B panel (at DI+bo) into the accumulators Y4..Y15 (row r in Y(4+2r), Y(5+2r)).
#define STEP(ao, bo) \
	VMOVUPS (bo)(DI), Y0; \
	VMOVUPS (bo+32)(DI), Y1; \
	VBROADCASTSS (ao+0)(SI), Y2; \
	VFMADD231PS Y0, Y2, Y4; \
	VFMADD231PS Y1, Y2, Y5; \
	VBROADCASTSS (ao+4)(SI), Y3; \
	VFMADD231PS Y0, Y3, Y6; \
	VFMADD231PS Y1, Y3, Y7; \
	VBROADCASTSS (ao+8)(SI), Y2; \
	VFMADD231PS Y0, Y2, Y8; \
	VFMADD231PS Y1, Y2, Y9; \
	VBROADCASTSS (ao+12)(SI), Y3; \
	VFMADD231PS Y0, Y3, Y10; \
	VFMADD231PS Y1, Y3, Y11; \
	VBROADCASTSS (ao+16)(SI), Y2; \
	VFMADD231PS Y0, Y2, Y12; \
	VFMADD231PS Y1, Y2, Y13; \
	VBROADCASTSS (ao+20)(SI), Y3; \
	VFMADD231PS Y0, Y3, Y14; \
	VFMADD231PS Y1, Y3, Y15

// ROW finishes one row of the tile held in ya, yb at DX according to the flags in AX
// (1: add C, 2: add the bias in Y0, Y1, 4: ReLU against the zeros in Y2, 8: zero where the
// mask row at R10 is not positive), then stores it.
#define ROW(ya, yb) \
	TESTQ $1, AX; \
	JZ    3(PC); \
	VADDPS (DX), ya, ya; \
	VADDPS 32(DX), yb, yb; \
	TESTQ $2, AX; \
	JZ    3(PC); \
	VADDPS Y0, ya, ya; \
	VADDPS Y1, yb, yb; \
	TESTQ $4, AX; \
	JZ    3(PC); \
	VMAXPS ya, Y2, ya; \
	VMAXPS yb, Y2, yb; \
	TESTQ $8, AX; \
	JZ    7(PC); \
	VMOVUPS (R10), Y3; \
	VCMPPS $0x1E, Y2, Y3, Y3; \
	VANDPS Y3, ya, ya; \
	VMOVUPS 32(R10), Y3; \
	VCMPPS $0x1E, Y2, Y3, Y3; \
	VANDPS Y3, yb, yb; \
	VMOVUPS ya, (DX); \
	VMOVUPS yb, 32(DX)

// func kernel6x16(k int, a, b, c *float32, ldc int, flags int, bias, mask *float32)
TEXT ·kernel6x16(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15
	MOVQ CX, BX
	SHRQ $2, BX
	ANDQ $3, CX
	TESTQ BX, BX
	JZ rem

loop4:
	STEP(0, 0)
	STEP(24, 64)
	STEP(48, 128)
	STEP(72, 192)
	ADDQ $96, SI
	ADDQ $256, DI
	DECQ BX
	JNZ loop4

rem:
	TESTQ CX, CX
	JZ store

loop1:
	STEP(0, 0)
	ADDQ $24, SI
	ADDQ $64, DI
	DECQ CX
	JNZ loop1

store:
	MOVQ flags+40(FP), AX
	MOVQ bias+48(FP), R9
	MOVQ mask+56(FP), R10
	VXORPS Y2, Y2, Y2
	TESTQ $2, AX
	JZ   rows
	VMOVUPS (R9), Y0
	VMOVUPS 32(R9), Y1

rows:
	ROW(Y4, Y5)
	ADDQ R8, DX
	ADDQ R8, R10
	ROW(Y6, Y7)
	ADDQ R8, DX
	ADDQ R8, R10
	ROW(Y8, Y9)
	ADDQ R8, DX
	ADDQ R8, R10
	ROW(Y10, Y11)
	ADDQ R8, DX
	ADDQ R8, R10
	ROW(Y12, Y13)
	ADDQ R8, DX
	ADDQ R8, R10
	ROW(Y14, Y15)
	VZEROUPPER
	RET
