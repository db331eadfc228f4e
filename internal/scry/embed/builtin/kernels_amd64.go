package builtin

import "golang.org/x/sys/cpu"

// The SVD's inner loops in AVX2 with fused multiply-add where the CPU has
// them (four doubles an instruction instead of one); the pure-Go loops
// otherwise. Results differ in the last bits between the two (fused
// rounding), never between two runs on one machine nor with the number
// of CPUs (parallel, gramBy).
var haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func axpy4AVX(y, x0, x1, x2, x3 []float64, a0, a1, a2, a3 float64)

//go:noescape
func axpy1x4AVX(y0, y1, y2, y3, x []float64, a0, a1, a2, a3 float64)

//go:noescape
func axpy4f32AVX(y, x0, x1, x2, x3 []float32, a0, a1, a2, a3 float32)

//go:noescape
func mul4x8AVX(y0, y1, y2, y3, x0, x1, x2, x3, w []float64, stride, k int)

//go:noescape
func axpy8AVX(y, b []float64, stride int, a *[8]float64)
