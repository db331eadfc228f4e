package model

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// ExternalData lists the files a model keeps tensor data in beside
// model.onnx (exports over 2 GB, and some smaller ones, write their
// weights to model.onnx_data or one file per tensor). ONNX Runtime reads
// them from the model's directory when it loads the model, so they are
// as much the model as model.onnx is, and are pinned with it. The paths
// are the model's own "location" entries, relative to its directory; one
// that is absolute or leaves the directory is an error, as it is to the
// runtime.
//
// The file is read once, as protobuf fields, without building the model
// in memory: the tensors' data is skipped, not held.
func ExternalData(modelPath string) ([]string, error) {
	f, err := os.Open(modelPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	s := &onnxScanner{r: bufio.NewReaderSize(f, 64<<10)}
	if err := s.message(st.Size(), s.model); err != nil {
		return nil, fmt.Errorf("%s: %w", modelPath, err)
	}
	slices.Sort(s.locations)
	return slices.Compact(s.locations), nil
}

// ExternalDataPath resolves a model's external data location to its file.
func ExternalDataPath(modelPath, location string) (string, error) {
	clean := filepath.Clean(filepath.FromSlash(location))
	if location == "" || filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%w: location %q is outside the model's directory", ErrExternalData, location)
	}
	return filepath.Join(filepath.Dir(modelPath), clean), nil
}

// ErrNotONNX is returned by ExternalData for a file that is not an ONNX
// model: a Git LFS pointer, a download cut short.
var ErrNotONNX = errors.New("not an ONNX model (a truncated or malformed file)")

// ErrExternalData is returned by PinModel when the files a model keeps
// its tensors in cannot be pinned.
var ErrExternalData = errors.New("the model's external data")

var errTruncated = ErrNotONNX

// onnxScanner walks the messages of onnx.proto that can hold tensors:
// ModelProto.graph (7); GraphProto.node (1), initializer (5),
// sparse_initializer (15); NodeProto.attribute (5); AttributeProto.t (5),
// g (6), tensors (10), graphs (11), sparse_tensor (22), sparse_tensors
// (23); SparseTensorProto.values (1), indices (2); TensorProto.
// external_data (13) with StringStringEntryProto key (1) and value (2).
type onnxScanner struct {
	r         *bufio.Reader
	locations []string
}

// field handles a length-delimited field of a message, n bytes long:
// it reads them all and says so, or reads none and leaves them skipped.
type field func(num protowire.Number, n int64) (handled bool, err error)

// message reads fields until n bytes are consumed, passing each to h.
func (s *onnxScanner) message(n int64, h field) error {
	for n > 0 {
		tag, k, err := s.varint()
		if err != nil {
			return err
		}
		n -= int64(k)
		num, typ := protowire.DecodeTag(tag)
		if num < protowire.MinValidNumber {
			return errTruncated
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
				return errTruncated
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
			return errTruncated
		}
		if size > n {
			return errTruncated
		}
		if _, err := s.r.Discard(int(size)); err != nil {
			return errTruncated
		}
		n -= size
	}
	if n < 0 {
		return errTruncated
	}
	return nil
}

func (s *onnxScanner) varint() (uint64, int, error) {
	var v uint64
	for i := range binary.MaxVarintLen64 {
		b, err := s.r.ReadByte()
		if err != nil {
			return 0, 0, errTruncated
		}
		v |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			return v, i + 1, nil
		}
	}
	return 0, 0, errTruncated
}

func (s *onnxScanner) model(num protowire.Number, n int64) (bool, error) {
	if num == 7 {
		return true, s.message(n, s.graph)
	}
	return false, nil
}

func (s *onnxScanner) graph(num protowire.Number, n int64) (bool, error) {
	switch num {
	case 1:
		return true, s.message(n, s.node)
	case 5:
		return true, s.message(n, s.tensor)
	case 15:
		return true, s.message(n, s.sparse)
	}
	return false, nil
}

func (s *onnxScanner) node(num protowire.Number, n int64) (bool, error) {
	if num == 5 {
		return true, s.message(n, s.attribute)
	}
	return false, nil
}

func (s *onnxScanner) attribute(num protowire.Number, n int64) (bool, error) {
	switch num {
	case 5, 10:
		return true, s.message(n, s.tensor)
	case 6, 11:
		return true, s.message(n, s.graph)
	case 22, 23:
		return true, s.message(n, s.sparse)
	}
	return false, nil
}

func (s *onnxScanner) sparse(num protowire.Number, n int64) (bool, error) {
	if num == 1 || num == 2 {
		return true, s.message(n, s.tensor)
	}
	return false, nil
}

func (s *onnxScanner) tensor(num protowire.Number, n int64) (bool, error) {
	if num != 13 {
		return false, nil
	}
	// An external data entry is a few short strings; one of megabytes
	// is not one.
	if n > 1<<16 {
		return false, errTruncated
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(s.r, b); err != nil {
		return false, errTruncated
	}
	var key, value string
	for len(b) > 0 {
		num, typ, k := protowire.ConsumeTag(b)
		if k < 0 {
			return false, errTruncated
		}
		b = b[k:]
		k = protowire.ConsumeFieldValue(num, typ, b)
		if k < 0 {
			return false, errTruncated
		}
		if typ == protowire.BytesType && (num == 1 || num == 2) {
			v, _ := protowire.ConsumeBytes(b)
			if num == 1 {
				key = string(v)
			} else {
				value = string(v)
			}
		}
		b = b[k:]
	}
	if key == "location" {
		s.locations = append(s.locations, value)
	}
	return true, nil
}
