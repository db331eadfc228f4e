package model

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// PromptsFile is where a sentence-transformers export declares the
// prompts its model was trained with, beside tokenizer.json.
const PromptsFile = "config_sentence_transformers.json"

// Prefix is a text put before every query or every passage, and what
// chose it: the file that declared it, or the model family whose
// default it is (neither: no prefix).
type Prefix struct {
	Text   string
	File   string
	Family string // "E5"
}

// The prompt names each side takes, first found first: the ones
// sentence-transformers' encode_query and encode_document take, then
// Nomic's, whose exports name them after the prefixes.
var (
	queryPrompts   = []string{"query", "search_query"}
	passagePrompts = []string{"document", "passage", "corpus", "search_document"}
)

// PrefixesOf chooses the query and passage prefixes of the model in dir
// (the directory of its tokenizer.json) called name: the prompts its
// config_sentence_transformers.json declares, a side without its own
// prompt taking the default_prompt_name's as sentence-transformers
// does (none when there is no default); else, when the file declares
// neither, or both blank, the prefixes of the model family its name is
// recognised as.
func PrefixesOf(dir, name string) (query, passage Prefix, err error) {
	from := filepath.Join(dir, PromptsFile)
	var cfg struct {
		Prompts           map[string]string `json:"prompts"`
		DefaultPromptName *string           `json:"default_prompt_name"`
	}
	found, err := readConfig(from, &cfg)
	if err != nil {
		return query, passage, err
	}
	if found {
		pick := func(names []string) (string, bool) {
			for _, n := range names {
				if p, ok := cfg.Prompts[n]; ok {
					return p, true
				}
			}
			if cfg.DefaultPromptName != nil {
				p, ok := cfg.Prompts[*cfg.DefaultPromptName]
				return p, ok
			}
			return "", false
		}
		q, qok := pick(queryPrompts)
		p, pok := pick(passagePrompts)
		// The model's authors said how it is prompted: a side they
		// gave no prompt has none, whatever its name suggests. Blank
		// prompts for both say nothing: sentence-transformers 5 saves
		// every model with "query" and "document" prompts, "" where it
		// has none, as it wrote "prompts": {} before.
		if (qok || pok) && q+p != "" {
			return Prefix{Text: q, File: from}, Prefix{Text: p, File: from}, nil
		}
	}
	for _, f := range families {
		if f.match(strings.ToLower(name)) {
			return Prefix{Text: f.query, Family: f.name}, Prefix{Text: f.passage, Family: f.name}, nil
		}
	}
	return query, passage, nil
}

// families are the model families whose prefixes git scry knows by
// name, for exports that do not declare them.
var families = []struct {
	name           string
	match          func(lowerName string) bool
	query, passage string
}{
	{"E5", func(n string) bool { return strings.Contains(n, "e5") }, "query: ", "passage: "},
	{"BGE English", func(n string) bool { return strings.Contains(n, "bge") && strings.Contains(n, "en") },
		"Represent this sentence for searching relevant passages: ", ""},
	{"Nomic", func(n string) bool { return strings.Contains(n, "nomic") }, "search_query: ", "search_document: "},
}

// SimilarityOf reads the similarity_fn_name of the model in dir (the
// directory of its tokenizer.json): the function sentence-transformers
// scores its vectors with, as its config_sentence_transformers.json
// says ("cosine", "dot", "euclidean", "manhattan"). "" and no error
// where there is no such file or it says none (null: cosine, its
// default); from is the file where it says one.
func SimilarityOf(dir string) (name, from string, err error) {
	from = filepath.Join(dir, PromptsFile)
	var cfg struct {
		SimilarityFnName json.RawMessage `json:"similarity_fn_name"`
	}
	if found, err := readConfig(from, &cfg); !found || err != nil {
		return "", "", err
	}
	if len(cfg.SimilarityFnName) == 0 || string(cfg.SimilarityFnName) == "null" {
		return "", "", nil
	}
	if err := json.Unmarshal(cfg.SimilarityFnName, &name); err != nil || !slices.Contains(similarities, name) {
		return "", "", fmt.Errorf("%s: similarity_fn_name is %s, not the name of a similarity function (cosine, dot, euclidean or manhattan)", from, cfg.SimilarityFnName)
	}
	return name, from, nil
}

// similarities are the names sentence-transformers' SimilarityFunction
// takes; it refuses to load a model that names another ("dot product"),
// which model ls's SETTINGS column showed whole, spaces and all.
var similarities = []string{Cosine, "dot", "euclidean", "manhattan"}

// Cosine is the similarity_fn_name of git scry's ranking: the cosine of
// L2-normalised vectors, whatever the model was trained for.
const Cosine = "cosine"

// SimilarityWords names a similarity function in words, for a warning
// that the model was trained for another than the cosine.
func SimilarityWords(name string) string {
	switch name {
	case "dot":
		return "dot-product similarity"
	case "euclidean":
		return "Euclidean distance"
	case "manhattan":
		return "Manhattan distance"
	}
	return fmt.Sprintf("the similarity function %q", name)
}
