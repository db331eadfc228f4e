package model

import (
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

// A registry written before git scry read do_lower_case (and the other
// sentence-transformers settings since) is read as it was: its models
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
	if cfg.LowerCase || cfg.MaxLength != 256 {
		t.Errorf("config %+v", cfg)
	}
	// Pinned: the ID an index of this model keys its vectors by, as
	// git scry computed it before do_lower_case was read.
	if id, want := cfg.ID(), "onnx:minilm@2eb474847376"; id != want {
		t.Errorf("ID %s, want %s", id, want)
	}
}
