package model

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// sentence_bert_config.json's do_lower_case: sentence-transformers
// lowercases every text of a model that says true.
func TestLowerCaseFromTheModelDirectory(t *testing.T) {
	for _, c := range []struct {
		config string // "" for no file
		want   bool
		err    string
	}{
		{"", false, ""},
		{`{"max_seq_length": 128, "do_lower_case": true}`, true, ""},
		{`{"max_seq_length": 128, "do_lower_case": false}`, false, ""},
		{`{"max_seq_length": 128}`, false, ""},
		{`{"do_lower_case": null}`, false, ""},
		{`{"do_lower_case": "yes"}`, false, `do_lower_case is "yes", not true or false`},
	} {
		dir := t.TempDir()
		if c.config != "" {
			writeFile(t, dir, SeqLengthFile, c.config)
		}
		lower, from, err := LowerCaseOf(dir)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), SeqLengthFile)):
			t.Errorf("%s: error %v, want one naming the file and %q", c.config, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.config, err)
		case lower != c.want || (from != "") != c.want:
			t.Errorf("%s: %v from %q, want %v", c.config, lower, from, c.want)
		}
	}
}

// A registry written before git scry read do_lower_case,
// similarity_fn_name and --dim is read as it was: its models
// run as they did, and their embedder IDs, which their indexes' vectors
// are keyed by, are the ones they had.
func TestRegistryFromBeforeTheSettingsIsRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scry-models.json")
	writeFile(t, filepath.Dir(path), filepath.Base(path), `{
  "active": "minilm",
  "models": [
    {
      "name": "minilm",
      "model": {"path": "/m/model.onnx", "sha256": "`+strings.Repeat("ab", 32)+`", "size": 1, "mtime": "2025-01-01T00:00:00Z"},
      "tokenizer": {"path": "/m/tokenizer.json", "sha256": "`+strings.Repeat("cd", 32)+`", "size": 1, "mtime": "2025-01-01T00:00:00Z"},
      "query_prefix": "",
      "passage_prefix": "",
      "max_length": 256,
      "added_at": "2025-01-01T00:00:00Z"
    }
  ]
}
`)
	r, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	e, ok := r.Find("minilm")
	if !ok {
		t.Fatal("minilm not found")
	}
	cfg := e.Config(nil)
	if cfg.LowerCase || cfg.BertCasing != nil || cfg.TruncateDim != 0 || e.Similarity != "" || cfg.MaxLength != 256 {
		t.Errorf("config %+v", cfg)
	}
	// Pinned: the ID an index of this model keys its vectors by, as
	// git scry computed it before do_lower_case was read.
	if id, want := cfg.ID(), "onnx:minilm@2eb474847376"; id != want {
		t.Errorf("ID %s, want %s", id, want)
	}
}

// Where texts are cut, as sentence-transformers chooses:
// sentence_bert_config.json's max_seq_length, else tokenizer_config.json's
// model_max_length (not transformers' "no limit"), or the model's
// max_position_embeddings where fewer, else tokenizer.json's own, else
// max_position_embeddings, else 512; at 512 at most, or tokenizer.json's
// own where more.
func TestCutLengthPrecedence(t *testing.T) {
	const (
		st       = SeqLengthFile
		tc       = TokenizerConfigFile
		mc       = ModelConfigFile
		sentinel = `{"model_max_length": 1000000000000000019884624838656}`
	)
	for _, c := range []struct {
		name       string
		files      map[string]string
		truncation int // tokenizer.json's max_length, 0 for none
		want       CutLength
	}{
		{"nothing", nil, 0, CutLength{Tokens: 512}},
		{"tokenizer.json", nil, 128, CutLength{Tokens: 128}},
		{"max_seq_length over all", map[string]string{st: `{"max_seq_length": 256}`, tc: `{"model_max_length": 512}`, mc: `{"max_position_embeddings": 128}`}, 128,
			CutLength{Tokens: 256, Key: "max_seq_length", From: st}},
		{"max_seq_length null", map[string]string{st: `{"max_seq_length": null}`, tc: `{"model_max_length": 256}`}, 128,
			CutLength{Tokens: 256, Key: "model_max_length", From: tc}},
		{"transformers.js", map[string]string{tc: `{"model_max_length": 512}`, mc: `{"max_position_embeddings": 512}`}, 128,
			CutLength{Tokens: 512, Key: "model_max_length", From: tc}},
		{"model_max_length over the positions", map[string]string{tc: `{"model_max_length": 512}`, mc: `{"max_position_embeddings": 256}`}, 128,
			CutLength{Tokens: 256, Key: "max_position_embeddings", From: mc}},
		{"no limit", map[string]string{tc: sentinel}, 128, CutLength{Tokens: 128}},
		{"no limit, no truncation", map[string]string{tc: sentinel, mc: `{"max_position_embeddings": 256}`}, 0,
			CutLength{Tokens: 256, Key: "max_position_embeddings", From: mc}},
		{"tokenizer.json over the positions", map[string]string{mc: `{"max_position_embeddings": 256}`}, 128, CutLength{Tokens: 128}},
		{"XLNet's no positions", map[string]string{mc: `{"max_position_embeddings": -1}`}, 0, CutLength{Tokens: 512}},
		{"capped", map[string]string{tc: `{"model_max_length": 8192}`}, 128,
			CutLength{Tokens: 512, Asked: 8192, Key: "model_max_length", From: tc}},
		{"capped at the tokenizer's own", map[string]string{tc: `{"model_max_length": 8192}`}, 2048,
			CutLength{Tokens: 2048, Asked: 8192, Key: "model_max_length", From: tc}},
	} {
		dir := t.TempDir()
		for name, content := range c.files {
			writeFile(t, dir, name, content)
		}
		if c.want.From != "" {
			c.want.From = filepath.Join(dir, c.want.From)
		}
		got, err := CutLengthOf(dir, c.truncation)
		if err != nil || got != c.want {
			t.Errorf("%s: %+v %v, want %+v", c.name, got, err, c.want)
		}
	}
	for _, bad := range []string{`{"model_max_length": "long"}`, `{"model_max_length": 1}`, `{"model_max_length": 512.5}`} {
		dir := t.TempDir()
		writeFile(t, dir, tc, bad)
		var le *LengthError
		if _, err := CutLengthOf(dir, 128); !errors.As(err, &le) || le.Key != "model_max_length" || le.File != filepath.Join(dir, tc) {
			t.Errorf("%s: %v, want a LengthError of model_max_length in %s", bad, err, tc)
		}
	}
}
