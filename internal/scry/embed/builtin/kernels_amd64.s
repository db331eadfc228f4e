#include "textflag.h"

// func axpy4AVX(y, x0, x1, x2, x3 []float64, a0, a1, a2, a3 float64)
// y[i] += a0·x0[i] + a1·x1[i] + a2·x2[i] + a3·x3[i] for i < len(y).
TEXT ·axpy4AVX(SB), NOSPLIT, $0-152
	MOVQ y_base+0(FP), DI
	MOVQ y_len+8(FP), CX
	MOVQ x0_base+24(FP), R8
	MOVQ x1_base+48(FP), R9
	MOVQ x2_base+72(FP), R10
	MOVQ x3_base+96(FP), R11
	VBROADCASTSD a0+120(FP), Y0
	VBROADCASTSD a1+128(FP), Y1
	VBROADCASTSD a2+136(FP), Y2
	VBROADCASTSD a3+144(FP), Y3
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-4, DX

loop4:
	CMPQ AX, DX
	JGE  tail
	VMOVUPD     (DI)(AX*8), Y4
	VMULPD      (R9)(AX*8), Y1, Y5
	VFMADD231PD (R8)(AX*8), Y0, Y4
	VFMADD231PD (R11)(AX*8), Y3, Y5
	VFMADD231PD (R10)(AX*8), Y2, Y4
	VADDPD      Y5, Y4, Y4
	VMOVUPD     Y4, (DI)(AX*8)
	ADDQ        $4, AX
	JMP         loop4

tail:
	CMPQ AX, CX
	JGE  done
	VMOVSD      (DI)(AX*8), X4
	VFMADD231SD (R8)(AX*8), X0, X4
	VFMADD231SD (R9)(AX*8), X1, X4
	VFMADD231SD (R10)(AX*8), X2, X4
	VFMADD231SD (R11)(AX*8), X3, X4
	VMOVSD      X4, (DI)(AX*8)
	INCQ        AX
	JMP         tail

done:
	VZEROUPPER
	RET

// func axpy1x4AVX(y0, y1, y2, y3, x []float64, a0, a1, a2, a3 float64)
// yj[i] += aj·x[i] for j = 0…3 and i < len(x).
TEXT ·axpy1x4AVX(SB), NOSPLIT, $0-152
	MOVQ y0_base+0(FP), R8
	MOVQ y1_base+24(FP), R9
	MOVQ y2_base+48(FP), R10
	MOVQ y3_base+72(FP), R11
	MOVQ x_base+96(FP), SI
	MOVQ x_len+104(FP), CX
	VBROADCASTSD a0+120(FP), Y0
	VBROADCASTSD a1+128(FP), Y1
	VBROADCASTSD a2+136(FP), Y2
	VBROADCASTSD a3+144(FP), Y3
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-4, DX

loop4:
	CMPQ AX, DX
	JGE  tail
	VMOVUPD     (SI)(AX*8), Y4
	VMOVUPD     (R8)(AX*8), Y5
	VFMADD231PD Y4, Y0, Y5
	VMOVUPD     Y5, (R8)(AX*8)
	VMOVUPD     (R9)(AX*8), Y6
	VFMADD231PD Y4, Y1, Y6
	VMOVUPD     Y6, (R9)(AX*8)
	VMOVUPD     (R10)(AX*8), Y7
	VFMADD231PD Y4, Y2, Y7
	VMOVUPD     Y7, (R10)(AX*8)
	VMOVUPD     (R11)(AX*8), Y8
	VFMADD231PD Y4, Y3, Y8
	VMOVUPD     Y8, (R11)(AX*8)
	ADDQ        $4, AX
	JMP         loop4

tail:
	CMPQ AX, CX
	JGE  done
	VMOVSD      (SI)(AX*8), X4
	VMOVSD      (R8)(AX*8), X5
	VFMADD231SD X4, X0, X5
	VMOVSD      X5, (R8)(AX*8)
	VMOVSD      (R9)(AX*8), X6
	VFMADD231SD X4, X1, X6
	VMOVSD      X6, (R9)(AX*8)
	VMOVSD      (R10)(AX*8), X7
	VFMADD231SD X4, X2, X7
	VMOVSD      X7, (R10)(AX*8)
	VMOVSD      (R11)(AX*8), X8
	VFMADD231SD X4, X3, X8
	VMOVSD      X8, (R11)(AX*8)
	INCQ        AX
	JMP         tail

done:
	VZEROUPPER
	RET

// func axpy4f32AVX(y, x0, x1, x2, x3 []float32, a0, a1, a2, a3 float32)
// y[i] += a0·x0[i] + a1·x1[i] + a2·x2[i] + a3·x3[i] for i < len(y).
TEXT ·axpy4f32AVX(SB), NOSPLIT, $0-136
	MOVQ y_base+0(FP), DI
	MOVQ y_len+8(FP), CX
	MOVQ x0_base+24(FP), R8
	MOVQ x1_base+48(FP), R9
	MOVQ x2_base+72(FP), R10
	MOVQ x3_base+96(FP), R11
	VBROADCASTSS a0+120(FP), Y0
	VBROADCASTSS a1+124(FP), Y1
	VBROADCASTSS a2+128(FP), Y2
	VBROADCASTSS a3+132(FP), Y3
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-8, DX

loop8:
	CMPQ AX, DX
	JGE  tail
	VMOVUPS     (DI)(AX*4), Y4
	VMULPS      (R9)(AX*4), Y1, Y5
	VFMADD231PS (R8)(AX*4), Y0, Y4
	VFMADD231PS (R11)(AX*4), Y3, Y5
	VFMADD231PS (R10)(AX*4), Y2, Y4
	VADDPS      Y5, Y4, Y4
	VMOVUPS     Y4, (DI)(AX*4)
	ADDQ        $8, AX
	JMP         loop8

tail:
	CMPQ AX, CX
	JGE  done
	VMOVSS      (DI)(AX*4), X4
	VFMADD231SS (R8)(AX*4), X0, X4
	VFMADD231SS (R9)(AX*4), X1, X4
	VFMADD231SS (R10)(AX*4), X2, X4
	VFMADD231SS (R11)(AX*4), X3, X4
	VMOVSS      X4, (DI)(AX*4)
	INCQ        AX
	JMP         tail

done:
	VZEROUPPER
	RET

// func mul4x8AVX(y0, y1, y2, y3, x0, x1, x2, x3, w []float64, stride, k int)
// yj[c] = xj[0]·w[c] + xj[1]·w[stride+c] + … over the first k rows of w,
// for j = 0…3 and c < 8: each a chain of fused multiply-adds from zero in
// row order, as axpy1x4AVX gives it row after row, with the 4×8 block of
// y in registers throughout instead of loaded and stored for every row.
TEXT ·mul4x8AVX(SB), NOSPLIT, $0-232
	MOVQ x0_base+96(FP), R8
	MOVQ x1_base+120(FP), R9
	MOVQ x2_base+144(FP), R10
	MOVQ x3_base+168(FP), R11
	MOVQ w_base+192(FP), SI
	MOVQ stride+216(FP), DX
	SHLQ $3, DX
	MOVQ k+224(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	XORQ   AX, AX

loop:
	CMPQ         AX, CX
	JGE          done
	VMOVUPD      (SI), Y8
	VMOVUPD      32(SI), Y9
	VBROADCASTSD (R8)(AX*8), Y10
	VFMADD231PD  Y8, Y10, Y0
	VFMADD231PD  Y9, Y10, Y1
	VBROADCASTSD (R9)(AX*8), Y11
	VFMADD231PD  Y8, Y11, Y2
	VFMADD231PD  Y9, Y11, Y3
	VBROADCASTSD (R10)(AX*8), Y12
	VFMADD231PD  Y8, Y12, Y4
	VFMADD231PD  Y9, Y12, Y5
	VBROADCASTSD (R11)(AX*8), Y13
	VFMADD231PD  Y8, Y13, Y6
	VFMADD231PD  Y9, Y13, Y7
	ADDQ         DX, SI
	INCQ         AX
	JMP          loop

done:
	MOVQ    y0_base+0(FP), DI
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	MOVQ    y1_base+24(FP), DI
	VMOVUPD Y2, (DI)
	VMOVUPD Y3, 32(DI)
	MOVQ    y2_base+48(FP), DI
	VMOVUPD Y4, (DI)
	VMOVUPD Y5, 32(DI)
	MOVQ    y3_base+72(FP), DI
	VMOVUPD Y6, (DI)
	VMOVUPD Y7, 32(DI)
	VZEROUPPER
	RET

// func axpy8AVX(y, b []float64, stride int, a *[8]float64)
// axpy4AVX twice over y, first with rows 0…3 of b (x_r[i] = b[r·stride+i])
// and a[0…3], then rows 4…7 and a[4…7]: every element of y gets the same
// operations in the same order as from the two calls, loaded and stored
// once instead of twice.
TEXT ·axpy8AVX(SB), NOSPLIT, $0-64
	MOVQ         y_base+0(FP), DI
	MOVQ         y_len+8(FP), CX
	MOVQ         b_base+24(FP), R8
	MOVQ         stride+48(FP), DX
	SHLQ         $3, DX
	LEAQ         (R8)(DX*1), R9
	LEAQ         (R9)(DX*1), R10
	LEAQ         (R10)(DX*1), R11
	LEAQ         (R11)(DX*1), R12
	LEAQ         (R12)(DX*1), R13
	LEAQ         (R13)(DX*1), BX
	LEAQ         (BX)(DX*1), SI
	MOVQ         a+56(FP), AX
	VBROADCASTSD (AX), Y0
	VBROADCASTSD 8(AX), Y1
	VBROADCASTSD 16(AX), Y2
	VBROADCASTSD 24(AX), Y3
	VBROADCASTSD 32(AX), Y4
	VBROADCASTSD 40(AX), Y5
	VBROADCASTSD 48(AX), Y6
	VBROADCASTSD 56(AX), Y7
	XORQ         AX, AX
	MOVQ         CX, DX
	ANDQ         $-4, DX

loop4:
	CMPQ        AX, DX
	JGE         tail
	VMOVUPD     (DI)(AX*8), Y8
	VMULPD      (R9)(AX*8), Y1, Y9
	VFMADD231PD (R8)(AX*8), Y0, Y8
	VFMADD231PD (R11)(AX*8), Y3, Y9
	VFMADD231PD (R10)(AX*8), Y2, Y8
	VADDPD      Y9, Y8, Y8
	VMULPD      (R13)(AX*8), Y5, Y10
	VFMADD231PD (R12)(AX*8), Y4, Y8
	VFMADD231PD (SI)(AX*8), Y7, Y10
	VFMADD231PD (BX)(AX*8), Y6, Y8
	VADDPD      Y10, Y8, Y8
	VMOVUPD     Y8, (DI)(AX*8)
	ADDQ        $4, AX
	JMP         loop4

tail:
	CMPQ        AX, CX
	JGE         done
	VMOVSD      (DI)(AX*8), X8
	VFMADD231SD (R8)(AX*8), X0, X8
	VFMADD231SD (R9)(AX*8), X1, X8
	VFMADD231SD (R10)(AX*8), X2, X8
	VFMADD231SD (R11)(AX*8), X3, X8
	VFMADD231SD (R12)(AX*8), X4, X8
	VFMADD231SD (R13)(AX*8), X5, X8
	VFMADD231SD (BX)(AX*8), X6, X8
	VFMADD231SD (SI)(AX*8), X7, X8
	VMOVSD      X8, (DI)(AX*8)
	INCQ        AX
	JMP         tail

done:
	VZEROUPPER
	RET
