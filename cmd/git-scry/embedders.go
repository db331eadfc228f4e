package main

import (
	"os"

	"github.com/verdigris-dev/verdigris/internal/scry/embedders"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
)

// embedderSource is the embedder source of this binary: the built-in embedder
// and the ONNX Runtime models of the user's registry.
func embedderSource() index.Embedders {
	return &embedders.Source{Getenv: os.Getenv}
}
