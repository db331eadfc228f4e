package model

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A sentence-transformers model directory says how its token states
// become a sentence vector (modules.json names its Pooling module's
// directory, 1_Pooling): a model trained with CLS pooling (BGE) was
// mean-pooled.
func TestPoolingFromTheModelDirectory(t *testing.T) {
	cfg := func(mode string) string {
		s := `{"word_embedding_dimension": 384`
		for _, m := range []string{"cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens", "weightedmean_tokens", "lasttoken"} {
			s += `, "pooling_mode_` + m + `": ` + map[bool]string{true: "true", false: "false"}[m == mode]
		}
		return s + `, "include_prompt": true}`
	}
	modules := `[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
		{"idx": 1, "name": "1", "path": "%s", "type": "sentence_transformers.models.Pooling"},
		{"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]`

	bge := t.TempDir()
	writeFile(t, bge, "modules.json", strings.Replace(modules, "%s", "1_Pooling", 1))
	writeFile(t, bge, "1_Pooling/config.json", cfg("cls_token"))
	if mode, from, err := PoolingOf(bge); mode != "cls" || from != filepath.Join(bge, "1_Pooling", "config.json") || err != nil {
		t.Errorf("BGE: %q %q %v", mode, from, err)
	}

	minilm := t.TempDir()
	writeFile(t, minilm, "1_Pooling/config.json", cfg("mean_tokens"))
	if mode, _, err := PoolingOf(minilm); mode != "mean" || err != nil {
		t.Errorf("MiniLM without modules.json: %q %v", mode, err)
	}

	elsewhere := t.TempDir()
	writeFile(t, elsewhere, "modules.json", strings.Replace(modules, "%s", "pooling", 1))
	writeFile(t, elsewhere, "pooling/config.json", cfg("cls_token"))
	if mode, _, err := PoolingOf(elsewhere); mode != "cls" || err != nil {
		t.Errorf("pooling module elsewhere: %q %v", mode, err)
	}

	if mode, from, err := PoolingOf(t.TempDir()); mode != "" || from != "" || err != nil {
		t.Errorf("no sentence-transformers files: %q %q %v", mode, from, err)
	}

	maxed := t.TempDir()
	writeFile(t, maxed, "1_Pooling/config.json", cfg("max_tokens"))
	if _, _, err := PoolingOf(maxed); err == nil || !strings.Contains(err.Error(), "max_tokens") || !strings.Contains(err.Error(), "mean or cls") {
		t.Errorf("max pooling: %v", err)
	}

	broken := t.TempDir()
	writeFile(t, broken, "1_Pooling/config.json", "{")
	if _, _, err := PoolingOf(broken); err == nil || !strings.Contains(err.Error(), "config.json") {
		t.Errorf("unreadable config: %v", err)
	}
}

// include_prompt false (INSTRUCTOR-style models) says the prompt's
// tokens stay out of the mean; it was not read, and true is its default.
func TestIncludePromptFromTheModelDirectory(t *testing.T) {
	write := func(dir, content string) string {
		t.Helper()
		p := filepath.Join(dir, "1_Pooling", "config.json")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	excluded := t.TempDir()
	p := write(excluded, `{"pooling_mode_mean_tokens": true, "include_prompt": false}`)
	if include, from, err := IncludePromptOf(excluded); include || from != p || err != nil {
		t.Errorf("include_prompt false: %v %q %v", include, from, err)
	}
	// Read whatever the pooling mode: --pooling may replace one git
	// scry does not do.
	maxed := t.TempDir()
	write(maxed, `{"pooling_mode_max_tokens": true, "include_prompt": false}`)
	if include, _, err := IncludePromptOf(maxed); include || err != nil {
		t.Errorf("max pooling: %v %v", include, err)
	}
	for name, content := range map[string]string{"true": `{"pooling_mode_mean_tokens": true, "include_prompt": true}`, "unset": `{"pooling_mode_mean_tokens": true}`} {
		dir := t.TempDir()
		write(dir, content)
		if include, _, err := IncludePromptOf(dir); !include || err != nil {
			t.Errorf("include_prompt %s: %v %v", name, include, err)
		}
	}
	if include, from, err := IncludePromptOf(t.TempDir()); !include || from != "" || err != nil {
		t.Errorf("no Pooling module: %v %q %v", include, from, err)
	}
	odd := t.TempDir()
	write(odd, `{"pooling_mode_mean_tokens": true, "include_prompt": "no"}`)
	if _, _, err := IncludePromptOf(odd); err == nil || !strings.Contains(err.Error(), "include_prompt") {
		t.Errorf("include_prompt \"no\": %v", err)
	}
}

// sentence-transformers 5.6 writes the mode as one pooling_mode string
// (a list for several, concatenated), not the pooling_mode_* flags, and
// reads a config that sets no mode as mean; both were refused ("sets no
// pooling_mode_"), a CLS model's mode unread.
func TestPoolingModeAsOneString(t *testing.T) {
	dirOf := func(content string) string {
		t.Helper()
		dir := t.TempDir()
		p := filepath.Join(dir, "1_Pooling", "config.json")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	for _, c := range []struct{ name, config, mode string }{
		{"cls", `{"embedding_dimension": 384, "pooling_mode": "cls", "include_prompt": true}`, "cls"},
		{"mean", `{"embedding_dimension": 384, "pooling_mode": "mean", "include_prompt": true}`, "mean"},
		{"a list of one", `{"embedding_dimension": 384, "pooling_mode": ["cls"]}`, "cls"},
		// The string decides over flags left beside it, as sentence-transformers reads them.
		{"string and flags", `{"pooling_mode": "cls", "pooling_mode_mean_tokens": true}`, "cls"},
		// No mode at all: sentence-transformers' default, in every version.
		{"no mode", `{"word_embedding_dimension": 384}`, "mean"},
		{"every flag false", `{"pooling_mode_cls_token": false, "pooling_mode_mean_tokens": false, "pooling_mode_max_tokens": false}`, "mean"},
		{"flags", `{"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}`, "cls"},
	} {
		if mode, from, err := PoolingOf(dirOf(c.config)); mode != c.mode || from == "" || err != nil {
			t.Errorf("%s: %q %q %v, want %q", c.name, mode, from, err, c.mode)
		}
	}
	// Refused as the flags are: by what the file says, git scry's two named.
	for _, c := range []struct{ name, config, says string }{
		{"max", `{"pooling_mode": "max"}`, "pools by max,"},
		{"lasttoken", `{"pooling_mode": "lasttoken"}`, "pools by lasttoken,"},
		{"weightedmean", `{"pooling_mode": "weightedmean"}`, "pools by weightedmean,"},
		{"mean_sqrt_len_tokens", `{"pooling_mode": "mean_sqrt_len_tokens"}`, "pools by mean_sqrt_len_tokens,"},
		{"two concatenated", `{"pooling_mode": ["cls", "mean"]}`, "pools by cls and mean,"},
		{"lasttoken flag", `{"pooling_mode_lasttoken": true, "pooling_mode_mean_tokens": false}`, "pools by lasttoken,"},
		{"weightedmean flag", `{"pooling_mode_weightedmean_tokens": true, "pooling_mode_mean_tokens": false}`, "pools by weightedmean_tokens,"},
		{"mean_sqrt_len flag", `{"pooling_mode_mean_sqrt_len_tokens": true, "pooling_mode_mean_tokens": false}`, "pools by mean_sqrt_len_tokens,"},
	} {
		_, _, err := PoolingOf(dirOf(c.config))
		if err == nil || !strings.Contains(err.Error(), c.says) || !strings.HasSuffix(err.Error(), "git scry pools by mean or cls only") {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	for _, c := range []struct{ name, config string }{
		{"null", `{"pooling_mode": null}`},
		{"a number", `{"pooling_mode": 1}`},
		{"an empty list", `{"pooling_mode": []}`},
	} {
		if _, _, err := PoolingOf(dirOf(c.config)); err == nil || !strings.Contains(err.Error(), "pooling_mode") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// modules.json lists what sentence-transformers runs on the
// transformer's token states; git scry runs Pooling and an L2 norm
// (Normalize) only, and a Dense layer after the pooling (LaBSE,
// distiluse) or any other module changes the vector: named, so that
// model add refuses what it would embed otherwise than the model does.
func TestModulesNotRun(t *testing.T) {
	withModules := func(modules string) string {
		t.Helper()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "modules.json"), []byte(modules), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	labse := withModules(`[
		{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
		{"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
		{"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"},
		{"idx": 3, "name": "3", "path": "3_Normalize", "type": "sentence_transformers.models.Normalize"}]`)
	if m, from, err := ModulesNotRun(labse); !slices.Equal(m, []STModule{{"Dense", "2_Dense"}}) || from != filepath.Join(labse, "modules.json") || err != nil {
		t.Errorf("LaBSE: %v %q %v", m, from, err)
	}
	// sentence-transformers 5.6 names each module's Python module too.
	newer := withModules(`[
		{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.base.modules.transformer.Transformer"},
		{"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.sentence_transformer.modules.pooling.Pooling"},
		{"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.base.modules.dense.Dense"},
		{"idx": 3, "name": "3", "path": "3_LayerNorm", "type": "sentence_transformers.sentence_transformer.modules.layer_norm.LayerNorm"},
		{"idx": 4, "name": "4", "path": "4_Normalize", "type": "sentence_transformers.sentence_transformer.modules.normalize.Normalize"}]`)
	if m, _, err := ModulesNotRun(newer); !slices.Equal(m, []STModule{{"Dense", "2_Dense"}, {"LayerNorm", "3_LayerNorm"}}) || err != nil {
		t.Errorf("5.6 module names: %v %v", m, err)
	}
	// What git scry does: the first module is the graph, whatever its
	// type (remote code names its own); Dropout does nothing at inference.
	for name, modules := range map[string]string{
		"MiniLM": `[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
			{"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
			{"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]`,
		"remote code": `[{"idx": 0, "name": "transformer", "path": "", "type": "custom_st.Transformer"},
			{"idx": 1, "name": "pooler", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
			{"idx": 2, "name": "dropout", "path": "2_Dropout", "type": "sentence_transformers.models.Dropout"}]`,
		"the transformer alone": `[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}]`,
	} {
		if m, from, err := ModulesNotRun(withModules(modules)); m != nil || from != "" || err != nil {
			t.Errorf("%s: %v %q %v", name, m, from, err)
		}
	}
	if m, from, err := ModulesNotRun(t.TempDir()); m != nil || from != "" || err != nil {
		t.Errorf("no modules.json: %v %q %v", m, from, err)
	}
	if _, _, err := ModulesNotRun(withModules("{")); err == nil || !strings.Contains(err.Error(), "modules.json") {
		t.Errorf("unreadable modules.json: %v", err)
	}
}
