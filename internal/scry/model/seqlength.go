package model

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"

	"github.com/verdigris-dev/verdigris/internal/scry/embed/onnx"
)

// SeqLengthFile is where a sentence-transformers model says how many
// tokens its Transformer module takes (max_seq_length), beside
// tokenizer.json.
const SeqLengthFile = "sentence_bert_config.json"

// TokenizerConfigFile is where transformers keeps a tokenizer's settings
// beside tokenizer.json: its model_max_length, which a transformers.js
// export (Xenova/…, no sentence_bert_config.json) has its length in.
const TokenizerConfigFile = "tokenizer_config.json"

// ModelConfigFile is the transformers model's configuration beside
// tokenizer.json: its max_position_embeddings, the most tokens the
// model takes.
const ModelConfigFile = "config.json"

// noLimit is the most tokens a model_max_length can mean: transformers
// writes VERY_LARGE_INTEGER (int(1e30),
// 1000000000000000019884624838656) for a tokenizer that has none.
const noLimit = 1 << 20

// LengthError is a length in a model's file that is no number of
// tokens.
type LengthError struct {
	File, Key string
	Value     json.RawMessage
}

func (e *LengthError) Error() string {
	return fmt.Sprintf("%s: %s is %s, not a number of tokens", e.File, e.Key, e.Value)
}

// MaxSeqLengthOf reads the max_seq_length of the sentence-transformers
// model in dir: the most tokens of a text, [CLS] and [SEP] included,
// that sentence-transformers gives the model, whatever tokenizer.json's
// truncation says (all-MiniLM-L6-v2: 256, its tokenizer.json 128). It
// returns 0 and no error when the directory has no such file or the
// file sets none (null).
func MaxSeqLengthOf(dir string) (n int, from string, err error) {
	from = filepath.Join(dir, SeqLengthFile)
	var cfg struct {
		MaxSeqLength json.RawMessage `json:"max_seq_length"`
	}
	if found, err := readConfig(from, &cfg); !found || err != nil {
		return 0, "", err
	}
	if len(cfg.MaxSeqLength) == 0 || string(cfg.MaxSeqLength) == "null" {
		return 0, "", nil
	}
	if err := json.Unmarshal(cfg.MaxSeqLength, &n); err != nil || n < 3 {
		return 0, "", &LengthError{from, "max_seq_length", cfg.MaxSeqLength}
	}
	return n, from, nil
}

// ModelMaxLengthOf reads the model_max_length of the tokenizer_config.json
// in dir: the most tokens transformers' tokenizer gives the model. It
// returns 0 and no error when there is no such file, it sets none, or
// it says there is no limit (a number of tokens no model takes,
// transformers' VERY_LARGE_INTEGER).
func ModelMaxLengthOf(dir string) (n int, from string, err error) {
	from = filepath.Join(dir, TokenizerConfigFile)
	var cfg struct {
		ModelMaxLength json.RawMessage `json:"model_max_length"`
	}
	if found, err := readConfig(from, &cfg); !found || err != nil {
		return 0, "", err
	}
	if len(cfg.ModelMaxLength) == 0 || string(cfg.ModelMaxLength) == "null" {
		return 0, "", nil
	}
	var f float64
	if err := json.Unmarshal(cfg.ModelMaxLength, &f); err != nil || f < 3 || f != math.Trunc(f) {
		return 0, "", &LengthError{from, "model_max_length", cfg.ModelMaxLength}
	}
	if f > noLimit {
		return 0, "", nil
	}
	return int(f), from, nil
}

// PositionsOf reads the max_position_embeddings of the config.json in
// dir: the most tokens the model takes (512 for BERT). 0 when it is not
// known: no such file, no such number (-1, XLNet's "none").
func PositionsOf(dir string) (n int, from string, err error) {
	from = filepath.Join(dir, ModelConfigFile)
	var cfg struct {
		MaxPositionEmbeddings json.RawMessage `json:"max_position_embeddings"`
	}
	if found, err := readConfig(from, &cfg); !found || err != nil {
		return 0, "", err
	}
	if json.Unmarshal(cfg.MaxPositionEmbeddings, &n) != nil || n < 3 {
		return 0, "", nil
	}
	return n, from, nil
}

// CutLength is where the texts of a model are cut and what says so.
type CutLength struct {
	// Tokens is the most tokens of a text, [CLS] and [SEP] included.
	Tokens int
	// Asked is what Key in From says, where git scry cuts at fewer
	// (Tokens): at most DefaultMaxLength, or tokenizer.json's own
	// where that is more; 0 otherwise.
	Asked int
	// Key and From are the setting that gave the length and its file;
	// "" where it is tokenizer.json's own, or the default.
	Key, From string
}

// CutLengthOf chooses where the texts of the model in dir (tokenizer.json
// is there, cutting at truncation tokens, 0 where it sets none) are
// cut, as sentence-transformers chooses: the max_seq_length of its
// sentence_bert_config.json; else (a transformers.js export, or any
// model without that file) the model_max_length of tokenizer_config.json,
// or the model's max_position_embeddings (config.json) where that is
// fewer, as sentence-transformers takes the lesser; else tokenizer.json's
// own; else the model's max_position_embeddings; else
// DefaultMaxLength. A text's attention takes memory with the square of
// its length: git scry cuts at DefaultMaxLength at most, or at
// tokenizer.json's own where that is more.
func CutLengthOf(dir string, truncation int) (CutLength, error) {
	own := truncation
	if own == 0 {
		own = onnx.DefaultMaxLength
	}
	seq, from, err := MaxSeqLengthOf(dir)
	if err != nil {
		return CutLength{}, err
	}
	c := CutLength{Tokens: seq, Key: "max_seq_length", From: from}
	if seq == 0 {
		mml, mfrom, err := ModelMaxLengthOf(dir)
		if err != nil {
			return CutLength{}, err
		}
		pos, pfrom := 0, ""
		if mml > 0 || truncation == 0 {
			if pos, pfrom, err = PositionsOf(dir); err != nil {
				return CutLength{}, err
			}
		}
		switch {
		case mml > 0 && (pos == 0 || mml <= pos):
			c = CutLength{Tokens: mml, Key: "model_max_length", From: mfrom}
		case mml > 0, truncation == 0 && pos > 0:
			c = CutLength{Tokens: pos, Key: "max_position_embeddings", From: pfrom}
		default:
			return CutLength{Tokens: own}, nil
		}
	}
	if limit := min(c.Tokens, max(own, onnx.DefaultMaxLength)); limit != c.Tokens {
		c.Tokens, c.Asked = limit, c.Tokens
	}
	return c, nil
}

// LowerCaseOf reads the do_lower_case of the sentence-transformers model
// in dir: whether sentence-transformers lowercases every text before
// its tokenizer sees it (a model trained on lowercased text with a cased
// tokenizer). It returns false and no error when the directory has no
// such file or the file sets none; from is the file when it says true.
func LowerCaseOf(dir string) (lower bool, from string, err error) {
	from = filepath.Join(dir, SeqLengthFile)
	var cfg struct {
		DoLowerCase json.RawMessage `json:"do_lower_case"`
	}
	if found, err := readConfig(from, &cfg); !found || err != nil {
		return false, "", err
	}
	switch string(cfg.DoLowerCase) {
	case "", "null", "false":
		return false, "", nil
	case "true":
		return true, from, nil
	}
	return false, "", fmt.Errorf("%s: do_lower_case is %s, not true or false", from, cfg.DoLowerCase)
}
