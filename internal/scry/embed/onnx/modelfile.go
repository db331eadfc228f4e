package onnx

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// ModelFile is what git scry reads of a model.onnx itself, without ONNX
// Runtime: the main graph's inputs and outputs, and the files its
// tensors keep their data in.
//
// ONNX Runtime can say the inputs and outputs too, but only by loading
// the whole model into a session of its own (0.1–0.25 s for a 90 MB
// MiniLM, on every search), and the runtime may not be there at all
// when a model is registered. The file is read as protobuf fields; the
// tensors' data is skipped (sought past), never read.
type ModelFile struct {
	Inputs, Outputs []ValueInfo
	// ExternalData are the "location"s of the model's external tensor
	// data (exports over 2 GB, and some smaller ones, keep their weights
	// in model.onnx_data or in one file per tensor), relative to the
	// model's directory, sorted, each once. The runtime reads them when
	// it loads the model, so they are as much the model as model.onnx is.
	ExternalData []string
}

// ValueInfo is a graph input or output.
type ValueInfo struct {
	Name   string
	Tensor bool  // a tensor (not a sequence, map or optional)
	Elem   int32 // the tensor's element type (onnx.proto's TensorProto.DataType, as ONNX Runtime numbers them too)
	// Dims are its dimensions, -1 for a named or unknown one; nil when the
	// model gives no shape.
	Dims []int64
}

// ErrHalfPrecision is returned by Shape for a model whose outputs are
// float16 or bfloat16 (model_fp16.onnx), which git scry does not read.
var ErrHalfPrecision = errors.New("half precision")

// ErrNotONNX is returned by ReadModelFile for a file that is not an ONNX
// model: a Git LFS pointer, a download cut short, an error page.
var ErrNotONNX = errors.New("not an ONNX model (a truncated or malformed file)")

// ReadModelFile reads a model file's inputs, outputs and external data.
func ReadModelFile(path string) (*ModelFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	s := &modelScanner{f: f, r: bufio.NewReaderSize(f, 64<<10), inits: map[string]bool{}}
	if err := s.message(st.Size(), s.model); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !s.graph {
		// An empty file, or one cut short before its graph, reads as a
		// model of no fields: without the runtime to try it, it would be
		// registered.
		return nil, fmt.Errorf("%s: %w", path, ErrNotONNX)
	}
	m := &s.m
	// As ONNX Runtime lists them: an input that an initializer provides
	// (models of IR version 3 list every weight as an input) is none.
	m.Inputs = slices.DeleteFunc(m.Inputs, func(v ValueInfo) bool { return s.inits[v.Name] })
	slices.Sort(m.ExternalData)
	m.ExternalData = slices.Compact(m.ExternalData)
	return m, nil
}

// modelScanner walks the messages of onnx.proto that matter here:
// ModelProto.graph (7); GraphProto.node (1), initializer (5), input (11),
// output (12), sparse_initializer (15); NodeProto.attribute (5);
// AttributeProto.t (5), g (6), tensors (10), graphs (11), sparse_tensor
// (22), sparse_tensors (23); SparseTensorProto.values (1), indices (2);
// TensorProto.name (8), external_data (13) with StringStringEntryProto
// key (1) and value (2). Tensors hide in all of those.
type modelScanner struct {
	f     *os.File
	r     *bufio.Reader
	m     ModelFile
	inits map[string]bool // the main graph's initializers
	graph bool            // ModelProto.graph was there
}

// field handles a length-delimited field of a message, n bytes long:
// it reads them all and says so, or reads none and leaves them skipped.
type field func(num protowire.Number, n int64) (handled bool, err error)

// message reads fields until n bytes are consumed, passing each
// length-delimited one to h.
func (s *modelScanner) message(n int64, h field) error {
	for n > 0 {
		tag, k, err := s.varint()
		if err != nil {
			return err
		}
		n -= int64(k)
		num, typ := protowire.DecodeTag(tag)
		if num < protowire.MinValidNumber {
			return ErrNotONNX
		}
		var size int64
		switch typ {
		case protowire.VarintType:
			_, k, err := s.varint()
			if err != nil {
				return err
			}
			n -= int64(k)
			continue
		case protowire.Fixed32Type:
			size = 4
		case protowire.Fixed64Type:
			size = 8
		case protowire.BytesType:
			v, k, err := s.varint()
			if err != nil {
				return err
			}
			n -= int64(k)
			if v > uint64(n) {
				return ErrNotONNX
			}
			size = int64(v)
			handled, err := h(num, size)
			if err != nil {
				return err
			}
			if handled {
				n -= size
				continue
			}
		default:
			return ErrNotONNX
		}
		if size > n {
			return ErrNotONNX
		}
		if err := s.skip(size); err != nil {
			return err
		}
		n -= size
	}
	if n < 0 {
		return ErrNotONNX
	}
	return nil
}

func (s *modelScanner) varint() (uint64, int, error) {
	var v uint64
	for i := range binary.MaxVarintLen64 {
		b, err := s.r.ReadByte()
		if err != nil {
			return 0, 0, ErrNotONNX
		}
		v |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			return v, i + 1, nil
		}
	}
	return 0, 0, ErrNotONNX
}

// skip passes over n bytes, seeking past what is not buffered: a
// model's weights are most of its bytes.
func (s *modelScanner) skip(n int64) error {
	if b := int64(s.r.Buffered()); n > b {
		s.r.Discard(int(b))
		if _, err := s.f.Seek(n-b, io.SeekCurrent); err != nil {
			return err
		}
		s.r.Reset(s.f)
		return nil
	}
	_, err := s.r.Discard(int(n))
	return err
}

// read returns the next n bytes, for the small messages read whole.
func (s *modelScanner) read(n int64) ([]byte, error) {
	if n > 1<<20 {
		return nil, ErrNotONNX
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(s.r, b); err != nil {
		return nil, ErrNotONNX
	}
	return b, nil
}

func (s *modelScanner) model(num protowire.Number, n int64) (bool, error) {
	if num == 7 {
		s.graph = true
		return true, s.message(n, s.graphField(true))
	}
	return false, nil
}

func (s *modelScanner) graphField(main bool) field {
	return func(num protowire.Number, n int64) (bool, error) {
		switch num {
		case 1:
			return true, s.message(n, s.node)
		case 5:
			return true, s.message(n, s.tensor(main))
		case 15:
			return true, s.message(n, s.sparse)
		case 11, 12:
			if !main {
				return false, nil
			}
			b, err := s.read(n)
			if err != nil {
				return false, err
			}
			v, err := valueInfo(b)
			if err != nil {
				return false, err
			}
			if num == 11 {
				s.m.Inputs = append(s.m.Inputs, v)
			} else {
				s.m.Outputs = append(s.m.Outputs, v)
			}
			return true, nil
		}
		return false, nil
	}
}

func (s *modelScanner) node(num protowire.Number, n int64) (bool, error) {
	if num == 5 {
		return true, s.message(n, s.attribute)
	}
	return false, nil
}

func (s *modelScanner) attribute(num protowire.Number, n int64) (bool, error) {
	switch num {
	case 5, 10:
		return true, s.message(n, s.tensor(false))
	case 6, 11:
		return true, s.message(n, s.graphField(false))
	case 22, 23:
		return true, s.message(n, s.sparse)
	}
	return false, nil
}

func (s *modelScanner) sparse(num protowire.Number, n int64) (bool, error) {
	if num == 1 || num == 2 {
		return true, s.message(n, s.tensor(false))
	}
	return false, nil
}

// tensor records a tensor's external data, and the name of an
// initializer of the main graph.
func (s *modelScanner) tensor(initializer bool) field {
	return func(num protowire.Number, n int64) (bool, error) {
		switch {
		case num == 8 && initializer:
			b, err := s.read(n)
			if err != nil {
				return false, err
			}
			s.inits[string(b)] = true
			return true, nil
		case num == 13:
			b, err := s.read(n)
			if err != nil {
				return false, err
			}
			var key, value string
			err = fields(b, func(num protowire.Number, typ protowire.Type, b []byte) {
				if typ == protowire.BytesType && num == 1 {
					key = string(b)
				} else if typ == protowire.BytesType && num == 2 {
					value = string(b)
				}
			})
			if err != nil {
				return false, err
			}
			if key == "location" {
				s.m.ExternalData = append(s.m.ExternalData, value)
			}
			return true, nil
		}
		return false, nil
	}
}

// fields calls fn with each field of the message b: a length-delimited
// field's content, or a varint's bytes (decode with protowire).
func fields(b []byte, fn func(num protowire.Number, typ protowire.Type, v []byte)) error {
	for len(b) > 0 {
		num, typ, k := protowire.ConsumeTag(b)
		if k < 0 {
			return ErrNotONNX
		}
		b = b[k:]
		k = protowire.ConsumeFieldValue(num, typ, b)
		if k < 0 {
			return ErrNotONNX
		}
		v := b[:k]
		if typ == protowire.BytesType {
			v, _ = protowire.ConsumeBytes(b)
		}
		fn(num, typ, v)
		b = b[k:]
	}
	return nil
}

func varintOf(b []byte) int64 {
	v, _ := protowire.ConsumeVarint(b)
	return int64(v)
}

// valueInfo decodes a ValueInfoProto: name (1), type (2): TypeProto's
// tensor_type (1): elem_type (1), shape (2): dim (1): dim_value (1) or
// dim_param (2).
func valueInfo(b []byte) (ValueInfo, error) {
	var v ValueInfo
	var typ []byte
	err := fields(b, func(num protowire.Number, t protowire.Type, b []byte) {
		if t == protowire.BytesType && num == 1 {
			v.Name = string(b)
		} else if t == protowire.BytesType && num == 2 {
			typ = b
		}
	})
	if err != nil {
		return v, err
	}
	var tensor []byte
	if err := fields(typ, func(num protowire.Number, t protowire.Type, b []byte) {
		if t == protowire.BytesType && num == 1 {
			tensor, v.Tensor = b, true
		}
	}); err != nil {
		return v, err
	}
	var shape []byte
	if err := fields(tensor, func(num protowire.Number, t protowire.Type, b []byte) {
		switch {
		case t == protowire.VarintType && num == 1:
			v.Elem = int32(varintOf(b))
		case t == protowire.BytesType && num == 2:
			shape = b
		}
	}); err != nil {
		return v, err
	}
	if shape == nil {
		return v, nil
	}
	v.Dims = []int64{}
	return v, fields(shape, func(num protowire.Number, t protowire.Type, b []byte) {
		if t != protowire.BytesType || num != 1 {
			return
		}
		d := int64(-1)
		fields(b, func(num protowire.Number, t protowire.Type, b []byte) {
			if t == protowire.VarintType && num == 1 {
				d = varintOf(b)
			}
		})
		v.Dims = append(v.Dims, d)
	})
}

// The element types of onnx.proto's TensorProto.DataType that matter
// here (ONNX Runtime numbers them the same).
const (
	elemFloat    = 1
	elemInt32    = 6
	elemInt64    = 7
	elemFloat16  = 10
	elemBFloat16 = 16
)

// Shape is how a model is run: its inputs in the graph's order with what
// each is, and the output pooled into a text's vector.
type Shape struct {
	Inputs []string // the graph's input names
	Roles  []string // what each is: input_ids, attention_mask or token_type_ids
	Int32  []bool   // which are int32, not int64 (some converters' exports)
	// FixedBatch and FixedSeq are the input dimensions of a graph traced
	// at one shape (0: dynamic).
	FixedBatch, FixedSeq int
	Output               ValueInfo
	Pooled               bool // the output is one vector per text already
}

// Shape checks that the model is one git scry can run, a BERT-style
// encoder: input_ids (and optionally attention_mask, token_type_ids),
// int64 or int32, and a float output of token states or sentence
// vectors; and says how to run it. It needs no ONNX Runtime, so a model
// can be checked where the runtime is not installed.
func (m *ModelFile) Shape() (*Shape, error) {
	sh := &Shape{}
	for _, in := range m.Inputs {
		role, ok := inputRoles[strings.TrimSuffix(in.Name, ":0")]
		if !ok {
			return nil, fmt.Errorf("model input %q is not one of input_ids, attention_mask, token_type_ids", in.Name)
		}
		if !in.Tensor || (in.Elem != elemInt64 && in.Elem != elemInt32) {
			return nil, fmt.Errorf("model input %s is of type %s, not int64 or int32", in.Name, elemName(in))
		}
		sh.Inputs, sh.Roles, sh.Int32 = append(sh.Inputs, in.Name), append(sh.Roles, role), append(sh.Int32, in.Elem == elemInt32)
		if d := in.Dims; len(d) == 2 {
			sh.FixedBatch, sh.FixedSeq = max(sh.FixedBatch, int(d[0])), max(sh.FixedSeq, int(d[1]))
		}
	}
	if !slices.Contains(sh.Roles, "input_ids") {
		return nil, errors.New("the model has no input_ids input")
	}
	out, err := pickOutput(m.Outputs)
	if err != nil {
		return nil, err
	}
	sh.Output, sh.Pooled = out, len(out.Dims) == 2
	return sh, nil
}

// inputRoles maps the names BERT exports give their inputs to what
// each is: Hugging Face's, and those of exports converted from
// TensorFlow (tf2onnx appends ":0", trimmed before the lookup).
var inputRoles = map[string]string{
	"input_ids":      "input_ids",
	"attention_mask": "attention_mask",
	"token_type_ids": "token_type_ids",
	"input_mask":     "attention_mask",
	"segment_ids":    "token_type_ids",
}

// SentenceOutput is the output sentence-transformers' ONNX exports give
// the model's own sentence vector: its pooling (mean, or CLS for BGE and
// others) and normalisation done in the graph, as the model was trained.
const SentenceOutput = "sentence_embedding"

// pickOutput prefers the graph's own sentence vector (SentenceOutput),
// then the token states (rank 3, pooled here), else another vector per
// text (rank 2). A plain BERT export's pooler_output comes after its
// last_hidden_state: it is the [CLS] row through a layer trained for
// next-sentence prediction, not a sentence vector.
func pickOutput(outs []ValueInfo) (ValueInfo, error) {
	usable := func(o ValueInfo, rank int) bool { return o.Tensor && o.Elem == elemFloat && len(o.Dims) == rank }
	for _, o := range outs {
		if o.Name == SentenceOutput && usable(o, 2) {
			return o, nil
		}
	}
	for _, rank := range []int{3, 2} {
		for _, o := range outs {
			if usable(o, rank) {
				return o, nil
			}
		}
	}
	for _, o := range outs {
		if o.Tensor && (o.Elem == elemFloat16 || o.Elem == elemBFloat16) {
			return ValueInfo{}, fmt.Errorf("output %s is %w (%s): use the model's float32 export (model.onnx) or a quantized one (model_quantized.onnx)", o.Name, ErrHalfPrecision, elemName(o))
		}
	}
	return ValueInfo{}, errors.New("no float output of shape [batch, tokens, hidden] or [batch, hidden]")
}

// elemName names a value's type as onnx.proto does.
func elemName(v ValueInfo) string {
	if !v.Tensor {
		return "not a tensor"
	}
	names := map[int32]string{1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string", 9: "bool", 10: "float16", 11: "double", 12: "uint32", 13: "uint64", 16: "bfloat16"}
	if n, ok := names[v.Elem]; ok {
		return n
	}
	return fmt.Sprintf("element type %d", v.Elem)
}
