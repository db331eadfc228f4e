//go:build !cgo || noonnx

package onnx

import "github.com/verdigris-dev/verdigris/internal/scry/embed"

// Built reports whether this binary can run ONNX models at all.
const Built = false

// Open fails: this binary was built without ONNX Runtime.
func Open(Config) (embed.Embedder, error) { return nil, ErrNoRuntime }

// Runtime fails: this binary was built without ONNX Runtime.
func Runtime(func(string) string) (path, version string, err error) {
	return "", "", ErrNoRuntime
}
