// Package embed turns text into vectors for semantic search. Two kinds of
// embedder satisfy Embedder: the built-in one, learned from the
// repository's own text and run in pure Go, and an ONNX Runtime one running
// a user-supplied BERT-style sentence model.
package embed

import "context"

// Embedder maps texts to L2-normalised vectors of a fixed dimension.
type Embedder interface {
	// ID names the embedder and its exact weights ("builtin:<hash>",
	// "onnx:<name>@<digest of its files and passage prefix>"); vectors
	// from different IDs are not comparable, so the index re-embeds when
	// it changes.
	ID() string
	// Dim is the vector length.
	Dim() int
	// EmbedQueries embeds search queries (a model's query prefix applies).
	EmbedQueries(ctx context.Context, texts []string) ([][]float32, error)
	// EmbedPassages embeds indexed documents (the passage prefix applies).
	EmbedPassages(ctx context.Context, texts []string) ([][]float32, error)
	// Close releases native resources.
	Close() error
}
