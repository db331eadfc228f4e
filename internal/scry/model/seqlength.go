package model

import (
	"encoding/json"
	"fmt"
	"path/filepath"
)

// SeqLengthFile is where a sentence-transformers model says how many
// tokens its Transformer module takes (max_seq_length), beside
// tokenizer.json.
const SeqLengthFile = "sentence_bert_config.json"

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
		return 0, "", fmt.Errorf("%s: max_seq_length is %s, not a number of tokens", from, cfg.MaxSeqLength)
	}
	return n, from, nil
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
