// Package onnxtest builds the ONNX graphs and tokenizer files that the
// ONNX embedder's tests and benchmarks run: no pretrained weights are
// needed (or reachable) to exercise the real runtime.
//
//   - TokenTable: each token's vector is a row of a table (Gather), so the
//     mean-pooled output can be computed exactly in Go.
//   - MiniLM: the shape of all-MiniLM-L6-v2 (6 layers, hidden 384, 12
//     heads, feed-forward 1536, BERT vocabulary) with random weights, for
//     throughput.
package onnxtest

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

// BertVocab returns the path of the real bert-base-uncased vocab.txt that
// ships inside the github.com/sugarme/tokenizer module.
func BertVocab() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/sugarme/tokenizer").Output()
	if err != nil {
		return "", fmt.Errorf("locating github.com/sugarme/tokenizer: %w", err)
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "pretrained", "model", "bert-base-uncased-vocab.txt")
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	return p, nil
}

// WriteTokenizer writes dir/tokenizer.json in the shape Hugging Face's
// exports of BERT sentence models have (all-MiniLM-L6-v2's), from a
// vocab.txt, cutting texts at maxLen tokens (0: it sets no truncation),
// and returns its path and the vocabulary size.
func WriteTokenizer(dir, vocabTxt string, maxLen int) (string, int, error) {
	f, err := os.Open(vocabTxt)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	vocab := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		vocab[sc.Text()] = len(vocab)
	}
	if err := sc.Err(); err != nil {
		return "", 0, err
	}
	var truncation any // maxLen 0: none, as exports saved without it have
	if maxLen > 0 {
		truncation = map[string]any{"direction": "Right", "max_length": maxLen, "strategy": "LongestFirst", "stride": 0}
	}
	doc := map[string]any{
		"version":       "1.0",
		"truncation":    truncation,
		"padding":       map[string]any{"strategy": "BatchLongest", "pad_id": 0, "pad_token": "[PAD]"},
		"added_tokens":  addedTokens(vocab, "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"),
		"normalizer":    map[string]any{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": nil, "lowercase": true},
		"pre_tokenizer": map[string]any{"type": "BertPreTokenizer"},
		"post_processor": map[string]any{
			"type": "TemplateProcessing",
			"single": []any{
				map[string]any{"SpecialToken": map[string]any{"id": "[CLS]", "type_id": 0}},
				map[string]any{"Sequence": map[string]any{"id": "A", "type_id": 0}},
				map[string]any{"SpecialToken": map[string]any{"id": "[SEP]", "type_id": 0}},
			},
		},
		"model": map[string]any{"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": vocab},
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return "", 0, err
	}
	p := filepath.Join(dir, "tokenizer.json")
	return p, len(vocab), os.WriteFile(p, data, 0o644)
}

// addedTokens are tokenizer.json's added_tokens for the special tokens
// named, with the flags the exports record for them.
func addedTokens(vocab map[string]int, names ...string) []any {
	var out []any
	for _, n := range names {
		out = append(out, map[string]any{"id": vocab[n], "content": n, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true})
	}
	return out
}

// graph accumulates nodes and weights.
type graph struct {
	g   *onnx.GraphProto
	rng *rand.Rand
	n   int
}

func newGraph(name string, seed uint64) *graph {
	return &graph{g: &onnx.GraphProto{Name: name}, rng: rand.New(rand.NewPCG(seed, 0x0a11ce))}
}

func (g *graph) name(prefix string) string {
	g.n++
	return fmt.Sprintf("%s_%d", prefix, g.n)
}

func floatTensor(name string, dims []int64, data []float32) *onnx.TensorProto {
	raw := make([]byte, 4*len(data))
	for i, x := range data {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(x))
	}
	return &onnx.TensorProto{Name: name, Dims: dims, DataType: int32(onnx.TensorProto_FLOAT), RawData: raw}
}

func (g *graph) weight(prefix string, scale float64, dims ...int64) (string, []float32) {
	n := int64(1)
	for _, d := range dims {
		n *= d
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(g.rng.NormFloat64() * scale)
	}
	name := g.name(prefix)
	g.g.Initializer = append(g.g.Initializer, floatTensor(name, dims, data))
	return name, data
}

func (g *graph) constFloat(v []float32, dims ...int64) string {
	name := g.name("c")
	g.g.Initializer = append(g.g.Initializer, floatTensor(name, dims, v))
	return name
}

func (g *graph) constInt(v ...int64) string {
	name := g.name("ci")
	raw := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(raw[8*i:], uint64(x))
	}
	g.g.Initializer = append(g.g.Initializer, &onnx.TensorProto{Name: name, Dims: []int64{int64(len(v))}, DataType: int32(onnx.TensorProto_INT64), RawData: raw})
	return name
}

// constScalar is an int64 scalar: Gather with it drops the axis.
func (g *graph) constScalar(v int64) string {
	name := g.name("cs")
	raw := make([]byte, 8)
	binary.LittleEndian.PutUint64(raw, uint64(v))
	g.g.Initializer = append(g.g.Initializer, &onnx.TensorProto{Name: name, DataType: int32(onnx.TensorProto_INT64), RawData: raw})
	return name
}

func (g *graph) op(typ string, attrs []*onnx.AttributeProto, inputs ...string) string {
	out := g.name(strings.ToLower(typ))
	g.g.Node = append(g.g.Node, &onnx.NodeProto{Name: out, OpType: typ, Input: inputs, Output: []string{out}, Attribute: attrs})
	return out
}

func intAttr(name string, v int64) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_INT, I: v}
}

func intsAttr(name string, v ...int64) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_INTS, Ints: v}
}

func floatAttr(name string, v float32) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_FLOAT, F: v}
}

func valueInfo(name string, elem onnx.TensorProto_DataType, dims ...any) *onnx.ValueInfoProto {
	shape := &onnx.TensorShapeProto{}
	for _, d := range dims {
		switch d := d.(type) {
		case string:
			shape.Dim = append(shape.Dim, &onnx.TensorShapeProto_Dimension{Value: &onnx.TensorShapeProto_Dimension_DimParam{DimParam: d}})
		case int:
			shape.Dim = append(shape.Dim, &onnx.TensorShapeProto_Dimension{Value: &onnx.TensorShapeProto_Dimension_DimValue{DimValue: int64(d)}})
		}
	}
	return &onnx.ValueInfoProto{Name: name, Type: &onnx.TypeProto{Value: &onnx.TypeProto_TensorType{TensorType: &onnx.TypeProto_Tensor{ElemType: int32(elem), Shape: shape}}}}
}

// inputs declares the BERT inputs named in names.
func (g *graph) inputs(names ...string) {
	for _, n := range names {
		g.g.Input = append(g.g.Input, valueInfo(n, onnx.TensorProto_INT64, "batch", "sequence"))
	}
}

func (g *graph) output(from, name string, dims ...any) {
	g.g.Node = append(g.g.Node, &onnx.NodeProto{Name: name + "_identity", OpType: "Identity", Input: []string{from}, Output: []string{name}})
	g.g.Output = append(g.g.Output, valueInfo(name, onnx.TensorProto_FLOAT, dims...))
}

func (g *graph) marshal() ([]byte, error) {
	m := &onnx.ModelProto{
		IrVersion:    8,
		ProducerName: "verdigris-onnxtest",
		OpsetImport:  []*onnx.OperatorSetIdProto{{Domain: "", Version: 17}},
		Graph:        g.g,
	}
	return proto.Marshal(m)
}

// Table is a token-table model: last_hidden_state[b, s] = Words[id] +
// Types[type id], so a text's pooled vector is the mean of its tokens'
// rows (plus the type row) over the attention mask.
type Table struct {
	Vocab, Hidden int
	Words, Types  []float32 // Vocab×Hidden and 2×Hidden, row-major
	TokenTypes    bool      // the graph declares token_type_ids
	Model         []byte
	// External is the file the word table is kept in when
	// TableOptions.External names one: raw little-endian float32s.
	External []byte
}

// TokenTable builds a token-table model. Without token types the graph
// declares only input_ids and attention_mask (the mask is declared but
// unused: pooling is the embedder's job).
func TokenTable(vocab, hidden int, seed uint64, tokenTypes bool) (*Table, error) {
	return TokenTableWith(TableOptions{Vocab: vocab, Hidden: hidden, Seed: seed, TokenTypes: tokenTypes})
}

// TableOptions shapes a token-table graph the ways real exports differ.
type TableOptions struct {
	Vocab, Hidden int
	Seed          uint64
	TokenTypes    bool // declare token_type_ids
	Int32         bool // int32 inputs instead of int64
	// Batch and Seq fix the inputs' dimensions (0: dynamic), as exports
	// traced at one shape have them.
	Batch, Seq int
	// Positions adds a position table of that many rows (all zeros, so
	// the output is unchanged): a longer input fails at run time, as a
	// BERT whose tokenizer allows more tokens than its positions does.
	Positions int
	// Pooled outputs one vector per text, the mean of its tokens' rows
	// under the attention mask (a sentence-transformers export with its
	// pooling inside), named sentence_embedding.
	Pooled bool
	// CLS, with Pooled, makes the text's vector its first token's row
	// ([CLS]) instead of the mean, as in the exports of models trained
	// with CLS pooling (BGE).
	CLS bool
	// TokenStates, with Pooled, outputs the token states too, first,
	// named token_embeddings, as sentence-transformers' ONNX exports
	// (optimum's) have both.
	TokenStates bool
	// Pooler outputs pooler_output (tanh of the [CLS] row) after
	// last_hidden_state, as plain BERT exports have it.
	Pooler bool
	// Float16 makes the output half precision, as the fp16 exports
	// of model repositories have it.
	Float16 bool
	// Rename gives inputs other names (input_mask, segment_ids:0: the
	// names of TensorFlow BERT exports).
	Rename map[string]string
	// External keeps the word table in a file of that name beside
	// model.onnx (Table.External), as exports of large models keep
	// their weights in model.onnx_data.
	External string
	// HiddenUnknown declares the outputs' last dimension by a name
	// ("hidden"), not its size, as some exports do: the vectors' length
	// is known only by running the model.
	HiddenUnknown bool
	// NaNRows are token ids whose rows of the word table are NaN: the
	// model outputs NaN for a text with one of them, as an export that
	// overflows in half precision does.
	NaNRows []int
}

// TokenTableWith builds a token-table model shaped by o.
func TokenTableWith(o TableOptions) (*Table, error) {
	g := newGraph("token_table", o.Seed)
	t := &Table{Vocab: o.Vocab, Hidden: o.Hidden, TokenTypes: o.TokenTypes}
	var words string
	words, t.Words = g.weight("words", 1, int64(o.Vocab), int64(o.Hidden))
	for _, id := range o.NaNRows {
		row := t.Words[id*o.Hidden : (id+1)*o.Hidden]
		for k := range row {
			row[k] = float32(math.NaN())
		}
		w := g.g.Initializer[len(g.g.Initializer)-1]
		for k := range row {
			binary.LittleEndian.PutUint32(w.RawData[4*(id*o.Hidden+k):], math.Float32bits(row[k]))
		}
	}
	axis0 := []*onnx.AttributeProto{intAttr("axis", 0)}
	h := g.op("Gather", axis0, words, "input_ids")
	names := []string{"input_ids", "attention_mask"}
	if o.TokenTypes {
		names = append(names, "token_type_ids")
		var types string
		types, t.Types = g.weight("types", 1, 2, int64(o.Hidden))
		h = g.op("Add", nil, h, g.op("Gather", axis0, types, "token_type_ids"))
	}
	elem := onnx.TensorProto_INT64
	if o.Int32 {
		elem = onnx.TensorProto_INT32
	}
	var batch, seq, hidden any = "batch", "sequence", o.Hidden
	if o.HiddenUnknown {
		hidden = "hidden"
	}
	if o.Batch > 0 {
		batch = o.Batch
	}
	if o.Seq > 0 {
		seq = o.Seq
	}
	for _, n := range names {
		g.g.Input = append(g.g.Input, valueInfo(n, elem, batch, seq))
	}
	if o.Positions > 0 {
		positions := g.constFloat(make([]float32, o.Positions*o.Hidden), int64(o.Positions), int64(o.Hidden))
		seqLen := g.op("Squeeze", nil, g.op("Gather", axis0, g.op("Shape", nil, "input_ids"), g.constInt(1)), g.constInt(0))
		zero, one := g.name("zero"), g.name("one")
		for name, v := range map[string]int64{zero: 0, one: 1} {
			raw := make([]byte, 8)
			binary.LittleEndian.PutUint64(raw, uint64(v))
			g.g.Initializer = append(g.g.Initializer, &onnx.TensorProto{Name: name, DataType: int32(onnx.TensorProto_INT64), RawData: raw})
		}
		h = g.op("Add", nil, h, g.op("Gather", axis0, positions, g.op("Range", nil, zero, seqLen, one)))
	}
	if o.Pooled {
		if o.TokenStates {
			g.output(h, "token_embeddings", batch, seq, hidden)
		}
		var pooled string
		if o.CLS {
			pooled = g.op("Gather", []*onnx.AttributeProto{intAttr("axis", 1)}, h, g.constScalar(0))
		} else {
			mask := g.op("Unsqueeze", nil, g.op("Cast", []*onnx.AttributeProto{intAttr("to", int64(onnx.TensorProto_FLOAT))}, "attention_mask"), g.constInt(2))
			sum := g.op("ReduceSum", []*onnx.AttributeProto{intAttr("keepdims", 0)}, g.op("Mul", nil, h, mask), g.constInt(1))
			count := g.op("ReduceSum", []*onnx.AttributeProto{intAttr("keepdims", 0)}, mask, g.constInt(1))
			pooled = g.op("Div", nil, sum, count)
		}
		g.output(pooled, "sentence_embedding", batch, hidden)
	} else if o.Float16 {
		half := g.op("Cast", []*onnx.AttributeProto{intAttr("to", int64(onnx.TensorProto_FLOAT16))}, h)
		g.g.Node = append(g.g.Node, &onnx.NodeProto{Name: "last_hidden_state_identity", OpType: "Identity", Input: []string{half}, Output: []string{"last_hidden_state"}})
		g.g.Output = append(g.g.Output, valueInfo("last_hidden_state", onnx.TensorProto_FLOAT16, batch, seq, hidden))
	} else {
		g.output(h, "last_hidden_state", batch, seq, hidden)
		if o.Pooler {
			cls := g.op("Gather", []*onnx.AttributeProto{intAttr("axis", 1)}, h, g.constScalar(0))
			g.output(g.op("Tanh", nil, cls), "pooler_output", batch, hidden)
		}
	}
	for _, in := range g.g.Input {
		if to, ok := o.Rename[in.Name]; ok {
			in.Name = to
		}
	}
	for _, n := range g.g.Node {
		for k, in := range n.Input {
			if to, ok := o.Rename[in]; ok {
				n.Input[k] = to
			}
		}
	}
	if o.External != "" {
		for _, init := range g.g.Initializer {
			if init.Name == words {
				t.External, init.RawData = init.RawData, nil
				init.DataLocation = onnx.TensorProto_EXTERNAL
				init.ExternalData = []*onnx.StringStringEntryProto{
					{Key: "location", Value: o.External},
					{Key: "offset", Value: "0"},
					{Key: "length", Value: fmt.Sprint(len(t.External))},
				}
			}
		}
	}
	var err error
	t.Model, err = g.marshal()
	return t, err
}

// Pooled is the vector the embedder must produce for ids: the mean of
// the rows (type 0) normalised to unit length.
func (t *Table) Pooled(ids []int64) []float32 {
	acc := make([]float64, t.Hidden)
	for _, id := range ids {
		for k := 0; k < t.Hidden; k++ {
			x := float64(t.Words[int(id)*t.Hidden+k])
			if t.TokenTypes {
				x += float64(t.Types[k])
			}
			acc[k] += x
		}
	}
	var s float64
	for k := range acc {
		acc[k] /= float64(len(ids))
		s += acc[k] * acc[k]
	}
	out := make([]float32, t.Hidden)
	for k := range acc {
		out[k] = float32(acc[k] / math.Sqrt(s))
	}
	return out
}

// MiniLMShape is all-MiniLM-L6-v2's architecture.
var MiniLMShape = struct{ Layers, Hidden, Heads, FF, Positions int }{6, 384, 12, 1536, 512}

// MiniLM builds a BERT encoder of MiniLM-L6's shape with random weights:
// word, position and token-type embeddings, then per layer multi-head
// self-attention with the additive mask, residuals, LayerNormalization
// and a GELU feed-forward — the operators a real export uses.
func MiniLM(vocab int, seed uint64) ([]byte, error) {
	s := MiniLMShape
	if s.Hidden%s.Heads != 0 {
		return nil, errors.New("hidden size must divide into heads")
	}
	hd := int64(s.Hidden / s.Heads)
	H := int64(s.Hidden)
	g := newGraph("minilm_l6_shape", seed)
	g.inputs("input_ids", "attention_mask", "token_type_ids")
	const ws = 0.05
	axis0 := []*onnx.AttributeProto{intAttr("axis", 0)}
	words, _ := g.weight("word_embeddings", ws, int64(vocab), H)
	positions, _ := g.weight("position_embeddings", ws, int64(s.Positions), H)
	types, _ := g.weight("token_type_embeddings", ws, 2, H)
	// position ids 0..seq-1 from the input's shape
	seqLen := g.op("Gather", axis0, g.op("Shape", nil, "input_ids"), g.constInt(1))
	seqScalar := g.op("Squeeze", nil, seqLen, g.constInt(0))
	zero := g.name("zero")
	one := g.name("one")
	for name, v := range map[string]int64{zero: 0, one: 1} {
		raw := make([]byte, 8)
		binary.LittleEndian.PutUint64(raw, uint64(v))
		g.g.Initializer = append(g.g.Initializer, &onnx.TensorProto{Name: name, DataType: int32(onnx.TensorProto_INT64), RawData: raw})
	}
	posIDs := g.op("Range", nil, zero, seqScalar, one)
	x := g.op("Add", nil, g.op("Gather", axis0, words, "input_ids"), g.op("Gather", axis0, positions, posIDs))
	x = g.op("Add", nil, x, g.op("Gather", axis0, types, "token_type_ids"))
	layerNorm := func(x string) string {
		gamma := g.constFloat(ones(s.Hidden), H)
		beta := g.constFloat(make([]float32, s.Hidden), H)
		return g.op("LayerNormalization", []*onnx.AttributeProto{intAttr("axis", -1), floatAttr("epsilon", 1e-12)}, x, gamma, beta)
	}
	x = layerNorm(x)
	// additive mask [b, 1, 1, s]: 0 where attended, -10000 on padding
	maskF := g.op("Cast", []*onnx.AttributeProto{intAttr("to", int64(onnx.TensorProto_FLOAT))}, "attention_mask")
	inv := g.op("Sub", nil, g.constFloat([]float32{1}, 1), maskF)
	addMask := g.op("Unsqueeze", nil, g.op("Mul", nil, inv, g.constFloat([]float32{-10000}, 1)), g.constInt(1, 2))
	dense := func(x string, in, out int64) string {
		w, _ := g.weight("w", ws, in, out)
		b, _ := g.weight("b", ws, out)
		return g.op("Add", nil, g.op("MatMul", nil, x, w), b)
	}
	heads := func(x string, perm ...int64) string {
		r := g.op("Reshape", nil, x, g.constInt(0, 0, int64(s.Heads), hd))
		return g.op("Transpose", []*onnx.AttributeProto{intsAttr("perm", perm...)}, r)
	}
	scale := g.constFloat([]float32{float32(1 / math.Sqrt(float64(hd)))}, 1)
	for range s.Layers {
		q := heads(dense(x, H, H), 0, 2, 1, 3) // [b, h, s, d]
		k := heads(dense(x, H, H), 0, 2, 3, 1) // [b, h, d, s]
		v := heads(dense(x, H, H), 0, 2, 1, 3)
		scores := g.op("Add", nil, g.op("Mul", nil, g.op("MatMul", nil, q, k), scale), addMask)
		probs := g.op("Softmax", []*onnx.AttributeProto{intAttr("axis", -1)}, scores)
		ctx := g.op("Transpose", []*onnx.AttributeProto{intsAttr("perm", 0, 2, 1, 3)}, g.op("MatMul", nil, probs, v))
		ctx = g.op("Reshape", nil, ctx, g.constInt(0, 0, H))
		x = layerNorm(g.op("Add", nil, x, dense(ctx, H, H)))
		ff := dense(x, H, int64(s.FF))
		// GELU(x) = 0.5·x·(1 + erf(x/√2))
		erf := g.op("Erf", nil, g.op("Div", nil, ff, g.constFloat([]float32{math.Sqrt2}, 1)))
		gelu := g.op("Mul", nil, g.op("Mul", nil, ff, g.constFloat([]float32{0.5}, 1)), g.op("Add", nil, erf, g.constFloat([]float32{1}, 1)))
		x = layerNorm(g.op("Add", nil, x, dense(gelu, int64(s.FF), H)))
	}
	g.output(x, "last_hidden_state", "batch", "sequence", s.Hidden)
	return g.marshal()
}

func ones(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = 1
	}
	return v
}

// ExternalTensor is a float tensor whose data is in the file location
// beside the model (external data), as large exports keep their weights.
func ExternalTensor(name, location string) *onnx.TensorProto {
	return &onnx.TensorProto{Name: name, DataType: int32(onnx.TensorProto_FLOAT), Dims: []int64{2},
		DataLocation: onnx.TensorProto_EXTERNAL,
		ExternalData: []*onnx.StringStringEntryProto{{Key: "location", Value: location}, {Key: "length", Value: "8"}}}
}

// WriteModel writes m as dir/model.onnx and returns its path.
func WriteModel(dir string, m *onnx.ModelProto) (string, error) {
	data, err := proto.Marshal(m)
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, "model.onnx")
	return p, os.WriteFile(p, data, 0o644)
}
