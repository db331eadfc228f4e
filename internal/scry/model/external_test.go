package model

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"

	"github.com/verdigris-dev/verdigris/internal/scry/embed/onnx/onnxtest"
)

func writeModel(t *testing.T, dir string, m *onnx.ModelProto) string {
	t.Helper()
	data, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "model.onnx")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func external(name, location string) *onnx.TensorProto {
	return &onnx.TensorProto{Name: name, DataType: int32(onnx.TensorProto_FLOAT), Dims: []int64{2},
		DataLocation: onnx.TensorProto_EXTERNAL,
		ExternalData: []*onnx.StringStringEntryProto{{Key: "location", Value: location}, {Key: "length", Value: "8"}}}
}

// A model whose weights were in model.onnx_data was registered with
// model.onnx's sha256 alone: replacing the weights went unnoticed, and
// the index mixed two models' vectors under one ID.
func TestExternalDataFoundWhereverTensorsAre(t *testing.T) {
	dir := t.TempDir()
	sub := &onnx.GraphProto{Name: "then", Initializer: []*onnx.TensorProto{external("in_branch", "branch.bin")}}
	m := &onnx.ModelProto{IrVersion: 8, Graph: &onnx.GraphProto{
		Name: "g",
		Initializer: []*onnx.TensorProto{
			{Name: "inline", DataType: int32(onnx.TensorProto_FLOAT), Dims: []int64{1}, RawData: make([]byte, 4)},
			external("w1", "model.onnx_data"),
			external("w2", "model.onnx_data"),
		},
		SparseInitializer: []*onnx.SparseTensorProto{{Values: external("sv", "weights/sparse.bin"), Indices: external("si", "weights/sparse.idx")}},
		Node: []*onnx.NodeProto{
			{OpType: "Constant", Attribute: []*onnx.AttributeProto{{Name: "value", T: external("c", "const.bin")}}},
			{OpType: "If", Attribute: []*onnx.AttributeProto{{Name: "then_branch", G: sub}}},
		},
	}}
	got, err := ExternalData(writeModel(t, dir, m))
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
	if got, err := ExternalData(p); err != nil || len(got) != 0 {
		t.Fatalf("a model without external data: %q, %v", got, err)
	}
	ext, err := onnxtest.TokenTableWith(onnxtest.TableOptions{Vocab: 50, Hidden: 4, Seed: 1, TokenTypes: true, External: "model.onnx_data"})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, ext.Model, 0o644)
	if got, err := ExternalData(p); err != nil || !slices.Equal(got, []string{"model.onnx_data"}) {
		t.Fatalf("ExternalData = %q, %v", got, err)
	}
}

func TestPinModelPinsExternalData(t *testing.T) {
	dir := t.TempDir()
	tok := filepath.Join(dir, "tokenizer.json")
	os.WriteFile(tok, []byte("{}"), 0o644)
	p := writeModel(t, dir, &onnx.ModelProto{Graph: &onnx.GraphProto{Initializer: []*onnx.TensorProto{external("w", "model.onnx_data")}}})

	if _, _, _, err := PinModel(p, tok); !errors.Is(err, ErrExternalData) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("external data missing: err = %v, want ErrExternalData wrapping ErrNotExist", err)
	}
	data := filepath.Join(dir, "model.onnx_data")
	os.WriteFile(data, make([]byte, 8), 0o644)
	mf, tf, ext, err := PinModel(p, tok)
	if err != nil {
		t.Fatal(err)
	}
	if len(ext) != 1 || ext[0].Path != data {
		t.Fatalf("external files = %+v, want %s", ext, data)
	}
	e := Entry{Model: mf, Tokenizer: tf, External: ext}
	if got := e.Files(); len(got) != 3 {
		t.Fatalf("Files() = %+v", got)
	}
	// New weights under the same model.onnx: a changed model.
	os.WriteFile(data, []byte("other!!!"), 0o644)
	if err := Verify(ext[0]); !errors.Is(err, ErrChanged) {
		t.Fatalf("changed external data: err = %v, want ErrChanged", err)
	}
	_, _, ext2, err := PinModel(p, tok)
	if err != nil {
		t.Fatal(err)
	}
	if e.SameFiles(&Entry{Model: mf, Tokenizer: tf, External: ext2}) {
		t.Fatal("entries with different external data are the same files")
	}
}

func TestExternalDataOutsideTheModelDirectory(t *testing.T) {
	dir := t.TempDir()
	tok := filepath.Join(dir, "tokenizer.json")
	os.WriteFile(tok, []byte("{}"), 0o644)
	for _, loc := range []string{"../secret", "/etc/passwd", "a/../../b", ""} {
		p := writeModel(t, dir, &onnx.ModelProto{Graph: &onnx.GraphProto{Initializer: []*onnx.TensorProto{external("w", loc)}}})
		if _, _, _, err := PinModel(p, tok); !errors.Is(err, ErrExternalData) {
			t.Errorf("location %q: err = %v, want ErrExternalData", loc, err)
		}
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
	} {
		p := filepath.Join(dir, "model.onnx")
		os.WriteFile(p, data, 0o644)
		if _, err := ExternalData(p); !errors.Is(err, ErrNotONNX) {
			t.Errorf("%s: err = %v, want ErrNotONNX", name, err)
		}
	}
}
