package model

import (
	"fmt"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/scry/embed/onnx"
)

// transformers v4 loads a fast BERT tokenizer from a directory with
// tokenizer_config.json's do_lower_case (true where unset) and
// strip_accents (null where unset) over tokenizer.json's BertNormalizer
// where they differ; sentence-transformers uses that tokenizer. Only
// what changes the tokens is kept: other families, other normalizers,
// and settings that differ only in words change nothing.
func TestBertCasingOf(t *testing.T) {
	const (
		uncased = `{"type": "BertNormalizer", "lowercase": true, "strip_accents": null}`
		cased   = `{"type": "BertNormalizer", "lowercase": false, "strip_accents": null}`
	)
	yes, no := &onnx.BertCasing{Lowercase: true, StripAccents: true}, &onnx.BertCasing{}
	for _, c := range []struct {
		name, normalizer, config, modelConfig string // config "": no tokenizer_config.json
		want                                  *onnx.BertCasing
		err                                   string
	}{
		{"no tokenizer_config.json", cased, "", "", nil, ""},
		{"agree", uncased, `{"tokenizer_class": "BertTokenizer", "do_lower_case": true, "strip_accents": null}`, "", nil, ""},
		{"cased config over uncased", uncased, `{"tokenizer_class": "BertTokenizer", "do_lower_case": false}`, "", no, ""},
		{"uncased config over cased", cased, `{"tokenizer_class": "BertTokenizerFast", "do_lower_case": true}`, "", yes, ""},
		{"do_lower_case unset is true", cased, `{"tokenizer_class": "MPNetTokenizer"}`, "", yes, ""},
		{"accents kept", uncased, `{"tokenizer_class": "DistilBertTokenizer", "do_lower_case": true, "strip_accents": false}`, "", &onnx.BertCasing{Lowercase: true}, ""},
		// Rebuilt by transformers, to no other tokens: false and null
		// strip nothing without lowercase.
		{"differ in words only", `{"type": "BertNormalizer", "lowercase": false, "strip_accents": false}`, `{"tokenizer_class": "BertTokenizer", "do_lower_case": false}`, "", nil, ""},
		{"another family", cased, `{"tokenizer_class": "XLMRobertaTokenizer", "do_lower_case": true}`, "", nil, ""},
		{"the generic class", cased, `{"tokenizer_class": "PreTrainedTokenizerFast", "do_lower_case": true}`, "", nil, ""},
		{"no class, model_type bert", cased, `{"do_lower_case": true}`, `{"model_type": "bert"}`, yes, ""},
		{"no class, no model_type", cased, `{"do_lower_case": true}`, "", nil, ""},
		{"not a BertNormalizer", `{"type": "Lowercase"}`, `{"tokenizer_class": "BertTokenizer", "do_lower_case": false}`, "", nil, ""},
		{"bad do_lower_case", cased, `{"tokenizer_class": "BertTokenizer", "do_lower_case": "yes"}`, "", nil, `do_lower_case is "yes", not true or false`},
		{"bad strip_accents", cased, `{"tokenizer_class": "BertTokenizer", "strip_accents": 1}`, "", nil, `strip_accents is 1, not true, false or null`},
	} {
		tok, err := onnx.ParseTokenizer([]byte(fmt.Sprintf(`{"normalizer": %s, "model": {"type": "WordPiece", "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "fix": 3}}}`, c.normalizer)))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		dir := t.TempDir()
		if c.config != "" {
			writeFile(t, dir, TokenizerConfigFile, c.config)
		}
		if c.modelConfig != "" {
			writeFile(t, dir, ModelConfigFile, c.modelConfig)
		}
		got, from, err := BertCasingOf(dir, tok)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), TokenizerConfigFile)):
			t.Errorf("%s: error %v, want one naming the file and %q", c.name, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case (got == nil) != (c.want == nil) || got != nil && *got != *c.want || (from != "") != (c.want != nil):
			t.Errorf("%s: %+v from %q, want %+v", c.name, got, from, c.want)
		}
	}
}
