//go:build cgo && !noonnx

package onnx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/scry/embed/onnx/onnxtest"
)

// needRuntime loads ONNX Runtime or skips; with
// VERDIGRIS_REQUIRE_ONNXRUNTIME=1 (scripts/test.sh, after fetching the
// library) a missing runtime fails instead.
func needRuntime(t testing.TB) {
	t.Helper()
	if _, _, err := Runtime(os.Getenv); err != nil {
		if os.Getenv("VERDIGRIS_REQUIRE_ONNXRUNTIME") != "" {
			t.Fatalf("ONNX Runtime required: %v", err)
		}
		t.Skipf("ONNX Runtime not available (run scripts/fetch-onnxruntime.sh): %v", err)
	}
}

// modelDir writes model.onnx and tokenizer.json into a temporary
// directory.
// tableDir builds the token-table model of o and writes it into a model
// directory with a tokenizer cutting at maxLen (modelDir).
func tableDir(t testing.TB, o onnxtest.TableOptions, maxLen int) (table *onnxtest.Table, dir string, tok *Tokenizer) {
	t.Helper()
	table, err := onnxtest.TokenTableWith(o)
	if err != nil {
		t.Fatal(err)
	}
	dir, tok = modelDir(t, table.Model, maxLen)
	return table, dir, tok
}

// openIn opens the embedder of cfg over the model directory dir (named
// "m"), closed when the test ends.
func openIn(t testing.TB, dir string, cfg Config) *Embedder {
	t.Helper()
	cfg.Name, cfg.Model, cfg.Tokenizer = "m", filepath.Join(dir, "model.onnx"), filepath.Join(dir, "tokenizer.json")
	e, err := OpenEmbedder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func modelDir(t testing.TB, model []byte, maxLen int) (dir string, tok *Tokenizer) {
	t.Helper()
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "model.onnx"), model, 0o644); err != nil {
		t.Fatal(err)
	}
	p := writeTokenizerJSON(t, bertVocab(t), dir, maxLen)
	tok, err := LoadTokenizer(p)
	if err != nil {
		t.Fatal(err)
	}
	return dir, tok
}

var sentences = []string{
	"fix: don't install custom hooks to hooks dir",
	"a",
	"speed up git commands by caching the repository root and reusing it for every job in a hook run",
	"Café naïve",
	"",
	"feat: add interrupt (Ctrl-C) handling",
	"docs: mention the environment variable",
}

// The runtime's output, pooled and normalised by the embedder, must equal
// the same computation done in Go on the token table — through prefixes,
// truncation, length-sorted batches with padding, and models that do or
// do not declare token_type_ids.
func TestTokenTableModelMatchesGo(t *testing.T) {
	needRuntime(t)
	for _, types := range []bool{true, false} {
		table, err := onnxtest.TokenTable(30522, 16, 7, types)
		if err != nil {
			t.Fatal(err)
		}
		dir, tok := modelDir(t, table.Model, 12)
		e, err := OpenEmbedder(Config{
			Name: "table", Model: filepath.Join(dir, "model.onnx"), Tokenizer: filepath.Join(dir, "tokenizer.json"),
			ModelSHA256: strings.Repeat("ab", 32), QueryPrefix: "query: ", PassagePrefix: "passage: ", BatchSize: 3,
		})
		if err != nil {
			t.Fatal(err)
		}
		if e.Dim() != 16 || !strings.HasPrefix(e.ID(), "onnx:table@") {
			t.Errorf("Dim %d ID %s", e.Dim(), e.ID())
		}
		if want := map[bool]int{true: 3, false: 2}[types]; len(e.inputs) != want {
			t.Errorf("inputs %v; the graph declares %d", e.inputs, want)
		}
		ctx := context.Background()
		for prefix, fn := range map[string]func(context.Context, []string) ([][]float32, error){"query: ": e.EmbedQueries, "passage: ": e.EmbedPassages} {
			got, err := fn(ctx, sentences)
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range sentences {
				want := table.Pooled(tok.Encode(prefix + s))
				if d := maxDiff(got[i], want); d > 1e-5 {
					t.Errorf("types=%v %q%q: differs from Go by %g", types, prefix, s, d)
				}
			}
		}
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := e.EmbedQueries(ctx, []string{"x"}); err == nil {
			t.Error("embedding after Close succeeded")
		}
	}
}

// Padding must not leak into the result: a text embedded alone and in a
// batch with longer texts gives the same vector.
func TestMiniLMShapedBatchingIsExact(t *testing.T) {
	needRuntime(t)
	model, err := onnxtest.MiniLM(30522, 1)
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := modelDir(t, model, 128)
	e, err := OpenEmbedder(Config{Name: "minilm", Model: filepath.Join(dir, "model.onnx"), Tokenizer: filepath.Join(dir, "tokenizer.json"), Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.Dim() != 384 {
		t.Fatalf("Dim = %d", e.Dim())
	}
	ctx := context.Background()
	batched, err := e.EmbedPassages(ctx, sentences)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range sentences {
		single, err := e.EmbedPassages(ctx, []string{s})
		if err != nil {
			t.Fatal(err)
		}
		if n := l2(batched[i]); math.Abs(n-1) > 1e-5 {
			t.Errorf("%q: norm %g", s, n)
		}
		if d := maxDiff(batched[i], single[0]); d > 1e-4 {
			t.Errorf("%q: batched and single differ by %g", s, d)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.EmbedPassages(cctx, sentences); err == nil {
		t.Error("cancelled context: no error")
	}
}

// Texts are run several at a time, sorted by length so that each batch
// pads its texts to little more than their own length: long and short
// texts given alternately are not padded to the long ones. The vectors
// cannot show it (padding is masked), the batches' shapes do.
func TestBatchesAreSortedByLength(t *testing.T) {
	needRuntime(t)
	table, err := onnxtest.TokenTable(30522, 8, 3, true)
	if err != nil {
		t.Fatal(err)
	}
	dir, tok := modelDir(t, table.Model, 64)
	e, err := OpenEmbedder(Config{Name: "table", Model: filepath.Join(dir, "model.onnx"), Tokenizer: filepath.Join(dir, "tokenizer.json"), BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	long := "speed up git commands by caching the repository root and reusing it for every job"
	texts := []string{long, "a", long + " run", "b c", long + " again", "fix"}
	var rows, cells []int
	e.ran = func(b, seq int) { rows, cells = append(rows, b), append(cells, b*seq) }
	if _, err := e.EmbedPassages(context.Background(), texts); err != nil {
		t.Fatal(err)
	}
	lengths := make([]int, len(texts))
	for i, s := range texts {
		lengths[i] = len(tok.Encode(s))
	}
	padded := func(ls []int) int {
		n := 0
		for lo := 0; lo < len(ls); lo += 2 {
			n += 2 * slices.Max(ls[lo:min(lo+2, len(ls))])
		}
		return n
	}
	unsorted := padded(lengths)
	slices.Sort(lengths)
	want := padded(lengths)
	if want >= unsorted {
		t.Fatalf("the texts do not tell sorted batches from unsorted ones (%d tokens either way)", want)
	}
	var got int
	for _, c := range cells {
		got += c
	}
	if !slices.Equal(rows, []int{2, 2, 2}) || got != want {
		t.Errorf("batches of %v rows, %d tokens run; want 3 batches of 2, %d tokens (%d unsorted)", rows, got, want, unsorted)
	}
}

func TestOpenRejectsForeignModels(t *testing.T) {
	needRuntime(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "model.onnx")
	os.WriteFile(bad, []byte("not a model"), 0o644)
	tokPath := writeTokenizerJSON(t, bertVocab(t), dir, 16)
	if _, err := Open(Config{Model: bad, Tokenizer: tokPath}); err == nil {
		t.Error("garbage model accepted")
	}
	if _, err := Open(Config{Model: bad, Tokenizer: filepath.Join(dir, "missing.json")}); err == nil {
		t.Error("missing tokenizer accepted")
	}
}

func maxDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var d float64
	for i := range a {
		d = max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

func l2(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

// cut truncates token ids the way the embedder must for a model that
// takes at most n: [CLS], the first n-2 tokens, [SEP].
func cut(ids []int64, n int) []int64 {
	if len(ids) <= n {
		return ids
	}
	return append(slices.Clone(ids[:n-1]), ids[len(ids)-1])
}

// shapeTexts are many texts of many lengths, in no length order, some
// longer than any limit the shape tests set: the vectors must come back
// in this order, each the one its own (truncated) tokens give.
func shapeTexts() []string {
	texts := slices.Clone(sentences)
	words := strings.Fields("fix the hook runner so that every job in a run sees the repository root and its cached config")
	for i := range 70 {
		texts = append(texts, strings.Join(words[:i%len(words)], " ")+fmt.Sprintf(" change %d", i))
	}
	return append(texts, strings.Repeat("long commit message body ", 40), "中文 提交 😀 \x01\x7f")
}

// The model, not only its tokenizer, limits a text's length: a graph
// whose position table is shorter than the tokenizer's max_length
// failed at run time on the first long text (every index run, and a
// long query failed the search); such texts are cut to what the model
// takes.
func TestTokenTableTruncatesAtThePositionTable(t *testing.T) {
	needRuntime(t)
	checkShape(t, onnxtest.TableOptions{Positions: 20, TokenTypes: true}, 64, 20)
}

// checkShape embeds shapeTexts with a token-table graph built from o
// and a tokenizer cutting at maxLen, and compares every vector with the
// Go computation on the text's tokens cut at limit.
func checkShape(t *testing.T, o onnxtest.TableOptions, maxLen, limit int) {
	t.Helper()
	o.Vocab, o.Hidden, o.Seed = 30522, 8, 3
	table, dir, tok := tableDir(t, o, maxLen)
	e, err := OpenEmbedder(Config{Name: "shape", Model: filepath.Join(dir, "model.onnx"), Tokenizer: filepath.Join(dir, "tokenizer.json"), PassagePrefix: "passage: ", BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.Dim() != 8 {
		t.Errorf("Dim = %d", e.Dim())
	}
	texts := shapeTexts()
	for range 2 { // again once the embedder knows the model's limit
		got, err := e.EmbedPassages(context.Background(), texts)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range texts {
			want := table.Pooled(cut(tok.Encode("passage: "+s), limit))
			if d := maxDiff(got[i], want); d > 1e-5 {
				t.Errorf("text %d %.30q: differs from Go by %g", i, s, d)
			}
		}
	}
	if _, err := e.EmbedQueries(context.Background(), []string{texts[len(texts)-2]}); err != nil {
		t.Errorf("long query: %v", err)
	}
}

// Exports that declare int32 token inputs (some converters' choice)
// failed to run at all: every tensor was int64.
func TestTokenTableInt32Inputs(t *testing.T) {
	needRuntime(t)
	checkShape(t, onnxtest.TableOptions{Int32: true, TokenTypes: true}, 64, 64)
	checkShape(t, onnxtest.TableOptions{Int32: true}, 64, 64)
}

// Exports traced at one shape fix the batch size or the sequence length
// in their inputs: batches of another size, or texts padded to another
// length, failed every run.
func TestTokenTableFixedDimensions(t *testing.T) {
	needRuntime(t)
	t.Run("batch1", func(t *testing.T) { checkShape(t, onnxtest.TableOptions{Batch: 1}, 64, 64) })
	t.Run("batch5", func(t *testing.T) { checkShape(t, onnxtest.TableOptions{Batch: 5, TokenTypes: true}, 64, 64) })
	t.Run("seq16", func(t *testing.T) { checkShape(t, onnxtest.TableOptions{Seq: 16, TokenTypes: true}, 64, 16) })
	t.Run("batch1seq128", func(t *testing.T) { checkShape(t, onnxtest.TableOptions{Batch: 1, Seq: 128}, 64, 64) })
}

// A graph that pools inside (one vector per text) is used as is, with
// every shape of input the other tests vary.
func TestTokenTablePooledOutput(t *testing.T) {
	needRuntime(t)
	checkShape(t, onnxtest.TableOptions{Pooled: true, TokenTypes: true}, 64, 64)
	checkShape(t, onnxtest.TableOptions{Pooled: true, Int32: true, Batch: 3, Positions: 24}, 64, 24)
}

// An export with both the token states and the model's own sentence
// vector (sentence-transformers' ONNX exports: token_embeddings,
// sentence_embedding) was mean-pooled over its token states, which is
// not the vector a model trained with CLS pooling (BGE) makes: the
// graph's sentence_embedding is used.
func TestTokenTableSentenceEmbeddingOverTokenStates(t *testing.T) {
	needRuntime(t)
	table, dir, tok := tableDir(t, onnxtest.TableOptions{Vocab: 30522, Hidden: 8, Seed: 5, TokenTypes: true, Pooled: true, TokenStates: true, CLS: true}, 64)
	e, err := OpenEmbedder(Config{Name: "cls", Model: filepath.Join(dir, "model.onnx"), Tokenizer: filepath.Join(dir, "tokenizer.json"), BatchSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	got, err := e.EmbedPassages(context.Background(), sentences)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range sentences {
		if d := maxDiff(got[i], table.Pooled(tok.Encode(s)[:1])); d > 1e-5 {
			t.Errorf("%q: differs from the [CLS] row by %g", s, d)
		}
	}
}

// A model trained with CLS pooling (BGE, and others whose
// 1_Pooling/config.json says pooling_mode_cls_token) exported with its
// token states only was mean-pooled: with Pooling "cls" its vector is
// its first token's state, through padding and batches.
func TestTokenTableCLSPooling(t *testing.T) {
	needRuntime(t)
	table, dir, tok := tableDir(t, onnxtest.TableOptions{Vocab: 30522, Hidden: 8, Seed: 6, TokenTypes: true}, 64)
	e, err := OpenEmbedder(Config{Name: "cls", Model: filepath.Join(dir, "model.onnx"), Tokenizer: filepath.Join(dir, "tokenizer.json"), Pooling: PoolCLS, QueryPrefix: "q ", BatchSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	got, err := e.EmbedQueries(context.Background(), sentences)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range sentences {
		if d := maxDiff(got[i], table.Pooled(tok.Encode("q " + s)[:1])); d > 1e-5 {
			t.Errorf("%q: differs from the [CLS] row by %g", s, d)
		}
	}
}

// BERT exports converted from TensorFlow name their inputs input_mask
// and segment_ids, often with tf2onnx's ":0": such a model was refused
// ("model input "input_mask" is not one of input_ids, attention_mask,
// token_type_ids").
func TestTokenTableTensorFlowInputNames(t *testing.T) {
	needRuntime(t)
	checkShape(t, onnxtest.TableOptions{TokenTypes: true, Rename: map[string]string{"attention_mask": "input_mask", "token_type_ids": "segment_ids"}}, 64, 64)
	checkShape(t, onnxtest.TableOptions{TokenTypes: true, Rename: map[string]string{"input_ids": "input_ids:0", "attention_mask": "input_mask:0", "token_type_ids": "segment_ids:0"}}, 64, 64)
}

// A half-precision export (model_fp16.onnx) was refused as having "no
// float output of shape [batch, tokens, hidden] or [batch, hidden]",
// which it has; the refusal names what is wrong and what to use.
func TestOpenRefusesFloat16Outputs(t *testing.T) {
	needRuntime(t)
	_, dir, _ := tableDir(t, onnxtest.TableOptions{Vocab: 30522, Hidden: 8, Float16: true}, 64)
	_, err := OpenEmbedder(Config{Name: "half", Model: filepath.Join(dir, "model.onnx"), Tokenizer: filepath.Join(dir, "tokenizer.json")})
	if err == nil || !strings.Contains(err.Error(), "half precision (float16)") || !strings.Contains(err.Error(), "use the model's float32 export") {
		t.Fatalf("float16 model: %v", err)
	}
}

// A model whose 1_Pooling/config.json says include_prompt false
// (INSTRUCTOR-style models) is trained on the mean of the text's own
// tokens: sentence-transformers leaves the prompt out of the mean, [CLS]
// with it. The prompt was averaged in all the same.
func TestTokenTableMeanPoolingExcludesThePrompt(t *testing.T) {
	needRuntime(t)
	table, dir, tok := tableDir(t, onnxtest.TableOptions{Vocab: 30522, Hidden: 8, Seed: 9, TokenTypes: true}, 24)
	const query, passage = "query: ", "Represent the commit message for retrieval: "
	open := func(cfg Config) *Embedder {
		t.Helper()
		cfg.Name, cfg.Model, cfg.Tokenizer, cfg.BatchSize = "instructed", filepath.Join(dir, "model.onnx"), filepath.Join(dir, "tokenizer.json"), 3
		e, err := OpenEmbedder(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.Close() })
		return e
	}
	e := open(Config{QueryPrefix: query, PassagePrefix: passage, ExcludePrompt: true})
	ctx := context.Background()
	for prefix, fn := range map[string]func(context.Context, []string) ([][]float32, error){query: e.EmbedQueries, passage: e.EmbedPassages} {
		// [CLS] and the prompt's own tokens: "query", ":" are 2.
		n := len(tok.Encode(prefix)) - 1
		if prefix == query && n != 3 {
			t.Fatalf("%q: %d tokens before the text, want 3", prefix, n)
		}
		got, err := fn(ctx, sentences)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range sentences {
			ids := tok.Encode(prefix + s)
			if !slices.Equal(ids[:n], tok.Encode(prefix)[:n]) {
				t.Fatalf("%q%q: the prompt's tokens %v do not begin the text's %v", prefix, s, tok.Encode(prefix), ids)
			}
			if d := maxDiff(got[i], table.Pooled(ids[n:])); d > 1e-5 {
				t.Errorf("%q%q: differs from the mean of the text's own tokens by %g", prefix, s, d)
			}
		}
	}
	// CLS pooling takes the first token whatever the mask says, as
	// sentence-transformers does.
	cls := open(Config{QueryPrefix: query, Pooling: PoolCLS, ExcludePrompt: true})
	got, err := cls.EmbedQueries(ctx, sentences[:1])
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(got[0], table.Pooled(tok.Encode(query + sentences[0])[:1])); d > 1e-5 {
		t.Errorf("CLS pooling: differs from the [CLS] row by %g", d)
	}
	// Only where it changes a stored vector does it change the ID: the
	// IDs of models registered before it was read stay theirs.
	for _, c := range []Config{{Name: "m", PassagePrefix: passage, ExcludePrompt: true}, {Name: "m", ExcludePrompt: true}, {Name: "m", PassagePrefix: passage, Pooling: PoolCLS, ExcludePrompt: true}} {
		base := c
		base.ExcludePrompt = false
		if changes := c.PassagePrefix != "" && c.Pooling != PoolCLS; (c.ID() != base.ID()) != changes {
			t.Errorf("%+v: ID %s, without ExcludePrompt %s", c, c.ID(), base.ID())
		}
	}
}

// A model that computes NaN for a text (an optimized or half-precision
// export overflowing) gave NaN vectors without a word: model add
// registered it, the index stored them, and searches printed NaN scores
// (--json failed, "json: unsupported value: NaN"). Such a text is an
// error of the model, as one it cannot take is; the others embed.
func TestTokenTableNaNOutputIsAnError(t *testing.T) {
	needRuntime(t)
	for _, pooled := range []bool{false, true} {
		// 5371 is "file" in bert-base-uncased.
		table, dir, tok := tableDir(t, onnxtest.TableOptions{Vocab: 30522, Hidden: 8, Seed: 4, TokenTypes: true, Pooled: pooled, NaNRows: []int{5371}}, 64)
		e, err := OpenEmbedder(Config{Name: "nan", Model: filepath.Join(dir, "model.onnx"), Tokenizer: filepath.Join(dir, "tokenizer.json"), BatchSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := e.EmbedPassages(ctx, []string{"fix the parser", "a file was lost", "docs"}); !errors.Is(err, ErrNotFinite) {
			t.Errorf("pooled=%v: a text the model computes NaN for: %v, want ErrNotFinite", pooled, err)
		}
		if _, err := e.EmbedQueries(ctx, []string{"file"}); !errors.Is(err, ErrNotFinite) {
			t.Errorf("pooled=%v: a query the model computes NaN for: %v, want ErrNotFinite", pooled, err)
		}
		got, err := e.EmbedPassages(ctx, []string{"fix the parser", "docs"})
		if err != nil {
			t.Fatalf("pooled=%v: texts without the token: %v", pooled, err)
		}
		if d := maxDiff(got[0], table.Pooled(tok.Encode("fix the parser"))); d > 1e-5 {
			t.Errorf("differs from Go by %g", d)
		}
		e.Close()
	}
}

// sentence-transformers cuts a text at its sentence_bert_config.json's
// max_seq_length, whatever tokenizer.json's truncation says
// (all-MiniLM-L6-v2: 256, its tokenizer.json 128): Config.MaxLength is
// that limit, and a text is cut there, not at the tokenizer's; the ID
// changes with it, and only where it is set.
func TestTokenTableMaxLengthOverTheTokenizers(t *testing.T) {
	needRuntime(t)
	table, dir, _ := tableDir(t, onnxtest.TableOptions{Vocab: 30522, Hidden: 8, Seed: 3, TokenTypes: true}, 8)
	long := strings.Repeat("parser config loader hook ", 10)
	for _, n := range []int{0, 6, 24} {
		cfg := Config{Name: "m", Model: filepath.Join(dir, "model.onnx"), Tokenizer: filepath.Join(dir, "tokenizer.json"), MaxLength: n}
		e, err := OpenEmbedder(cfg)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.EmbedPassages(context.Background(), []string{long})
		e.Close()
		if err != nil {
			t.Fatal(err)
		}
		want := n
		if n == 0 {
			want = 8
		}
		ref, err := ParseTokenizer(mustRead(t, filepath.Join(dir, "tokenizer.json")))
		if err != nil {
			t.Fatal(err)
		}
		ref.maxLen = want
		if ids := ref.Encode(long); len(ids) != want {
			t.Fatalf("reference tokenizer cut at %d tokens, want %d", len(ids), want)
		} else if d := maxDiff(got[0], table.Pooled(ids)); d > 1e-5 {
			t.Errorf("MaxLength %d: differs from the text cut at %d tokens by %g", n, want, d)
		}
		base := cfg
		base.MaxLength = 0
		if (cfg.ID() != base.ID()) != (n != 0) {
			t.Errorf("MaxLength %d: ID %s, without it %s", n, cfg.ID(), base.ID())
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A model whose sentence_bert_config.json says do_lower_case has its
// texts lowercased, prefix and all, before a cased tokenizer's
// normalizers (Config.LowerCase): its vectors are those of the
// lowercased texts, as sentence-transformers makes them, where the cased
// tokenizer alone made [UNK] of every capitalised word.
func TestTokenTableLowerCase(t *testing.T) {
	needRuntime(t)
	table, dir, uncased := tableDir(t, onnxtest.TableOptions{Vocab: 30522, Hidden: 8, Seed: 5, TokenTypes: true}, 64)
	var doc map[string]any
	if err := json.Unmarshal(mustRead(t, filepath.Join(dir, "tokenizer.json")), &doc); err != nil {
		t.Fatal(err)
	}
	doc["normalizer"] = map[string]any{"type": "BertNormalizer", "lowercase": false, "strip_accents": false}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tokenizer.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	texts := []string{"Fix The Hook Runner", "README: Mention GIT_DIR"}
	for _, lower := range []bool{false, true} {
		got, err := openIn(t, dir, Config{QueryPrefix: "Query: ", LowerCase: lower}).EmbedQueries(context.Background(), texts)
		if err != nil {
			t.Fatal(err)
		}
		for i, text := range texts {
			d := maxDiff(got[i], table.Pooled(uncased.Encode(strings.ToLower("Query: "+text))))
			if lower && d > 1e-5 {
				t.Errorf("lowercased %q: differs from the lowercased text's vector by %g", text, d)
			}
			if !lower && d < 1e-3 {
				t.Errorf("cased %q: the lowercased text's vector (the test shows nothing)", text)
			}
		}
	}
}

// Config.TruncateDim cuts every vector to its first dimensions before it
// is normalised, as sentence-transformers' truncate_dim does (Matryoshka
// models): for token states mean-pooled and for a graph's own sentence
// vector; Dim says the cut length, the ID changes with it, and more
// dimensions than the model outputs are refused.
func TestTokenTableTruncateDim(t *testing.T) {
	needRuntime(t)
	for _, pooled := range []bool{false, true} {
		table, dir, tok := tableDir(t, onnxtest.TableOptions{Vocab: 30522, Hidden: 8, Seed: 9, TokenTypes: true, Pooled: pooled}, 64)
		cfg := Config{Name: "m", Model: filepath.Join(dir, "model.onnx"), Tokenizer: filepath.Join(dir, "tokenizer.json"), TruncateDim: 3, BatchSize: 3}
		e, err := OpenEmbedder(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if e.Dim() != 3 {
			t.Errorf("pooled=%v: Dim %d, want 3", pooled, e.Dim())
		}
		got, err := e.EmbedPassages(context.Background(), sentences)
		e.Close()
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range sentences {
			full := table.Pooled(tok.Encode(s))
			want := normalize(slices.Clone(full[:3]))
			if len(got[i]) != 3 || maxDiff(got[i], want) > 1e-5 || math.Abs(l2(got[i])-1) > 1e-5 {
				t.Errorf("pooled=%v %q: %v, want %v (the first 3 of %v, normalised)", pooled, s, got[i], want, full)
			}
		}
		whole := cfg
		whole.TruncateDim = 0
		if cfg.ID() == whole.ID() {
			t.Errorf("pooled=%v: the same ID %s cut or not", pooled, cfg.ID())
		}
		cfg.TruncateDim = 9
		if _, err := OpenEmbedder(cfg); !errors.Is(err, ErrTooFewDims) || !strings.Contains(err.Error(), "outputs 8 dimensions, fewer than the 9") {
			t.Errorf("pooled=%v: cut to 9 of 8 dimensions: %v", pooled, err)
		}
	}
}

// A model whose tokenizer_config.json makes its BertNormalizer cased
// (Config.BertCasing, as transformers' fast BERT tokenizer reads it) has
// the vectors of its texts as written, where tokenizer.json alone
// lowercased them: the embedder makes the normalizer anew before it
// tokenizes.
func TestTokenTableBertCasing(t *testing.T) {
	needRuntime(t)
	table, dir, uncased := tableDir(t, onnxtest.TableOptions{Vocab: 30522, Hidden: 8, Seed: 6, TokenTypes: true}, 64)
	cased := *uncased
	if err := cased.SetBertCasing(BertCasing{}); err != nil {
		t.Fatal(err)
	}
	texts := []string{"Fix The Hook Runner", "README: Mention GIT_DIR"}
	for _, casing := range []*BertCasing{nil, {}} {
		got, err := openIn(t, dir, Config{BertCasing: casing}).EmbedQueries(context.Background(), texts)
		if err != nil {
			t.Fatal(err)
		}
		for i, text := range texts {
			d := maxDiff(got[i], table.Pooled(cased.Encode(text)))
			if casing != nil && d > 1e-5 {
				t.Errorf("cased %q: differs from the cased tokens' vector by %g", text, d)
			}
			if casing == nil && d < 1e-3 {
				t.Errorf("uncased %q: the cased tokens' vector (the test shows nothing)", text)
			}
		}
	}
}
