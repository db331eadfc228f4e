package model

import (
	"encoding/json"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/scry/embed/onnx"
)

// PoolingOf reads how a sentence-transformers model directory pools its
// token states into a sentence vector: modules.json names the Pooling
// module's directory (1_Pooling in every export seen), whose
// config.json says the mode as sentence-transformers writes it: one
// pooling_mode string ("cls", "mean"; a list of several, concatenated)
// from 5.6, a pooling_mode_* flag set before; the string decides where
// both are, and a file that sets neither is mean, sentence-transformers'
// default. It returns onnx.PoolMean or onnx.PoolCLS and the file that
// said so; "" and no error when the directory has no such file (a bare
// export: mean, as before).
func PoolingOf(dir string) (mode, from string, err error) {
	cfg, from, err := poolingConfig(dir)
	if from == "" || err != nil {
		return "", "", err
	}
	var on []string
	if v, ok := cfg["pooling_mode"]; ok {
		if on, err = poolingModes(v); err != nil {
			return "", "", fmt.Errorf("%s: pooling_mode is %s", from, err)
		}
	} else {
		for k, v := range cfg {
			if mode, ok := strings.CutPrefix(k, "pooling_mode_"); ok && v == true {
				on = append(on, mode)
			}
		}
		slices.Sort(on)
	}
	switch {
	case len(on) == 0, slices.Equal(on, []string{"mean_tokens"}), slices.Equal(on, []string{"mean"}):
		return onnx.PoolMean, from, nil
	case slices.Equal(on, []string{"cls_token"}), slices.Equal(on, []string{"cls"}):
		return onnx.PoolCLS, from, nil
	}
	return "", "", fmt.Errorf("%s pools by %s, and git scry pools by mean or cls only", from, strings.Join(on, " and "))
}

// poolingModes reads a pooling_mode value: a mode's name, or a list of
// them (their vectors concatenated); what it is otherwise.
func poolingModes(v any) ([]string, error) {
	switch v := v.(type) {
	case string:
		return []string{v}, nil
	case []any:
		var modes []string
		for _, m := range v {
			s, ok := m.(string)
			if !ok {
				return nil, fmt.Errorf("a list holding %s, not only mode names", jsonText(m))
			}
			modes = append(modes, s)
		}
		if len(modes) == 0 {
			return nil, errors.New("an empty list, no mode")
		}
		return modes, nil
	}
	return nil, fmt.Errorf("%s, not a mode name such as \"mean\" or \"cls\"", jsonText(v))
}

// jsonText is a JSON value as the file has it: null, 1, true.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// IncludePromptOf reads whether the Pooling module's config.json keeps a
// prompt's tokens in the mean (include_prompt, true unless it says
// false) and the file that said false.
func IncludePromptOf(dir string) (include bool, from string, err error) {
	cfg, from, err := poolingConfig(dir)
	if err != nil {
		return true, "", err
	}
	switch v, ok := cfg["include_prompt"]; {
	case !ok, v == true:
		return true, "", nil
	case v == false:
		return false, from, nil
	}
	return true, "", fmt.Errorf("%s: include_prompt is %v, not true or false", from, cfg["include_prompt"])
}

// stModule is a module modules.json lists: the directory of its files
// and its Python class.
type stModule struct {
	Path string `json:"path"`
	Type string `json:"type"`
}

// modulesOf reads dir's modules.json: nil and no error when there is none.
func modulesOf(dir string) (modules []stModule, from string, err error) {
	from = filepath.Join(dir, "modules.json")
	if found, err := readConfig(from, &modules); !found || err != nil {
		return nil, "", err
	}
	return modules, from, nil
}

// readConfig reads the JSON file path of a model's directory into v:
// false and no error when there is no such file, the file named in the
// error when it is not JSON v can hold.
func readConfig(path string, v any) (found bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, iofs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("%s: %v", path, err)
	}
	return true, nil
}

// class is a module's class name, without the Python modules it is in
// (sentence_transformers.models.Dense, sentence_transformers.base.modules.dense.Dense).
func (m stModule) class() string {
	return m.Type[strings.LastIndex(m.Type, ".")+1:]
}

// runOnTokenStates are the modules git scry does what they do, after the
// model's graph: its pooling, its L2 norm, and Dropout, nothing at
// inference.
var runOnTokenStates = []string{"Pooling", "Normalize", "Dropout"}

// STModule is a module a sentence-transformers model runs on its
// transformer's output: its class (Dense) and the directory of its
// files (2_Dense).
type STModule struct{ Class, Path string }

func (m STModule) String() string { return m.Class + " (" + m.Path + ")" }

// ModulesNotRun lists the modules of the sentence-transformers model in
// dir that sentence-transformers runs after its transformer (the first
// module, the ONNX graph) and git scry does not: a Dense layer after the
// pooling (LaBSE, distiluse), a LayerNorm, anything else that makes its
// vectors another's; and the modules.json that lists them. None when
// git scry runs them all, or dir has no modules.json.
func ModulesNotRun(dir string) (notRun []STModule, from string, err error) {
	modules, from, err := modulesOf(dir)
	if len(modules) == 0 || err != nil {
		return nil, "", err
	}
	for _, m := range modules[1:] {
		if !slices.Contains(runOnTokenStates, m.class()) {
			notRun = append(notRun, STModule{Class: m.class(), Path: m.Path})
		}
	}
	if notRun == nil {
		return nil, "", nil
	}
	return notRun, from, nil
}

// poolingConfig reads the Pooling module's config.json: modules.json
// names its directory; nil and no error when there is none.
func poolingConfig(dir string) (cfg map[string]any, from string, err error) {
	sub := "1_Pooling"
	modules, _, err := modulesOf(dir)
	if err != nil {
		return nil, "", err
	}
	for _, m := range modules {
		if m.class() == "Pooling" {
			sub = m.Path
		}
	}
	from = filepath.Join(dir, sub, "config.json")
	if found, err := readConfig(from, &cfg); !found || err != nil {
		return nil, "", err
	}
	return cfg, from, nil
}

// PooledByGraph is PoolingShown's word for a model whose graph outputs
// its own sentence vector: git scry pools nothing, whatever Pooling says.
const PooledByGraph = "graph"

// PoolingShown is how the model's vectors are pooled, for 'model ls':
// onnx.PoolCLS, onnx.PoolMean (Pooling "" too), or PooledByGraph. Only
// a model registered with no pooling can be one whose graph pools, as
// model add clears --pooling for those; its file is read to tell,
// seeking past the weights.
func (e *Entry) PoolingShown() string {
	if e.Pooling != "" {
		return e.Pooling
	}
	if m, err := onnx.ReadModelFile(e.Model.Path); err == nil {
		if sh, err := m.Shape(); err == nil && sh.Pooled {
			return PooledByGraph
		}
	}
	return onnx.PoolMean
}

// SettingsShown are the settings of the model that are not the
// defaults, each a short word for model ls's SETTINGS column (the keys
// of --json say them in full): cut=N where texts are cut at N tokens
// rather than at tokenizer.json's length (max_length), lower where
// they are lowercased first (do_lower_case), cased or uncased, with
// keep-accents or strip-accents where those do not follow, where
// tokenizer_config.json makes the BertNormalizer so (bert_normalizer),
// no-prompt where the prefix is left out of the mean (include_prompt
// false), dim=N where vectors keep their first N dimensions
// (truncate_dim), sim=NAME for a model trained for another similarity
// than the cosine (similarity_fn_name). None: nil.
func (e *Entry) SettingsShown() []string {
	var s []string
	if e.MaxLength > 0 {
		s = append(s, fmt.Sprintf("cut=%d", e.MaxLength))
	}
	if e.LowerCase {
		s = append(s, "lower")
	}
	if c := e.BertCasing; c != nil {
		if c.Lowercase {
			s = append(s, "uncased")
		} else {
			s = append(s, "cased")
		}
		switch {
		case c.Lowercase && !c.StripAccents:
			s = append(s, "keep-accents")
		case !c.Lowercase && c.StripAccents:
			s = append(s, "strip-accents")
		}
	}
	if e.IncludePrompt != nil && !*e.IncludePrompt && e.Pooling != onnx.PoolCLS {
		s = append(s, "no-prompt")
	}
	if e.TruncateDim > 0 {
		s = append(s, fmt.Sprintf("dim=%d", e.TruncateDim))
	}
	if e.Similarity != "" {
		s = append(s, "sim="+e.Similarity)
	}
	return s
}
