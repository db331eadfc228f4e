package main

import "github.com/verdigris-dev/verdigris/internal/scry/index"

// embedders is the embedder source of this binary: the built-in embedder
// and the ONNX Runtime models of internal/scry/embed.
func embedders() index.Embedders {
	return nil
}
