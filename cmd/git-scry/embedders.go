package main

import (
	"os"

	scryembedders "github.com/verdigris-dev/verdigris/internal/scry/embedders"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
)

// embedders is the embedder source of this binary: the built-in embedder
// and the ONNX Runtime models of the user's registry.
func embedders() index.Embedders {
	return &scryembedders.Source{Getenv: os.Getenv}
}
