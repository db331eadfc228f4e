//go:build !amd64

package search

const haveAVX2 = false

func dotAVX(q []float32, v []int8) float32 { panic("no AVX2") }
