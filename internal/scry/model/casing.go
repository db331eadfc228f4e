package model

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/scry/embed/onnx"
)

// bertFamily are the tokenizers whose fast class in transformers v4
// makes tokenizer.json's BertNormalizer anew from its own do_lower_case
// and strip_accents where they differ from the normalizer's (the
// __init__ of BertTokenizerFast and of the classes copied from it), by
// model type: tokenizer_config.json's tokenizer_class without
// "Tokenizer" and "Fast", lowercased, or config.json's model_type.
var bertFamily = map[string]bool{
	"bert": true, "distilbert": true, "electra": true, "mpnet": true,
	"mobilebert": true, "squeezebert": true, "convbert": true,
	"layoutlm": true, "funnel": true, "retribert": true, "lxmert": true,
	"realm": true, "splinter": true, "dpr": true,
	"dprcontextencoder": true, "dprquestionencoder": true, "dprreader": true,
}

// BertCasingOf reads what the tokenizer_config.json in dir makes of the
// BertNormalizer of tok (the tokenizer.json beside it), as transformers
// v4 loads a fast BERT tokenizer from a directory, which
// sentence-transformers does: where the file's do_lower_case (true
// where unset) or strip_accents (null where unset) differs from the
// normalizer's lowercase or strip_accents, the normalizer is made anew
// with the file's two. It returns nil where that changes nothing the
// tokenizer does: no such file, a tokenizer of another family (its
// tokenizer_class, else config.json's model_type) or without a
// BertNormalizer, settings that agree, or that disagree only in
// words (strip_accents false where null follows a lowercase false). from
// is the file when it returns the casing.
func BertCasingOf(dir string, tok *onnx.Tokenizer) (casing *onnx.BertCasing, from string, err error) {
	lower, strip, ok := tok.BertNormalizer()
	if !ok {
		return nil, "", nil
	}
	from = filepath.Join(dir, TokenizerConfigFile)
	var cfg struct {
		Class        json.RawMessage `json:"tokenizer_class"`
		DoLowerCase  json.RawMessage `json:"do_lower_case"`
		StripAccents json.RawMessage `json:"strip_accents"`
	}
	if found, err := readConfig(from, &cfg); !found || err != nil {
		return nil, "", err
	}
	family, err := tokenizerFamily(dir, cfg.Class)
	if err != nil || !bertFamily[family] {
		return nil, "", err
	}
	wantLower := true
	switch string(cfg.DoLowerCase) {
	case "":
	case "true", "false":
		wantLower = string(cfg.DoLowerCase) == "true"
	default:
		return nil, "", fmt.Errorf("%s: do_lower_case is %s, not true or false", from, cfg.DoLowerCase)
	}
	var wantStrip *bool
	switch string(cfg.StripAccents) {
	case "", "null":
	case "true", "false":
		b := string(cfg.StripAccents) == "true"
		wantStrip = &b
	default:
		return nil, "", fmt.Errorf("%s: strip_accents is %s, not true, false or null", from, cfg.StripAccents)
	}
	same := strip == nil && wantStrip == nil || strip != nil && wantStrip != nil && *strip == *wantStrip
	if lower == wantLower && same {
		return nil, "", nil
	}
	before, after := effective(lower, strip), effective(wantLower, wantStrip)
	if before == after {
		return nil, "", nil
	}
	return &after, from, nil
}

// effective is what a BertNormalizer does: an unset strip_accents
// follows lowercase.
func effective(lower bool, strip *bool) onnx.BertCasing {
	c := onnx.BertCasing{Lowercase: lower, StripAccents: lower}
	if strip != nil {
		c.StripAccents = *strip
	}
	return c
}

// tokenizerFamily is the model type a tokenizer_class names
// ("BertTokenizerFast": bert), else the model_type of the config.json in
// dir, as transformers' AutoTokenizer chooses the class; "" when neither
// says.
func tokenizerFamily(dir string, class json.RawMessage) (string, error) {
	var name string
	if json.Unmarshal(class, &name) == nil && name != "" {
		name = strings.TrimSuffix(name, "Fast")
		return strings.ToLower(strings.TrimSuffix(name, "Tokenizer")), nil
	}
	var mc struct {
		ModelType string `json:"model_type"`
	}
	if _, err := readConfig(filepath.Join(dir, ModelConfigFile), &mc); err != nil {
		return "", err
	}
	return strings.ToLower(mc.ModelType), nil
}

// CasingWords says what a casing does to texts, after "texts": "are
// lowercased, their accents kept".
func CasingWords(c onnx.BertCasing) string {
	switch {
	case c.Lowercase && c.StripAccents:
		return "are lowercased and their accents stripped"
	case c.Lowercase:
		return "are lowercased, their accents kept"
	case c.StripAccents:
		return "keep their case, their accents stripped"
	}
	return "keep their case and accents"
}
