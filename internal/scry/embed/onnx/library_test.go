package onnx

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestFindLibraryOrder(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{"HOME": home}
	getenv := func(k string) string { return env[k] }
	if _, tried, err := FindLibrary(getenv); !errors.Is(err, ErrNoLibrary) || len(tried) < 3 {
		t.Fatalf("nothing installed: err %v, tried %v", err, tried)
	}
	local := filepath.Join(home, ".local", "lib", "verdigris", libraryName())
	os.MkdirAll(filepath.Dir(local), 0o755)
	os.WriteFile(local, []byte("lib"), 0o644)
	if p, _, err := FindLibrary(getenv); err != nil || p != local {
		t.Fatalf("fetch-onnxruntime.sh's default location: got %q, %v", p, err)
	}
	// The variable wins, and is the only place looked at: a wrong path
	// is reported, not silently replaced.
	env[LibraryEnv] = filepath.Join(home, "elsewhere.so")
	if _, tried, err := FindLibrary(getenv); err == nil || len(tried) != 1 || tried[0] != env[LibraryEnv] {
		t.Fatalf("%s set to a missing file: err %v, tried %v", LibraryEnv, err, tried)
	}
	os.WriteFile(env[LibraryEnv], []byte("lib"), 0o644)
	if p, _, err := FindLibrary(getenv); err != nil || p != env[LibraryEnv] {
		t.Fatalf("%s: got %q, %v", LibraryEnv, p, err)
	}
}

// The ID changes with everything an indexed commit's vector depends on,
// and only with that: the query prefix changes no stored vector.
func TestIDCoversWhatShapesVectors(t *testing.T) {
	base := Config{Name: "m", ModelSHA256: strings.Repeat("ab", 32), TokSHA256: strings.Repeat("cd", 32), QueryPrefix: "query: ", PassagePrefix: "passage: "}
	id := base.id()
	if !regexp.MustCompile(`^onnx:m@[0-9a-f]{12}$`).MatchString(id) {
		t.Fatalf("ID %q", id)
	}
	for what, change := range map[string]func(*Config){
		"model":          func(c *Config) { c.ModelSHA256 = strings.Repeat("ef", 32) },
		"tokenizer":      func(c *Config) { c.TokSHA256 = strings.Repeat("ef", 32) },
		"passage prefix": func(c *Config) { c.PassagePrefix = "" },
		"name":           func(c *Config) { c.Name = "n" },
		"external data":  func(c *Config) { c.ExternalSHA256 = []string{strings.Repeat("01", 32)} },
		"pooling":        func(c *Config) { c.Pooling = PoolCLS },
		"lowercasing":    func(c *Config) { c.LowerCase = true },
		"bert casing":    func(c *Config) { c.BertCasing = &BertCasing{Lowercase: false, StripAccents: false} },
		"dimensions":     func(c *Config) { c.TruncateDim = 4 },
	} {
		c := base
		change(&c)
		if c.id() == id {
			t.Errorf("another %s, the same ID %s", what, id)
		}
	}
	c := base
	c.QueryPrefix = ""
	if c.id() != id {
		t.Errorf("the query prefix changed the ID: %s, %s", c.id(), id)
	}
	// Mean pooling, said or not, is what every model had before
	// pooling could be chosen: their indexes keep their vectors.
	c = base
	c.Pooling = PoolMean
	if c.id() != id {
		t.Errorf("mean pooling changed the ID: %s, %s", c.id(), id)
	}
	// Pinned: the ID changes only on purpose. It was onnx:m@5e34e36866d1
	// (models without external data kept it when external data began to
	// count) until the tokenizer's version became part of it: each
	// version changes the ids, hence the vectors, of some texts, and every
	// index embeds its commits again. Version 2 (onnx:m@fc9c4ed24d14)
	// applies tokenizer.json's normalizers as Hugging Face does; version 3
	// (onnx:m@7699a088581d) matches its added tokens in the text; version
	// 4 reads a graph's sentence_embedding before its token states.
	if want := "onnx:m@00a547a540b3"; id != want {
		t.Errorf("ID %s, want %s", id, want)
	}
	a, b := base, base
	a.ExternalSHA256 = []string{strings.Repeat("01", 32)}
	b.ExternalSHA256 = []string{strings.Repeat("02", 32)}
	if a.id() == b.id() {
		t.Errorf("other external data, the same ID %s", a.id())
	}
}

// VERDIGRIS_ONNXRUNTIME set to the directory that holds the library (where
// fetch-onnxruntime.sh installed it) was reported as "library not found
// (looked in DIR)", with the library right there: the error says that it
// names a directory, and the file to name instead.
func TestFindLibraryEnvDirectory(t *testing.T) {
	dir := t.TempDir()
	getenv := func(k string) string {
		if k == LibraryEnv {
			return dir
		}
		return ""
	}
	_, _, err := FindLibrary(getenv)
	if !errors.Is(err, ErrNoLibrary) {
		t.Fatalf("err %v, want ErrNoLibrary", err)
	}
	want := LibraryEnv + " names a directory; set it to the library file, " + filepath.Join(dir, libraryName())
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("err %q\nwant it to say %q", err, want)
	}
}
