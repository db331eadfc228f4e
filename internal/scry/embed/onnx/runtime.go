//go:build cgo && !noonnx

package onnx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	ort "github.com/yalue/onnxruntime_go"
	"golang.org/x/sys/unix"

	"github.com/verdigris-dev/verdigris/internal/scry/embed"
)

// Built reports whether this binary can run ONNX models at all.
const Built = true

// The ONNX Runtime environment is process-wide and can be set up once.
var env struct {
	sync.Mutex
	path, version string
	err           error
	done          bool
}

// Runtime finds and loads the ONNX Runtime library (once per process)
// and returns its path and version.
func Runtime(getenv func(string) string) (path, version string, err error) {
	env.Lock()
	defer env.Unlock()
	if env.done {
		return env.path, env.version, env.err
	}
	lib, tried, err := FindLibrary(getenv)
	if err != nil && err != ErrNoLibrary {
		return "", "", err // it says where already
	}
	if err != nil {
		return "", "", fmt.Errorf("%w (looked in %s)", err, strings.Join(tried, ", "))
	}
	ort.SetSharedLibraryPath(lib)
	env.done, env.path = true, lib
	// Every failure comes back as an error, said once by git-scry; the
	// runtime's own log would print it again, raw, on stderr (and the
	// probes for a model's length limit fail on purpose). A library of
	// another version says why it refuses on stderr, not in its error
	// ("Error setting ORT API base: 2"): that is caught for the error.
	said, err := captureStderr(func() error { return ort.InitializeEnvironment(ort.WithLogLevelFatal()) })
	if err != nil {
		if said = strings.Join(strings.Fields(said), " "); said != "" {
			err = fmt.Errorf("%w (%s)", err, said)
		}
		env.err = fmt.Errorf("%w from %s: %w (git scry needs ONNX Runtime %s)", ErrBadLibrary, lib, err, RuntimeVersion)
		return lib, "", env.err
	}
	env.version = ort.GetVersion()
	return lib, env.version, nil
}

// captureStderr runs fn with file descriptor 2, where C libraries
// write, going to a pipe, and returns what was written there.
func captureStderr(fn func() error) (string, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", fn()
	}
	defer r.Close()
	saved, err := unix.Dup(2)
	if err != nil {
		w.Close()
		return "", fn()
	}
	if err := unix.Dup2(int(w.Fd()), 2); err != nil {
		unix.Close(saved)
		w.Close()
		return "", fn()
	}
	var out bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		io.Copy(&out, io.LimitReader(r, 4096))
		io.Copy(io.Discard, r)
	}()
	ferr := fn()
	unix.Dup2(saved, 2)
	unix.Close(saved)
	w.Close()
	<-done
	return out.String(), ferr
}

// Embedder runs one sentence model.
type Embedder struct {
	cfg     Config
	tok     *Tokenizer
	mu      sync.Mutex // one inference at a time: batches already use every core
	session *ort.DynamicAdvancedSession
	inputs  []string // the graph's inputs, in its order
	roles   []string // what each is: input_ids, attention_mask or token_type_ids
	int32s  []bool   // which of them are int32, not int64 (some converters' exports)
	pooled  bool     // the output is already one vector per text
	cls     bool     // token states pooled by their first ([CLS]), not their mean
	dim     int
	// keep is how many of the model's dimensions a vector keeps, the
	// first (Config.TruncateDim); 0: all.
	keep int
	// fixedBatch and fixedSeq are the input dimensions a graph traced at
	// one shape fixes (0: dynamic): batches are filled up to the one
	// and texts padded to the other.
	fixedBatch, fixedSeq int
	// limit is the most tokens the model itself takes, when fewer than
	// the tokenizer gives: its fixed sequence length, or found once a
	// longer text failed (a position table shorter than the tokenizer's
	// max_length); 0 otherwise.
	limit atomic.Int64
	// ran, when set, is told the shape of each batch run, its rows and
	// the length they are padded to: what the sorting by length saves
	// shows in no vector (padding is masked), so tests read it here.
	ran func(rows, seq int)
}

var _ embed.Embedder = (*Embedder)(nil)

// Open loads the runtime, the tokenizer and the model.
func Open(cfg Config) (embed.Embedder, error) {
	e, err := OpenEmbedder(cfg)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// OpenEmbedder is Open returning the concrete type.
func OpenEmbedder(cfg Config) (*Embedder, error) {
	cfg.defaults()
	if _, _, err := Runtime(cfg.Getenv); err != nil {
		return nil, err
	}
	tok, err := LoadTokenizer(cfg.Tokenizer)
	if err != nil {
		return nil, err
	}
	if err := tok.SetMaxLength(cfg.MaxLength); err != nil {
		return nil, err
	}
	if cfg.BertCasing != nil {
		if err := tok.SetBertCasing(*cfg.BertCasing); err != nil {
			return nil, fmt.Errorf("%s: %w", cfg.Tokenizer, err)
		}
	}
	if cfg.LowerCase {
		tok.LowerCase()
	}
	mf, err := ReadModelFile(cfg.Model)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadModel, err)
	}
	sh, err := mf.Shape()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Model, err)
	}
	e := &Embedder{cfg: cfg, tok: tok, inputs: sh.Inputs, roles: sh.Roles, int32s: sh.Int32,
		pooled: sh.Pooled, fixedBatch: sh.FixedBatch, fixedSeq: sh.FixedSeq}
	switch cfg.Pooling {
	case "", PoolMean:
	case PoolCLS:
		e.cls = true
	default:
		return nil, fmt.Errorf("pooling %q is not one git scry does (%s or %s)", cfg.Pooling, PoolMean, PoolCLS)
	}
	output := sh.Output
	if e.fixedBatch > 0 {
		e.cfg.BatchSize = e.fixedBatch
	}
	if e.fixedSeq > 0 && e.fixedSeq < tok.MaxLength() {
		e.limit.Store(int64(e.fixedSeq))
	}
	opts, err := ort.NewSessionOptions()
	if err != nil {
		return nil, err
	}
	defer opts.Destroy()
	threads := cfg.Threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	if err := opts.SetIntraOpNumThreads(threads); err != nil {
		return nil, err
	}
	if err := opts.SetInterOpNumThreads(1); err != nil {
		return nil, err
	}
	e.session, err = ort.NewDynamicAdvancedSession(cfg.Model, e.inputs, []string{output.Name}, opts)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrBadModel, cfg.Model, err)
	}
	if d := output.Dims; len(d) > 0 && d[len(d)-1] > 0 {
		e.dim = int(d[len(d)-1])
	} else {
		// A dynamic hidden size: ask the model.
		v, err := e.embed(context.Background(), []string{"probe"}, "")
		if err != nil {
			e.Close()
			return nil, err
		}
		e.dim = len(v[0])
	}
	if n := cfg.TruncateDim; n > 0 {
		if n > e.dim {
			e.Close()
			return nil, fmt.Errorf("%w: %s outputs %d dimensions, fewer than the %d its vectors are to be cut to", ErrTooFewDims, cfg.Model, e.dim, n)
		}
		e.keep, e.dim = n, n
	}
	return e, nil
}

// ID is "onnx:NAME@DIGEST" (Config.id).
func (e *Embedder) ID() string { return e.cfg.id() }

// Dim is the vectors' length: the model's hidden size, or the
// dimensions they are cut to.
func (e *Embedder) Dim() int { return e.dim }

// Close releases the session.
func (e *Embedder) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.session == nil {
		return nil
	}
	err := e.session.Destroy()
	e.session = nil
	return err
}

// EmbedQueries embeds queries with the model's query prefix.
func (e *Embedder) EmbedQueries(ctx context.Context, texts []string) ([][]float32, error) {
	return e.embed(ctx, texts, e.cfg.QueryPrefix)
}

// EmbedPassages embeds indexed texts with the model's passage prefix.
func (e *Embedder) EmbedPassages(ctx context.Context, texts []string) ([][]float32, error) {
	return e.embed(ctx, texts, e.cfg.PassagePrefix)
}

// embed tokenizes every text, runs them in batches of similar length
// (sorted, so little padding is computed) and puts the vectors back in
// the caller's order.
func (e *Embedder) embed(ctx context.Context, texts []string, prefix string) ([][]float32, error) {
	// sentence-transformers' encode counts prompt_length as the
	// prompt's tokens with the special ones, less one: [CLS] and the
	// prompt's own. Its Pooling, with include_prompt false, sets
	// attention_mask[:, :prompt_length] = 0 after the transformer ran:
	// the model attends to the prompt, the mean leaves it out, [CLS]
	// with it.
	skip := 0
	if e.cfg.excludesPrompt(prefix) {
		skip = len(e.tok.Encode(prefix)) - 1
	}
	ids := make([][]int64, len(texts))
	order := make([]int, len(texts))
	for i, t := range texts {
		ids[i] = e.cut(e.tok.Encode(prefix + t))
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return len(ids[a]) - len(ids[b]) })
	out := make([][]float32, len(texts))
	for lo := 0; lo < len(order); lo += e.cfg.BatchSize {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		batch := order[lo:min(lo+e.cfg.BatchSize, len(order))]
		vecs, err := e.run(batch, ids, skip)
		if err != nil {
			// Cutting keeps the order sorted, and the batches before
			// this one ran, so were within the limit.
			if errors.Is(err, ErrNotFinite) || !e.findLimit(batch, ids) {
				return nil, err
			}
			for _, i := range order[lo:] {
				ids[i] = e.cut(ids[i])
			}
			if vecs, err = e.run(batch, ids, skip); err != nil {
				return nil, err
			}
		}
		for k, i := range batch {
			out[i] = vecs[k]
		}
	}
	return out, nil
}

// cut truncates ids ([CLS] … [SEP]) to the model's limit once known.
func (e *Embedder) cut(ids []int64) []int64 {
	n := int(e.limit.Load())
	if n == 0 || len(ids) <= n {
		return ids
	}
	return append(ids[:n-1:n-1], ids[len(ids)-1])
}

// findLimit is called when a batch failed: when one text of its length
// fails alone and a short one runs, the model takes fewer tokens than
// the tokenizer gives, and the most it takes is found (by bisection;
// the same for every run of the model) and kept. It reports whether a
// limit was found, that is whether cutting the texts can help.
func (e *Embedder) findLimit(batch []int, ids [][]int64) bool {
	seq := 0
	for _, i := range batch {
		seq = max(seq, len(ids[i]))
	}
	if n := e.limit.Load(); n > 0 && int64(seq) <= n {
		return false
	}
	fits := func(n int) bool {
		row := make([]int64, n)
		row[0], row[n-1] = e.tok.cls, e.tok.sep
		for k := 1; k < n-1; k++ {
			row[k] = e.tok.unk
		}
		_, err := e.run([]int{0}, [][]int64{row}, 0)
		return err == nil
	}
	if seq <= 2 || fits(seq) || !fits(2) {
		return false
	}
	lo, hi := 2, seq // fits(lo), !fits(hi)
	for hi-lo > 1 {
		if mid := (lo + hi) / 2; fits(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	e.limit.Store(int64(lo))
	return true
}

// run infers one batch: rows padded to the longest, mask 1 over real
// tokens, token types all 0 (single sentences). The first skip tokens of
// each row are left out of the mean, not out of the model's mask.
func (e *Embedder) run(batch []int, ids [][]int64, skip int) ([][]float32, error) {
	n, b := len(batch), max(len(batch), e.fixedBatch)
	seq := e.fixedSeq
	for _, i := range batch {
		seq = max(seq, len(ids[i]))
	}
	// Rows that fill a fixed batch repeat the first text; their vectors
	// are dropped.
	for len(batch) < b {
		batch = append(batch[:len(batch):len(batch)], batch[0])
	}
	inputIDs := make([]int64, b*seq)
	mask := make([]int64, b*seq)
	for r, i := range batch {
		for c := 0; c < seq; c++ {
			if c < len(ids[i]) {
				inputIDs[r*seq+c] = ids[i][c]
				mask[r*seq+c] = 1
			} else {
				inputIDs[r*seq+c] = e.tok.PadID()
			}
		}
	}
	if e.ran != nil {
		e.ran(b, seq)
	}
	shape := ort.NewShape(int64(b), int64(seq))
	var inputs []ort.Value
	defer func() {
		for _, v := range inputs {
			v.Destroy()
		}
	}()
	for k, role := range e.roles {
		data := inputIDs
		switch role {
		case "attention_mask":
			data = mask
		case "token_type_ids":
			data = make([]int64, b*seq)
		}
		t, err := tensor(shape, data, e.int32s[k])
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, t)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.session == nil {
		return nil, errors.New("embedder is closed")
	}
	outputs := []ort.Value{nil}
	if err := e.session.Run(inputs, outputs); err != nil {
		return nil, fmt.Errorf("running %s: %w", e.cfg.Model, err)
	}
	defer outputs[0].Destroy()
	t, ok := outputs[0].(*ort.Tensor[float32])
	if !ok {
		return nil, errors.New("model output is not a float tensor")
	}
	pooling := mask
	if skip > 0 {
		pooling = slices.Clone(mask)
		for r := 0; r < b; r++ {
			clear(pooling[r*seq : r*seq+min(skip, seq)])
		}
	}
	vecs, err := pool(t.GetData(), t.GetShape(), pooling, b, seq, e.pooled, e.cls, e.keep)
	if err != nil {
		return nil, err
	}
	for _, v := range vecs[:n] {
		if !finite(v) {
			return nil, ErrNotFinite
		}
	}
	return vecs[:n], nil
}

// tensor makes an input tensor of the graph's integer type.
func tensor(shape ort.Shape, data []int64, int32s bool) (ort.Value, error) {
	if !int32s {
		return ort.NewTensor(shape, data)
	}
	narrow := make([]int32, len(data))
	for i, x := range data {
		narrow[i] = int32(x)
	}
	return ort.NewTensor(shape, narrow)
}

// pool turns the output into one L2-normalised vector per row: the mean
// of the token states under the attention mask, or the first token's
// state when cls, or the row itself when the model already pooled; cut
// to its first keep dimensions before it is normalised (0: all), as
// sentence-transformers' truncate_dim cuts them.
func pool(data []float32, shape ort.Shape, mask []int64, b, seq int, pooled, cls bool, keep int) ([][]float32, error) {
	normalize := func(v []float32) []float32 {
		if keep > 0 && keep < len(v) {
			v = v[:keep:keep]
		}
		return normalize(v)
	}
	if pooled {
		if len(shape) != 2 || int(shape[0]) != b {
			return nil, fmt.Errorf("model output shape %v, want [%d, hidden]", shape, b)
		}
		h := int(shape[1])
		out := make([][]float32, b)
		for r := range out {
			out[r] = normalize(slices.Clone(data[r*h : (r+1)*h]))
		}
		return out, nil
	}
	if len(shape) != 3 || int(shape[0]) != b || int(shape[1]) != seq {
		return nil, fmt.Errorf("model output shape %v, want [%d, %d, hidden]", shape, b, seq)
	}
	h := int(shape[2])
	out := make([][]float32, b)
	if cls {
		for r := range out {
			out[r] = normalize(slices.Clone(data[r*seq*h : r*seq*h+h]))
		}
		return out, nil
	}
	for r := range out {
		acc := make([]float64, h)
		n := 0
		for c := 0; c < seq; c++ {
			if mask[r*seq+c] == 0 {
				continue
			}
			n++
			row := data[(r*seq+c)*h : (r*seq+c+1)*h]
			for k, x := range row {
				acc[k] += float64(x)
			}
		}
		v := make([]float32, h)
		for k := range v {
			v[k] = float32(acc[k] / float64(max(n, 1)))
		}
		out[r] = normalize(v)
	}
	return out, nil
}

// finite reports whether every value of v is a number: the sum of
// squares is NaN or infinite exactly when one is not.
func finite(v []float32) bool {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return !math.IsNaN(s) && !math.IsInf(s, 0)
}

func normalize(v []float32) []float32 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return v
	}
	inv := float32(1 / math.Sqrt(s))
	for k := range v {
		v[k] *= inv
	}
	return v
}
