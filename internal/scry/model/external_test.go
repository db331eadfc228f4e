package model

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/advancedclimatesystems/gonnx/onnx"

	"github.com/verdigris-dev/verdigris/internal/scry/embed/onnx/onnxtest"
)

func writeModel(t *testing.T, dir string, m *onnx.ModelProto) string {
	t.Helper()
	p, err := onnxtest.WriteModel(dir, m)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPinModelPinsExternalData(t *testing.T) {
	dir := t.TempDir()
	tok := filepath.Join(dir, "tokenizer.json")
	os.WriteFile(tok, []byte("{}"), 0o644)
	p := writeModel(t, dir, &onnx.ModelProto{Graph: &onnx.GraphProto{Initializer: []*onnx.TensorProto{onnxtest.ExternalTensor("w", "model.onnx_data")}}})

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
		p := writeModel(t, dir, &onnx.ModelProto{Graph: &onnx.GraphProto{Initializer: []*onnx.TensorProto{onnxtest.ExternalTensor("w", loc)}}})
		if _, _, _, err := PinModel(p, tok); !errors.Is(err, ErrExternalData) {
			t.Errorf("location %q: err = %v, want ErrExternalData", loc, err)
		}
	}
}
