package onnx

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	onnxpb "github.com/advancedclimatesystems/gonnx/onnx"

	"github.com/verdigris-dev/verdigris/internal/scry/embed/onnx/onnxtest"
)

func writeModel(t *testing.T, dir string, m *onnxpb.ModelProto) string {
	t.Helper()
	p, err := onnxtest.WriteModel(dir, m)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func externalData(p string) ([]string, error) {
	m, err := ReadModelFile(p)
	if err != nil {
		return nil, err
	}
	return m.ExternalData, nil
}

// A model whose weights were in model.onnx_data was registered with
// model.onnx's sha256 alone: replacing the weights went unnoticed, and
// the index mixed two models' vectors under one ID.
func TestExternalDataFoundWhereverTensorsAre(t *testing.T) {
	dir := t.TempDir()
	sub := &onnxpb.GraphProto{Name: "then", Initializer: []*onnxpb.TensorProto{onnxtest.ExternalTensor("in_branch", "branch.bin")}}
	m := &onnxpb.ModelProto{IrVersion: 8, Graph: &onnxpb.GraphProto{
		Name: "g",
		Initializer: []*onnxpb.TensorProto{
			{Name: "inline", DataType: int32(onnxpb.TensorProto_FLOAT), Dims: []int64{1}, RawData: make([]byte, 4)},
			onnxtest.ExternalTensor("w1", "model.onnx_data"),
			onnxtest.ExternalTensor("w2", "model.onnx_data"),
		},
		SparseInitializer: []*onnxpb.SparseTensorProto{{Values: onnxtest.ExternalTensor("sv", "weights/sparse.bin"), Indices: onnxtest.ExternalTensor("si", "weights/sparse.idx")}},
		Node: []*onnxpb.NodeProto{
			{OpType: "Constant", Attribute: []*onnxpb.AttributeProto{{Name: "value", T: onnxtest.ExternalTensor("c", "const.bin")}}},
			{OpType: "If", Attribute: []*onnxpb.AttributeProto{{Name: "then_branch", G: sub}}},
		},
	}}
	got, err := externalData(writeModel(t, dir, m))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"branch.bin", "const.bin", "model.onnx_data", "weights/sparse.bin", "weights/sparse.idx"}
	if !slices.Equal(got, want) {
		t.Fatalf("ExternalData = %q, want %q", got, want)
	}
}

func TestExternalDataOfATokenTableModel(t *testing.T) {
	dir := t.TempDir()
	plain, err := onnxtest.TokenTable(50, 4, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "model.onnx")
	os.WriteFile(p, plain.Model, 0o644)
	if got, err := externalData(p); err != nil || len(got) != 0 {
		t.Fatalf("a model without external data: %q, %v", got, err)
	}
	ext, err := onnxtest.TokenTableWith(onnxtest.TableOptions{Vocab: 50, Hidden: 4, Seed: 1, TokenTypes: true, External: "model.onnx_data"})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, ext.Model, 0o644)
	if got, err := externalData(p); err != nil || !slices.Equal(got, []string{"model.onnx_data"}) {
		t.Fatalf("ExternalData = %q, %v", got, err)
	}
}

func TestExternalDataOfWhatIsNoModel(t *testing.T) {
	dir := t.TempDir()
	good, err := onnxtest.TokenTable(50, 4, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"lfs pointer": []byte("version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 90405214\n"),
		"cut short":   good.Model[:len(good.Model)/2],
		"html page":   []byte("<!DOCTYPE html><html><body>rate limited</body></html>\n"),
		"empty file":  {},
		"no graph":    good.Model[:2],
	} {
		p := filepath.Join(dir, "model.onnx")
		os.WriteFile(p, data, 0o644)
		if _, err := externalData(p); !errors.Is(err, ErrNotONNX) {
			t.Errorf("%s: err = %v, want ErrNotONNX", name, err)
		}
	}
}

// Shape says what git scry needs to know to run a model, and refuses one
// it cannot run, from the file alone (no ONNX Runtime needed).
func TestShapeFromTheModelFile(t *testing.T) {
	dir := t.TempDir()
	shape := func(o onnxtest.TableOptions) (*Shape, error) {
		o.Vocab, o.Hidden, o.Seed = 40, 4, 1
		tab, err := onnxtest.TokenTableWith(o)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "model.onnx")
		if err := os.WriteFile(p, tab.Model, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := ReadModelFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return m.Shape()
	}
	sh, err := shape(onnxtest.TableOptions{TokenTypes: true, Int32: true, Batch: 4, Seq: 16})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sh.Roles, []string{"input_ids", "attention_mask", "token_type_ids"}) || !slices.Equal(sh.Int32, []bool{true, true, true}) ||
		sh.FixedBatch != 4 || sh.FixedSeq != 16 || sh.Pooled || sh.Output.Name != "last_hidden_state" {
		t.Errorf("shape %+v", sh)
	}
	if sh, err := shape(onnxtest.TableOptions{Pooled: true}); err != nil || !sh.Pooled || sh.Output.Name != "sentence_embedding" {
		t.Errorf("pooled: %+v, %v", sh, err)
	}
	// sentence-transformers' exports give the token states and the
	// sentence vector the model was trained to make (its own pooling,
	// CLS for BGE): mean-pooling the token states made another vector.
	if sh, err := shape(onnxtest.TableOptions{Pooled: true, TokenStates: true, CLS: true}); err != nil || !sh.Pooled || sh.Output.Name != "sentence_embedding" {
		t.Errorf("token states and sentence vector: %+v, %v", sh, err)
	}
	// BERT's pooler_output is no sentence vector: the token states are.
	if sh, err := shape(onnxtest.TableOptions{Pooler: true}); err != nil || sh.Pooled || sh.Output.Name != "last_hidden_state" {
		t.Errorf("pooler_output: %+v, %v", sh, err)
	}
	if sh, err := shape(onnxtest.TableOptions{TokenTypes: true, Rename: map[string]string{"input_ids": "input_ids:0", "attention_mask": "input_mask:0", "token_type_ids": "segment_ids:0"}}); err != nil ||
		!slices.Equal(sh.Roles, []string{"input_ids", "attention_mask", "token_type_ids"}) || sh.Inputs[1] != "input_mask:0" {
		t.Errorf("TensorFlow names: %+v, %v", sh, err)
	}
	for name, o := range map[string]onnxtest.TableOptions{
		"is not one of input_ids":  {Rename: map[string]string{"input_ids": "pixel_values"}},
		"half precision (float16)": {Float16: true},
		"has no input_ids input":   {Rename: map[string]string{"input_ids": "attention_mask", "attention_mask": "input_mask"}},
	} {
		if _, err := shape(o); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
