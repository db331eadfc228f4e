//go:build !amd64

package builtin

const haveAVX2 = false

func axpy4AVX(y, x0, x1, x2, x3 []float64, a0, a1, a2, a3 float64) { panic("no AVX2") }

func axpy1x4AVX(y0, y1, y2, y3, x []float64, a0, a1, a2, a3 float64) { panic("no AVX2") }

func axpy4f32AVX(y, x0, x1, x2, x3 []float32, a0, a1, a2, a3 float32)      { panic("no AVX2") }
func mul4x8AVX(y0, y1, y2, y3, x0, x1, x2, x3, w []float64, stride, k int) { panic("no AVX2") }
func axpy8AVX(y, b []float64, stride int, a *[8]float64)                   { panic("no AVX2") }
