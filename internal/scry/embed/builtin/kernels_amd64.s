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
