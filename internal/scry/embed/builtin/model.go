package builtin

import (
	"context"
	"encoding/binary"
	"math"
	"runtime"
	"sort"
	"sync/atomic"
	"time"
)

// Meta describes how a model was trained.
type Meta struct {
	Commits int `json:"commits"`
	// Messages is how many of the commits' messages it learned from:
	// those that repeat an earlier one are counted once (repeats.go).
	// Models from before it have none: then all of them.
	Messages   int       `json:"messages,omitempty"`
	Documents  int       `json:"documents"`
	Background int       `json:"background"`
	Tokens     int64     `json:"tokens"`
	Vocabulary int       `json:"vocabulary"`
	Dim        int       `json:"dim"`
	MachineDim int       `json:"machine_dim"` // of Dim, learned from the machine's text
	Directions int       `json:"directions"`
	Synonyms   int       `json:"synonyms"` // terms moved toward their synonyms
	TrainedAt  time.Time `json:"trained_at"`
	TrainMS    int64     `json:"train_ms"`
}

// Model is a trained built-in embedder. It reads its term table straight
// from the serialised bytes (see codec.go), so loading costs no parsing.
type Model struct {
	data          []byte
	id            string
	dim, n        int
	subjectWeight float32
	offs          []byte    // n+1 little-endian uint32 offsets into words
	words         []byte    // the sorted vocabulary, concatenated
	idf           []byte    // n float32
	scales        []byte    // n float32: a row's int8 → float factor
	vecs          []byte    // n×dim int8
	dirs          []float32 // common directions removed from every vector, k×dim
	meta          Meta
}

// ID is "builtin:" and a prefix of the model's content hash.
func (m *Model) ID() string { return m.id }

// Dim is the vector length.
func (m *Model) Dim() int { return m.dim }

// Meta says what the model was trained on.
func (m *Model) Meta() Meta { return m.meta }

// Close releases nothing: the model is plain memory.
func (m *Model) Close() error { return nil }

// EmbedQueries embeds search queries.
func (m *Model) EmbedQueries(ctx context.Context, texts []string) ([][]float32, error) {
	return m.embedAll(ctx, texts, true)
}

// EmbedPassages embeds commit messages.
func (m *Model) EmbedPassages(ctx context.Context, texts []string) ([][]float32, error) {
	return m.embedAll(ctx, texts, false)
}

func (m *Model) embedAll(ctx context.Context, texts []string, query bool) ([][]float32, error) {
	out := make([][]float32, len(texts))
	// The model is read-only: the texts are shared out among the CPUs
	// (an index run embeds its commits once the diffs are read, when
	// nothing else is left to run).
	var failed atomic.Bool
	parallel(len(texts), runtime.GOMAXPROCS(0), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if (i-lo)%256 == 0 && (failed.Load() || ctx.Err() != nil) {
				failed.Store(true)
				return
			}
			out[i] = m.Embed(texts[i], query)
		}
	})
	if failed.Load() {
		return nil, ctx.Err()
	}
	return out, nil
}

// Embed returns the L2-normalised vector of one text: the idf-weighted
// mean of its terms' vectors, subject terms weighted more, without the
// history's common directions (equal weights when idf weighs all of its
// terms nothing). A text with no known term gets the zero vector. Query terms missing from the vocabulary fall
// back to the closest known term sharing a long prefix.
func (m *Model) Embed(s string, query bool) []float32 {
	subject, body := messageTerms(s)
	v := make([]float32, m.dim)
	var known bool
	var total float32
	add := func(terms []string, w float32, idf bool) {
		for _, t := range terms {
			i, ok := m.lookup(t)
			if !ok && query {
				i, ok = m.nearestPrefix(t)
			}
			if !ok {
				continue
			}
			known = true
			if !idf {
				m.addRow(v, i, w)
				continue
			}
			total += m.idfAt(i)
			m.addRow(v, i, w*m.idfAt(i))
		}
	}
	add(subject, m.subjectWeight, true)
	add(body, 1, true)
	if known && total == 0 {
		// A term every commit has weighs nothing by idf. When all of a
		// text's terms are such (every term of a one-commit history), the
		// commit, and any question in its words, would be the zero vector
		// and semantic search find nothing; equal weights still place them.
		add(subject, m.subjectWeight, false)
		add(body, 1, false)
	}
	normalize(v)
	m.removeDirections(v)
	return v
}

func (m *Model) addRow(v []float32, i int, w float32) {
	scale := w * m.scaleAt(i)
	row := m.vecs[i*m.dim : (i+1)*m.dim]
	for k, b := range row {
		v[k] += scale * float32(int8(b))
	}
}

// Vector returns the term vector of a term (already analysed: stemmed,
// lowercased) and whether the model knows it.
func (m *Model) Vector(term string) ([]float32, bool) {
	i, ok := m.lookup(term)
	if !ok {
		return nil, false
	}
	v := make([]float32, m.dim)
	m.addRow(v, i, 1)
	return v, true
}

func (m *Model) word(i int) string {
	a := binary.LittleEndian.Uint32(m.offs[4*i:])
	b := binary.LittleEndian.Uint32(m.offs[4*i+4:])
	return string(m.words[a:b])
}

func (m *Model) idfAt(i int) float32 {
	return math.Float32frombits(binary.LittleEndian.Uint32(m.idf[4*i:]))
}

func (m *Model) scaleAt(i int) float32 {
	return math.Float32frombits(binary.LittleEndian.Uint32(m.scales[4*i:]))
}

// search returns the first vocabulary index whose word is ≥ t.
func (m *Model) search(t string) int {
	lo, hi := 0, m.n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if m.word(mid) < t {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

func (m *Model) lookup(t string) (int, bool) {
	i := m.search(t)
	return i, i < m.n && m.word(i) == t
}

// nearestPrefix finds a known term for an unknown one: the vocabulary
// word sharing the longest prefix with it (at least 5 bytes and half the
// term: "pluginsystem" → "plugin"), and among equals the most common
// (lowest idf). In a sorted vocabulary the longest shared prefixes sit
// next to the insertion point.
func (m *Model) nearestPrefix(t string) (int, bool) {
	pos := m.search(t)
	best := 0
	for _, i := range []int{pos - 1, pos} {
		if i >= 0 && i < m.n {
			best = max(best, commonPrefix(m.word(i), t))
		}
	}
	if best < 5 || 2*best < len(t) {
		return 0, false
	}
	pick, pickIdf := -1, float32(0)
	consider := func(i int) bool {
		if commonPrefix(m.word(i), t) < best {
			return false
		}
		if idf := m.idfAt(i); pick < 0 || idf < pickIdf {
			pick, pickIdf = i, idf
		}
		return true
	}
	for i := pos - 1; i >= 0 && consider(i); i-- {
	}
	for i := pos; i < m.n && consider(i); i++ {
	}
	return pick, pick >= 0
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func normalize(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(s))
	for k := range v {
		v[k] *= inv
	}
}

// Neighbour is a term near another in the model's space.
type Neighbour struct {
	Term string
	Sim  float32
}

// Neighbours returns up to k terms of the commit messages the model
// learned from (not t itself) whose vectors are closest to the analysed
// term t's, with cosine at least minSim, closest first. Term vectors are
// unit length, so a cosine is one int8 dot product and a scale.
func (m *Model) Neighbours(t string, k int, minSim float32) []Neighbour {
	i, ok := m.lookup(t)
	if !ok || k <= 0 {
		return nil
	}
	q := make([]float32, m.dim)
	m.addRow(q, i, 1)
	normalize(q)
	unseen := m.unseenIDF()
	var out []Neighbour
	for j := 0; j < m.n; j++ {
		if j == i || m.idfAt(j) >= unseen {
			continue // the term itself, or one no commit message has
		}
		if sim := dotInt8(q, m.vecs[j*m.dim:(j+1)*m.dim]) * m.scaleAt(j); sim >= minSim {
			out = append(out, Neighbour{m.word(j), sim})
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Sim > out[b].Sim })
	return out[:min(k, len(out))]
}

// InHistory reports whether a commit message the model learned from has
// the analysed term t.
func (m *Model) InHistory(t string) bool {
	i, ok := m.lookup(t)
	return ok && m.idfAt(i) < m.unseenIDF()
}

// unseenIDF is just below the idf of a term no commit message has.
func (m *Model) unseenIDF() float32 {
	n := m.meta.Messages
	if n == 0 {
		n = m.meta.Commits
	}
	return float32(math.Log(float64(n)+1)) - 1e-4
}

// dotInt8 is the inner product of a float32 vector and an int8 one (as
// bytes); four accumulators keep the loop's dependency chains short.
func dotInt8(q []float32, v []byte) float32 {
	v = v[:len(q)]
	var a0, a1, a2, a3 float32
	i := 0
	for ; i+4 <= len(q); i += 4 {
		a0 += q[i] * float32(int8(v[i]))
		a1 += q[i+1] * float32(int8(v[i+1]))
		a2 += q[i+2] * float32(int8(v[i+2]))
		a3 += q[i+3] * float32(int8(v[i+3]))
	}
	for ; i < len(q); i++ {
		a0 += q[i] * float32(int8(v[i]))
	}
	return a0 + a1 + a2 + a3
}
