package onnx

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
)

// Config says which model to run and how.
type Config struct {
	Name        string // the model's registered name, part of the ID
	Model       string // path of model.onnx
	Tokenizer   string // path of tokenizer.json
	ModelSHA256 string // the model file's sha256, part of the ID
	TokSHA256   string // the tokenizer file's sha256, part of the ID
	// ExternalSHA256 are the sha256s of the files the model keeps tensor
	// data in, part of the ID.
	ExternalSHA256 []string
	QueryPrefix    string // prepended to queries ("query: " for E5 models)
	PassagePrefix  string // prepended to indexed texts ("passage: ")
	BatchSize      int    // texts per inference call (default 32)
	Threads        int    // intra-op threads (default: all cores)
	// Getenv looks up the library location variables; nil is os.Getenv.
	Getenv func(string) string
}

func (c *Config) defaults() {
	if c.BatchSize <= 0 {
		c.BatchSize = 32
	}
	if c.Getenv == nil {
		c.Getenv = os.Getenv
	}
}

// id is "onnx:NAME@DIGEST": the first 12 hex digits of the sha256 of
// everything that shapes an indexed commit's vector (the two files and
// the passage prefix, and the model's external data files if it has
// any: a model without keeps the ID it had before they counted), so that changing any of them starts a new vector
// space instead of mixing two in one index. The query prefix is left
// out: it changes no stored vector.
func (c *Config) id() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%q", c.ModelSHA256, c.TokSHA256, c.PassagePrefix)
	for _, sum := range c.ExternalSHA256 {
		fmt.Fprintf(h, "\n%s", sum)
	}
	return "onnx:" + c.Name + "@" + hex.EncodeToString(h.Sum(nil))[:12]
}
