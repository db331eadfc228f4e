package builtin

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"runtime"
)

// The serialised model, little-endian:
//
//	magic "VGSB", version u32, dim u32, n u32, flags u32 (none yet),
//	subject weight f32, meta length u32, content hash [32]byte (sha256
//	of the header fields before the meta length and of everything after
//	the meta JSON: the weights, not when they were made), meta JSON, offsets (n+1)×u32, words, idf n×f32, scales n×f32, vectors n×dim×i8,
//	k u32 and the common directions k×dim×f32 (since version 2), crc32c
//	u32 of all that precedes it.
//
// Loading checks the CRC and slices the buffer: no term is copied or
// parsed until a text needs it.
const (
	magic      = "VGSB"
	version    = 2
	headerSize = 4 + 4*5 + 4 + 32
)

// castagnoli is the CRC-32C table, built on first use, not when a
// program that may never need it starts.
func castagnoli() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) }

// ErrFormat is returned by Unmarshal for data that is not a model of this
// version.
var ErrFormat = errors.New("builtin embedder: not a model file of this version")

// newModel serialises a trained model and loads it back, so a freshly
// trained model and a loaded one are the same thing.
func newModel(words []string, vecs []float32, dim int, idf []float32, dirs []float32, subjectWeight float64, meta Meta) (*Model, error) {
	return assemble(encodeWeights(words, vecs, dim, idf), len(words), dim, dirs, subjectWeight, meta)
}

// withDirections is m with the common directions dirs and meta: the same
// weights, not quantised again (a tenth of a training's time).
func (m *Model) withDirections(dirs []float32, meta Meta) (*Model, error) {
	metaLen := int(binary.LittleEndian.Uint32(m.data[24:]))
	k := len(m.dirs) / m.dim
	weights := m.data[headerSize+metaLen : len(m.data)-4-4-4*k*m.dim]
	return assemble(weights, m.n, m.dim, dirs, float64(m.subjectWeight), meta)
}

// encodeWeights is the serialised weights: offsets, words, idf, scales
// and the vectors quantised to int8, one scale per term. Quantising is
// most of a small history's model write, so the rows are shared out
// among the CPUs and written in place.
func encodeWeights(words []string, vecs []float32, dim int, idf []float32) []byte {
	n := len(words)
	var wordBytes int
	for _, w := range words {
		wordBytes += len(w)
	}
	le := binary.LittleEndian
	buf := make([]byte, 0, 4*(n+1)+wordBytes+8*n+n*dim)
	off := uint32(0)
	buf = le.AppendUint32(buf, 0)
	for _, w := range words {
		off += uint32(len(w))
		buf = le.AppendUint32(buf, off)
	}
	for _, w := range words {
		buf = append(buf, w...)
	}
	for _, x := range idf {
		buf = le.AppendUint32(buf, math.Float32bits(x))
	}
	scales := buf[len(buf) : len(buf)+4*n]
	q := buf[len(buf)+4*n : len(buf)+4*n+n*dim]
	parallel(n, runtime.GOMAXPROCS(0), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := vecs[i*dim : (i+1)*dim]
			var mx float32
			for _, x := range row {
				mx = max(mx, abs32(x))
			}
			scale := mx / 127
			le.PutUint32(scales[4*i:], math.Float32bits(scale))
			out := q[i*dim : (i+1)*dim]
			if scale == 0 {
				clear(out)
				continue
			}
			for j, x := range row {
				out[j] = byte(quantise(x / scale))
			}
		}
	})
	return buf[:len(buf)+4*n+n*dim]
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }

// quantise is math.Round(v) clamped to ±127: half away from zero, as
// float64 adds 0.5 to any float32 exactly where it matters, and
// truncates.
func quantise(v float32) int8 {
	f := float64(v)
	r := int32(f + math.Copysign(0.5, f))
	return int8(max(-127, min(127, r)))
}

// assemble puts header, meta, weights and directions together, hashes
// and seals them, and loads the result.
func assemble(weights []byte, n, dim int, dirs []float32, subjectWeight float64, meta Meta) (*Model, error) {
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 0, headerSize+len(metaJSON)+len(weights)+4+4*len(dirs)+4)
	le := binary.LittleEndian
	buf = append(buf, magic...)
	buf = le.AppendUint32(buf, version)
	buf = le.AppendUint32(buf, uint32(dim))
	buf = le.AppendUint32(buf, uint32(n))
	buf = le.AppendUint32(buf, 0) // flags
	buf = le.AppendUint32(buf, math.Float32bits(float32(subjectWeight)))
	buf = le.AppendUint32(buf, uint32(len(metaJSON)))
	hashAt := len(buf)
	buf = append(buf, make([]byte, 32)...)
	buf = append(buf, metaJSON...)
	buf = append(buf, weights...)
	buf = le.AppendUint32(buf, uint32(len(dirs)/dim))
	for _, x := range dirs {
		buf = le.AppendUint32(buf, math.Float32bits(x))
	}
	// The meta length is left out with the meta: a training that took
	// 10 ms instead of 9 is the same model.
	h := sha256.New()
	h.Write(buf[:hashAt-4])
	h.Write(buf[headerSize+len(metaJSON):])
	copy(buf[hashAt:], h.Sum(nil))
	buf = le.AppendUint32(buf, crc32.Checksum(buf, castagnoli()))
	return Unmarshal(buf)
}

// MarshalBinary returns the model's serialised form (the bytes it was
// loaded from; do not modify them).
func (m *Model) MarshalBinary() ([]byte, error) { return m.data, nil }

// Unmarshal loads a model from its serialised form. The model keeps data
// (no copy): the caller must not modify it afterwards.
func Unmarshal(data []byte) (*Model, error) { return unmarshal(data, true) }

// UnmarshalUnchecked is Unmarshal without the checksum: the structure is
// still validated (no read goes out of bounds), but damaged weights load.
// For a search, which then touches only the pages of its query's terms;
// the index checks the file on its next run.
func UnmarshalUnchecked(data []byte) (*Model, error) { return unmarshal(data, false) }

func unmarshal(data []byte, check bool) (*Model, error) {
	le := binary.LittleEndian
	if len(data) < headerSize+4 || string(data[:4]) != magic || le.Uint32(data[4:]) != version {
		return nil, ErrFormat
	}
	body := data[:len(data)-4]
	if check && crc32.Checksum(body, castagnoli()) != le.Uint32(data[len(data)-4:]) {
		return nil, fmt.Errorf("builtin embedder: model data is damaged (checksum mismatch)")
	}
	dim := int(le.Uint32(data[8:]))
	n := int(le.Uint32(data[12:]))
	m := &Model{
		data:          data,
		dim:           dim,
		n:             n,
		subjectWeight: math.Float32frombits(le.Uint32(data[20:])),
	}
	metaLen := int(le.Uint32(data[24:]))
	m.id = "builtin:" + hex.EncodeToString(data[28 : 28+32])[:12]
	p := headerSize
	take := func(k int) ([]byte, bool) {
		if k < 0 || p+k > len(body) {
			return nil, false
		}
		b := body[p : p+k]
		p += k
		return b, true
	}
	bad := fmt.Errorf("builtin embedder: model data is truncated or inconsistent")
	if dim <= 0 || n <= 0 || dim > 1<<16 || n > 1<<24 {
		return nil, bad
	}
	metaJSON, ok := take(metaLen)
	if !ok || json.Unmarshal(metaJSON, &m.meta) != nil {
		return nil, bad
	}
	if m.offs, ok = take(4 * (n + 1)); !ok {
		return nil, bad
	}
	if m.words, ok = take(int(le.Uint32(m.offs[4*n:]))); !ok {
		return nil, bad
	}
	for i, prev := 1, uint32(0); i <= n; i++ {
		o := le.Uint32(m.offs[4*i:])
		if o < prev {
			return nil, bad
		}
		prev = o
	}
	if m.idf, ok = take(4 * n); !ok {
		return nil, bad
	}
	if m.scales, ok = take(4 * n); !ok {
		return nil, bad
	}
	if m.vecs, ok = take(n * dim); !ok {
		return nil, bad
	}
	kb, ok := take(4)
	if !ok {
		return nil, bad
	}
	k := int(le.Uint32(kb))
	if k > dim {
		return nil, bad
	}
	db, ok := take(4 * k * dim)
	if !ok || p != len(body) {
		return nil, bad
	}
	m.dirs = make([]float32, k*dim)
	for i := range m.dirs {
		m.dirs[i] = math.Float32frombits(le.Uint32(db[4*i:]))
	}
	return m, nil
}
