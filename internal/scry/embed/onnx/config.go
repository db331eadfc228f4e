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
	// Pooling is how token states become a text's vector: PoolMean
	// ("" too) or PoolCLS. A graph that outputs its own sentence vector
	// is not pooled here.
	Pooling string
	// ExcludePrompt leaves a prefix's tokens out of the mean, as
	// sentence-transformers does for a Pooling module with
	// include_prompt false.
	ExcludePrompt bool
	// MaxLength is the most tokens a text is cut to, [CLS] and [SEP]
	// included, where it is not the tokenizer's own (0): where
	// sentence-transformers cuts (max_seq_length, model_max_length).
	MaxLength int
	// LowerCase lowercases every text, its prefix with it, before the
	// tokenizer's normalizers, as sentence-transformers does where the
	// model's sentence_bert_config.json says do_lower_case.
	LowerCase bool
	// BertCasing, where not nil, is how tokenizer.json's BertNormalizer
	// lowercases and strips accents instead of as it says: as
	// transformers' fast BERT tokenizer makes it from
	// tokenizer_config.json's do_lower_case and strip_accents.
	BertCasing *BertCasing
	// TruncateDim cuts every vector to its first TruncateDim dimensions
	// before it is L2-normalised, as sentence-transformers' truncate_dim
	// does (Matryoshka models keep their quality at 256 or 512); 0 keeps
	// them all.
	TruncateDim   int
	QueryPrefix   string // prepended to queries ("query: " for E5 models)
	PassagePrefix string // prepended to indexed texts ("passage: ")
	BatchSize     int    // texts per inference call (default 32)
	Threads       int    // intra-op threads (default: all cores)
	// Getenv looks up the library location variables; nil is os.Getenv.
	Getenv func(string) string
}

// BertCasing is what a BertNormalizer does to case and accents: its
// lowercase, and its strip_accents as it takes effect (an unset one
// follows lowercase).
type BertCasing struct {
	Lowercase    bool `json:"lowercase"`
	StripAccents bool `json:"strip_accents"`
}

// The poolings of token states git scry does: sentence-transformers'
// pooling_mode_mean_tokens and pooling_mode_cls_token.
const (
	PoolMean = "mean"
	PoolCLS  = "cls"
)

func (c *Config) defaults() {
	if c.BatchSize <= 0 {
		c.BatchSize = 32
	}
	if c.Getenv == nil {
		c.Getenv = os.Getenv
	}
}

// vectorsVersion counts the changes to how this package makes a text's
// vector from the same files: the same model and tokenizer.json make
// other vectors when the ids fed to the model, or the output read, change,
// so it is part of the ID and each change starts a new vector space (an
// index embeds its commits again). 2: tokenizer.json's normalizers
// applied in their order, NFD, NFC, NFKD, NFKC, Strip, Replace and
// Prepend applied, lowercasing as Rust's. 3: added tokens ([SEP],
// [MASK], …) in the text are their own ids. 4: a graph's own
// sentence_embedding is read before its token states.
const vectorsVersion = 4

// excludesPrompt reports whether texts embedded with prefix leave its
// tokens out of their vector: with ExcludePrompt, a prefix to leave out
// and mean pooling (sentence-transformers' CLS pooling takes the first
// token whatever the mask says).
func (c *Config) excludesPrompt(prefix string) bool {
	return c.ExcludePrompt && prefix != "" && c.Pooling != PoolCLS
}

// id is "onnx:NAME@DIGEST": the first 12 hex digits of the sha256 of
// everything that shapes an indexed commit's vector (the two files, the
// passage prefix, the model's external data files if it has any, its
// pooling, whether it leaves the prefix out, the length texts are cut
// to when it is not the tokenizer's, whether they are lowercased first,
// the case and accents tokenizer_config.json gives a BertNormalizer,
// the dimensions vectors are cut to, and vectorsVersion), so that
// changing any of them starts a new vector space instead of mixing two
// in one index. The query prefix is left out: it changes no stored
// vector.
func (c *Config) id() string { return c.ID() }

// ID is the ID the model's embedder has once opened, known without
// opening it (or ONNX Runtime): what an index compares its vectors' with.
func (c *Config) ID() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%q", c.ModelSHA256, c.TokSHA256, c.PassagePrefix)
	for _, sum := range c.ExternalSHA256 {
		fmt.Fprintf(h, "\n%s", sum)
	}
	// Mean pooling is left out: every model had it before pooling
	// could be chosen, and their indexes keep their vectors.
	if c.Pooling != "" && c.Pooling != PoolMean {
		fmt.Fprintf(h, "\npooling %s", c.Pooling)
	}
	// Only where it changes the stored vectors: none did before it was
	// read.
	if c.excludesPrompt(c.PassagePrefix) {
		fmt.Fprintf(h, "\ninclude_prompt false")
	}
	// Only where set: the IDs of models registered before it was read
	// stay theirs.
	if c.MaxLength > 0 {
		fmt.Fprintf(h, "\nmax_length %d", c.MaxLength)
	}
	if c.LowerCase {
		fmt.Fprintf(h, "\ndo_lower_case")
	}
	if b := c.BertCasing; b != nil {
		fmt.Fprintf(h, "\nbert_normalizer lowercase %t strip_accents %t", b.Lowercase, b.StripAccents)
	}
	if c.TruncateDim > 0 {
		fmt.Fprintf(h, "\ntruncate_dim %d", c.TruncateDim)
	}
	// "tokenizer": what vectorsVersion was first called.
	fmt.Fprintf(h, "\ntokenizer %d", vectorsVersion)
	return "onnx:" + c.Name + "@" + hex.EncodeToString(h.Sum(nil))[:12]
}
