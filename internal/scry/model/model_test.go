package model

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/verdigris-dev/verdigris/internal/scry/embed/builtin"
)

func TestVerifyTrustsStatAndCatchesChanges(t *testing.T) {
	p := filepath.Join(t.TempDir(), "model.onnx")
	os.WriteFile(p, []byte("weights v1"), 0o644)
	f, err := Pin(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(f); err != nil {
		t.Fatalf("unchanged: %v", err)
	}
	// Touched but identical: rehashed, accepted.
	later := time.Now().Add(time.Hour)
	os.Chtimes(p, later, later)
	if err := Verify(f); err != nil {
		t.Fatalf("touched: %v", err)
	}
	os.WriteFile(p, []byte("weights v2"), 0o644)
	if err := Verify(f); !errors.Is(err, ErrChanged) {
		t.Fatalf("changed content: err = %v, want ErrChanged", err)
	}
	os.Remove(p)
	if err := Verify(f); err == nil {
		t.Fatal("missing file verified")
	}
}

func TestLocateAndNames(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "all-MiniLM-L6-v2")
	os.MkdirAll(filepath.Join(dir, "onnx"), 0o755)
	os.WriteFile(filepath.Join(dir, "onnx", "model.onnx"), []byte("m"), 0o644)
	os.WriteFile(filepath.Join(dir, "tokenizer.json"), []byte("{}"), 0o644)
	m, tok, err := Locate([]string{dir})
	if err != nil || !strings.HasSuffix(m, "onnx/model.onnx") || !strings.HasSuffix(tok, "tokenizer.json") {
		t.Fatalf("Locate(dir) = %q %q %v", m, tok, err)
	}
	if n := DefaultName(m); n != "all-MiniLM-L6-v2" {
		t.Errorf("DefaultName = %q", n)
	}
	if _, _, err := Locate([]string{filepath.Join(dir, "tokenizer.json")}); err == nil {
		t.Error("a tokenizer alone was accepted")
	}
	if q, p, err := PrefixesOf(dir, "multilingual-e5-small"); q.Text != "query: " || p.Text != "passage: " || err != nil {
		t.Errorf("E5 prefixes %q %q %v", q.Text, p.Text, err)
	}
	if q, p, err := PrefixesOf(dir, "all-MiniLM-L6-v2"); q.Text != "" || p.Text != "" || err != nil {
		t.Errorf("MiniLM prefixes %q %q %v", q.Text, p.Text, err)
	}
	for _, bad := range []string{"", "builtin", "a b", "x/y"} {
		if ValidName(bad) == nil {
			t.Errorf("ValidName(%q) accepted", bad)
		}
	}
}

func TestSelectFallsBackToBuiltin(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	env := map[string]string{"HOME": home, "VERDIGRIS_ONNXRUNTIME": "/nonexistent/lib.so"}
	getenv := func(k string) string { return env[k] }
	trained, err := builtin.Train(ctx, builtin.Sources{Commits: []string{
		"add cache for parsed config", "fix crash in socket code", "docs: explain plugins", "speed up startup",
		"cache template output", "fix panic in parser", "ci: run on windows", "refactor the loader",
	}}, builtin.Options{Dim: 4})
	if err != nil {
		t.Fatal(err)
	}
	load := func() (*builtin.Model, error) { return trained, nil }

	e, reason, err := Select(ctx, getenv, load)
	if err != nil || e != trained || !strings.Contains(reason, "no ONNX model in use") {
		t.Fatalf("empty registry: %v %q %v", e, reason, err)
	}

	// An active model whose file changed is refused.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "model.onnx"), []byte("m1"), 0o644)
	os.WriteFile(filepath.Join(dir, "tokenizer.json"), []byte("{}"), 0o644)
	mf, _ := Pin(filepath.Join(dir, "model.onnx"))
	tf, _ := Pin(filepath.Join(dir, "tokenizer.json"))
	path, _ := Path(getenv)
	err = Update(ctx, path, func(r *Registry) error {
		r.Models = append(r.Models, Entry{Name: "m", Model: mf, Tokenizer: tf})
		r.Active = "m"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "model.onnx"), []byte("m2 is longer"), 0o644)
	e, reason, err = Select(ctx, getenv, load)
	if err != nil || e != trained || !strings.Contains(reason, "model m:") {
		t.Fatalf("changed model: %v %q %v", e, reason, err)
	}
	if !strings.Contains(reason, "changed since it was registered") && !strings.Contains(reason, "built without ONNX Runtime") {
		t.Errorf("reason %q names neither the change nor the missing runtime", reason)
	}

	// No built-in model yet: nothing to embed with, and no error.
	e, reason, err = Select(ctx, getenv, func() (*builtin.Model, error) { return nil, nil })
	if err != nil || e != nil || !strings.Contains(reason, "no built-in model trained yet") {
		t.Fatalf("no builtin: %v %q %v", e, reason, err)
	}
	// The built-in loader's own failure is the caller's to report.
	boom := errors.New("boom")
	if _, _, err := Select(ctx, getenv, func() (*builtin.Model, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("loader error: %v", err)
	}
}

// "model add a b" with two model directories (or two model files, or
// two tokenizers) registered the first and dropped the other unseen;
// a directory and one of its files named again stays fine, the file
// named winning.
func TestLocateRefusesTwoOfAKind(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"a", "b"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
		os.WriteFile(filepath.Join(root, d, "model.onnx"), []byte("m"), 0o644)
		os.WriteFile(filepath.Join(root, d, "tokenizer.json"), []byte("{}"), 0o644)
	}
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	for _, args := range [][]string{
		{a, b},
		{filepath.Join(a, "model.onnx"), filepath.Join(b, "model.onnx")},
		{filepath.Join(a, "tokenizer.json"), filepath.Join(b, "tokenizer.json")},
	} {
		if m, tok, err := Locate(args); err == nil {
			t.Errorf("Locate(%q) = %q %q, want an error", args, m, tok)
		}
	}
	m, tok, err := Locate([]string{a, filepath.Join(b, "tokenizer.json")})
	if err != nil || m != filepath.Join(a, "model.onnx") || tok != filepath.Join(b, "tokenizer.json") {
		t.Errorf("Locate(dir, tokenizer) = %q %q %v", m, tok, err)
	}
	m, tok, err = Locate([]string{filepath.Join(b, "model.onnx"), a})
	if err != nil || m != filepath.Join(b, "model.onnx") || tok != filepath.Join(a, "tokenizer.json") {
		t.Errorf("Locate(model, dir) = %q %q %v", m, tok, err)
	}
}

// A name is printed by model ls, add, use and rm and by doctor: one with
// control characters (a terminal escape, a carriage return, a
// bidirectional override, from --name or a directory's name) was
// registered and written to the terminal raw.
func TestValidNameRefusesControlCharacters(t *testing.T) {
	for _, bad := range []string{"esc\x1b[31mred", "tab\rcr", "x\u202eevil", "nb\u00a0sp", "del\x7f", "bell\x07"} {
		if ValidName(bad) == nil {
			t.Errorf("ValidName(%q) accepted", bad)
		}
	}
	for _, good := range []string{"all-MiniLM-L6-v2", "bge-small-en-v1.5", "e5_small", "模型", "modèle"} {
		if err := ValidName(good); err != nil {
			t.Errorf("ValidName(%q): %v", good, err)
		}
	}
}
