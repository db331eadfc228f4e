package model

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A sentence-transformers export declares the prompts its model was
// trained with in config_sentence_transformers.json; models named like
// none of the families git scry knows (arctic-embed, mxbai) were
// registered without them, and queries embedded unprompted.
func TestPrefixesFromTheModelDirectory(t *testing.T) {
	dir := func(config string) string {
		t.Helper()
		d := t.TempDir()
		if config != "" {
			if err := os.WriteFile(filepath.Join(d, PromptsFile), []byte(config), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return d
	}
	const instr = "Represent this sentence for searching relevant passages: "
	for _, c := range []struct {
		what, name, config string
		query, passage     string
		fromFile           bool
		family             string
	}{
		{what: "arctic-embed: a query prompt only", name: "snowflake-arctic-embed-m",
			config: `{"prompts": {"query": "` + instr + `"}, "default_prompt_name": null, "similarity_fn_name": "cosine"}`,
			query:  instr, fromFile: true},
		{what: "mxbai: an empty passage prompt", name: "mxbai-embed-large-v1",
			config: `{"prompts": {"query": "` + instr + `", "passage": ""}, "default_prompt_name": null}`,
			query:  instr, fromFile: true},
		{what: "nomic's own prompt names", name: "text-embedder",
			config: `{"prompts": {"search_query": "search_query: ", "search_document": "search_document: ", "clustering": "clustering: "}}`,
			query:  "search_query: ", passage: "search_document: ", fromFile: true},
		{what: "document before passage, as encode_document takes them", name: "m",
			config: `{"prompts": {"passage": "p: ", "document": "d: ", "query": "q: "}}`,
			query:  "q: ", passage: "d: ", fromFile: true},
		{what: "the default prompt where a side has none", name: "m",
			config: `{"prompts": {"query": "q: ", "retrieval": "r: "}, "default_prompt_name": "retrieval"}`,
			query:  "q: ", passage: "r: ", fromFile: true},
		{what: "the file beats the name", name: "e5-small-v2",
			config: `{"prompts": {"query": "query: ", "document": ""}}`,
			query:  "query: ", fromFile: true},
		{what: "no prompts in the file: the name's family", name: "e5-small-v2",
			config: `{"__version__": {"sentence_transformers": "3.0.1"}, "prompts": {}, "default_prompt_name": null}`,
			query:  "query: ", passage: "passage: ", family: "E5"},
		{what: "no file: the name's family", name: "bge-small-en-v1.5",
			query: instr, family: "BGE English"},
		{what: "nothing declared", name: "all-MiniLM-L6-v2"},
	} {
		d := dir(c.config)
		q, p, err := PrefixesOf(d, c.name)
		if err != nil {
			t.Errorf("%s: %v", c.what, err)
			continue
		}
		if q.Text != c.query || p.Text != c.passage {
			t.Errorf("%s: query %q passage %q, want %q %q", c.what, q.Text, p.Text, c.query, c.passage)
		}
		file := ""
		if c.fromFile {
			file = filepath.Join(d, PromptsFile)
		}
		if q.File != file || p.File != file || q.Family != c.family || p.Family != c.family {
			t.Errorf("%s: from %+v and %+v, want file %q, family %q", c.what, q, p, file, c.family)
		}
	}

	if _, _, err := PrefixesOf(dir("{"), "m"); err == nil || !strings.Contains(err.Error(), PromptsFile) {
		t.Errorf("unreadable file: %v", err)
	}
	if _, _, err := PrefixesOf(dir(`{"prompts": {"query": 1}}`), "m"); err == nil || !strings.Contains(err.Error(), PromptsFile) {
		t.Errorf("a prompt that is no string: %v", err)
	}
}

// sentence-transformers 5 saves every model with "query" and "document"
// prompts, "" where it has none ({"query": "", "document": ""}, as 5.0 to
// 5.2 wrote them): such a file declares no prompts, as "prompts": {}
// did, and an E5 model saved so (a fine-tune) was registered with no
// prefixes at all, its name's family not looked at.
func TestBlankPromptsDeclareNone(t *testing.T) {
	write := func(config string) string {
		t.Helper()
		d := t.TempDir()
		if err := os.WriteFile(filepath.Join(d, PromptsFile), []byte(config), 0o644); err != nil {
			t.Fatal(err)
		}
		return d
	}
	st5 := `{"model_type": "SentenceTransformer", "__version__": {"sentence_transformers": "5.1.0"},
		"prompts": {"query": "", "document": ""}, "default_prompt_name": null, "similarity_fn_name": "cosine"}`
	q, p, err := PrefixesOf(write(st5), "multilingual-e5-small-finetuned")
	if q.Text != "query: " || p.Text != "passage: " || q.Family != "E5" || p.Family != "E5" || q.File != "" || err != nil {
		t.Errorf("E5 saved by sentence-transformers 5: %+v %+v %v", q, p, err)
	}
	q, p, err = PrefixesOf(write(st5), "all-MiniLM-L6-v2")
	if q != (Prefix{}) || p != (Prefix{}) || err != nil {
		t.Errorf("no family: %+v %+v %v", q, p, err)
	}
	// One prompt with text: the file says how the model is prompted,
	// the blank side included.
	d := write(`{"prompts": {"query": "query: ", "document": ""}, "default_prompt_name": null}`)
	q, p, err = PrefixesOf(d, "bge-small-en")
	if q.Text != "query: " || p.Text != "" || p.File != filepath.Join(d, PromptsFile) || err != nil {
		t.Errorf("a query prompt and a blank document one: %+v %+v %v", q, p, err)
	}
}

// config_sentence_transformers.json's similarity_fn_name: what
// sentence-transformers scores the model's vectors with (msmarco's
// tas-b: "dot"); null, as sentence-transformers 2 wrote none, is the
// cosine.
func TestSimilarityFromTheModelDirectory(t *testing.T) {
	for _, c := range []struct {
		config string // "" for no file
		want   string
		err    bool
	}{
		{"", "", false},
		{`{"prompts": {}, "default_prompt_name": null}`, "", false},
		{`{"similarity_fn_name": null}`, "", false},
		{`{"similarity_fn_name": "cosine"}`, "cosine", false},
		{`{"__version__": {"sentence_transformers": "3.0.1"}, "similarity_fn_name": "dot"}`, "dot", false},
		{`{"similarity_fn_name": "euclidean"}`, "euclidean", false},
		{`{"similarity_fn_name": 1}`, "", true},
		// A name sentence-transformers does not know (it refuses to
		// load the model) was recorded, and shown in model ls's
		// SETTINGS column, spaces and all.
		{`{"similarity_fn_name": "dot product"}`, "", true},
		{`{"similarity_fn_name": "Cosine"}`, "", true},
		{`{"similarity_fn_name": "manhattan"}`, "manhattan", false},
	} {
		dir := t.TempDir()
		if c.config != "" {
			writeFile(t, dir, PromptsFile, c.config)
		}
		name, from, err := SimilarityOf(dir)
		switch {
		case c.err && (err == nil || !strings.Contains(err.Error(), PromptsFile)):
			t.Errorf("%s: error %v, want one naming the file", c.config, err)
		case !c.err && err != nil:
			t.Errorf("%s: %v", c.config, err)
		case name != c.want || (from != "") != (c.want != ""):
			t.Errorf("%s: %q from %q, want %q", c.config, name, from, c.want)
		}
	}
}
