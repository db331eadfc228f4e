#include "textflag.h"

// func dotAVX(q []float32, v []int8) float32
// The inner product over the first len(q) &^ 15 components: sixteen int8
// components widened to float32 and multiplied-added a step.
TEXT ·dotAVX(SB), NOSPLIT, $0-52
	MOVQ   q_base+0(FP), DI
	MOVQ   q_len+8(FP), CX
	MOVQ   v_base+24(FP), SI
	ANDQ   $-16, CX
	VXORPS Y0, Y0, Y0
	VXORPS Y2, Y2, Y2
	XORQ   AX, AX

loop16:
	CMPQ        AX, CX
	JGE         done
	VPMOVSXBD   (SI)(AX*1), Y1
	VPMOVSXBD   8(SI)(AX*1), Y3
	VCVTDQ2PS   Y1, Y1
	VCVTDQ2PS   Y3, Y3
	VFMADD231PS (DI)(AX*4), Y1, Y0
	VFMADD231PS 32(DI)(AX*4), Y3, Y2
	ADDQ        $16, AX
	JMP         loop16

done:
	VADDPS       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VHADDPS      X0, X0, X0
	VHADDPS      X0, X0, X0
	VZEROUPPER
	MOVSS        X0, ret+48(FP)
	RET
