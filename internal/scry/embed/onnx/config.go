package onnx

import "os"

// Config says which model to run and how.
type Config struct {
	Name          string // the model's registered name, part of the ID
	Model         string // path of model.onnx
	Tokenizer     string // path of tokenizer.json
	ModelSHA256   string // the model file's sha256, part of the ID
	QueryPrefix   string // prepended to queries ("query: " for E5 models)
	PassagePrefix string // prepended to indexed texts ("passage: ")
	BatchSize     int    // texts per inference call (default 32)
	Threads       int    // intra-op threads (default: all cores)
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

// id is "onnx:NAME@SHA256-PREFIX".
func (c *Config) id() string {
	sum := c.ModelSHA256
	if len(sum) > 12 {
		sum = sum[:12]
	}
	return "onnx:" + c.Name + "@" + sum
}
