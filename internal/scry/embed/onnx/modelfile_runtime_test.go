//go:build cgo && !noonnx

package onnx

import (
	"path/filepath"
	"slices"
	"testing"

	onnxpb "github.com/advancedclimatesystems/gonnx/onnx"
	ort "github.com/yalue/onnxruntime_go"
	"google.golang.org/protobuf/proto"

	"github.com/verdigris-dev/verdigris/internal/scry/embed/onnx/onnxtest"
)

// The inputs and outputs read from the model file are the ones ONNX
// Runtime reports (which it can only do by loading the whole model, a
// tenth of a second or more per search before they were read here).
func TestModelFileAgreesWithRuntime(t *testing.T) {
	needRuntime(t)
	models := map[string][]byte{}
	for name, o := range map[string]onnxtest.TableOptions{
		"plain":      {},
		"types":      {TokenTypes: true},
		"int32":      {TokenTypes: true, Int32: true},
		"fixed":      {Batch: 4, Seq: 16},
		"positions":  {Positions: 32},
		"pooled":     {Pooled: true},
		"float16":    {Float16: true},
		"tensorflow": {TokenTypes: true, Rename: map[string]string{"input_ids": "input_ids:0", "attention_mask": "input_mask:0", "token_type_ids": "segment_ids:0"}},
	} {
		o.Vocab, o.Hidden, o.Seed = 40, 4, 1
		tab, err := onnxtest.TokenTableWith(o)
		if err != nil {
			t.Fatal(err)
		}
		models[name] = tab.Model
	}
	mini, err := onnxtest.MiniLM(200, 1)
	if err != nil {
		t.Fatal(err)
	}
	models["minilm"] = mini
	// Weights listed as inputs too (as exports for IR version 3 list
	// them): overridable initializers, not inputs, to the runtime.
	var m onnxpb.ModelProto
	if err := proto.Unmarshal(models["types"], &m); err != nil {
		t.Fatal(err)
	}
	for _, init := range m.Graph.Initializer {
		dims := []*onnxpb.TensorShapeProto_Dimension{}
		for _, d := range init.Dims {
			dims = append(dims, &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: d}})
		}
		m.Graph.Input = append(m.Graph.Input, &onnxpb.ValueInfoProto{Name: init.Name, Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{
			TensorType: &onnxpb.TypeProto_Tensor{ElemType: init.DataType, Shape: &onnxpb.TensorShapeProto{Dim: dims}}}}})
	}
	if models["weights as inputs"], err = proto.Marshal(&m); err != nil {
		t.Fatal(err)
	}

	for name, data := range models {
		dir, _ := modelDir(t, data, 16)
		p := filepath.Join(dir, "model.onnx")
		mf, err := ReadModelFile(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ins, outs, err := ort.GetInputOutputInfo(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		same := func(what string, ours []ValueInfo, theirs []ort.InputOutputInfo) {
			if len(ours) != len(theirs) {
				t.Errorf("%s: %s: %d read, the runtime says %d: %+v, %v", name, what, len(ours), len(theirs), ours, theirs)
				return
			}
			for i, o := range ours {
				r := theirs[i]
				if o.Name != r.Name || ort.TensorElementDataType(o.Elem) != r.DataType || o.Tensor != (r.OrtValueType == ort.ONNXTypeTensor) || !slices.Equal(o.Dims, []int64(r.Dimensions)) {
					t.Errorf("%s: %s %d: read %+v, the runtime says %s %v %v %v", name, what, i, o, r.Name, r.DataType, r.OrtValueType, r.Dimensions)
				}
			}
		}
		same("inputs", mf.Inputs, ins)
		same("outputs", mf.Outputs, outs)
	}
}
