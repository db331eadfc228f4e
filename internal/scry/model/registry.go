// Package model keeps the user's registry of ONNX sentence models for
// git scry (model add/use/ls/rm) and chooses the embedder a search or an
// index run uses: the active ONNX model when it can run, else the
// built-in one, always with the reason.
package model

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/verdigris-dev/verdigris/internal/atomicfile"
	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/filelock"
	"github.com/verdigris-dev/verdigris/internal/jsonfile"
	"github.com/verdigris-dev/verdigris/internal/scry/embed/onnx"
	"github.com/verdigris-dev/verdigris/internal/userdir"
)

// File is one pinned file of a model.
type File struct {
	Path   string    `json:"path"`
	SHA256 string    `json:"sha256"`
	Size   int64     `json:"size"`
	MTime  time.Time `json:"mtime"`
}

// Entry is one registered model.
type Entry struct {
	Name      string `json:"name"`
	Model     File   `json:"model"`
	Tokenizer File   `json:"tokenizer"`
	// External are the files model.onnx keeps tensor data in
	// (ExternalData), in the order of their locations.
	External      []File `json:"external_data,omitempty"`
	QueryPrefix   string `json:"query_prefix"`
	PassagePrefix string `json:"passage_prefix"`
	// Pooling is how its token states become a vector (onnx.PoolMean or
	// onnx.PoolCLS; "" is mean, as for models registered before it was
	// read): its 1_Pooling/config.json's, or --pooling.
	Pooling string `json:"pooling,omitempty"`
	// IncludePrompt is its 1_Pooling/config.json's include_prompt when
	// false: the prefixes' tokens are left out of the mean. nil is true,
	// its default, and what models registered before it was read have.
	IncludePrompt *bool `json:"include_prompt,omitempty"`
	// MaxLength is the most tokens a text is cut to where it is not
	// tokenizer.json's (0): its sentence_bert_config.json's
	// max_seq_length, else its tokenizer_config.json's model_max_length
	// or config.json's max_position_embeddings, as sentence-transformers
	// cuts them (CutLengthOf).
	MaxLength int `json:"max_length,omitempty"`
	// LowerCase is its sentence_bert_config.json's do_lower_case: texts
	// are lowercased before they are tokenized. false for models
	// registered before it was read, as for those that say false.
	LowerCase bool `json:"do_lower_case,omitempty"`
	// BertCasing is how its tokenizer.json's BertNormalizer lowercases
	// and strips accents where its tokenizer_config.json makes it do
	// otherwise, as transformers' fast BERT tokenizer does
	// (BertCasingOf); nil where it changes nothing, and for models
	// registered before it was read.
	BertCasing *onnx.BertCasing `json:"bert_normalizer,omitempty"`
	// Similarity is its config_sentence_transformers.json's
	// similarity_fn_name where it is not the cosine ("dot",
	// "euclidean", "manhattan"): what sentence-transformers scores its
	// vectors with. git scry ranks by the cosine of L2-normalised vectors
	// all the same; it is kept to say so.
	Similarity string `json:"similarity_fn_name,omitempty"`
	// TruncateDim is how many of the model's dimensions its vectors
	// keep, the first (model add --dim, as sentence-transformers'
	// truncate_dim); 0, as for models registered before, keeps them all.
	TruncateDim int       `json:"truncate_dim,omitempty"`
	AddedAt     time.Time `json:"added_at"`
}

// Files are every file of the model that is pinned.
func (e *Entry) Files() []File {
	return append([]File{e.Model, e.Tokenizer}, e.External...)
}

// SameFiles reports whether two entries pin the same files' contents.
func (e *Entry) SameFiles(o *Entry) bool {
	a, b := e.Files(), o.Files()
	return slices.EqualFunc(a, b, func(x, y File) bool { return x.SHA256 == y.SHA256 })
}

// PinModel pins a model's files: model.onnx, the external data files it
// names, and tokenizer.json.
func PinModel(modelPath, tokenizerPath string) (mf, tf File, ext []File, err error) {
	if mf, err = Pin(modelPath); err != nil {
		return
	}
	if tf, err = Pin(tokenizerPath); err != nil {
		return
	}
	mfile, err := onnx.ReadModelFile(mf.Path)
	if err != nil {
		return
	}
	for _, loc := range mfile.ExternalData {
		p, err := ExternalDataPath(mf.Path, loc)
		if err != nil {
			return mf, tf, nil, err
		}
		f, err := Pin(p)
		if err != nil {
			return mf, tf, nil, fmt.Errorf("%w: %w", ErrExternalData, err)
		}
		ext = append(ext, f)
	}
	return mf, tf, ext, nil
}

// Registry is the registry file's content.
type Registry struct {
	// Active names the model searches and indexing use; "" is the
	// built-in embedder.
	Active string  `json:"active"`
	Models []Entry `json:"models"`
}

// Builtin is the name that selects the built-in embedder in 'model use'.
const Builtin = "builtin"

// Path is the registry file: $XDG_CONFIG_HOME/verdigris/scry-models.json
// (~/.config/verdigris/scry-models.json). Models are the user's, shared
// by all their repositories.
func Path(getenv func(string) string) (string, error) {
	dir, err := userdir.Config(getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "scry-models.json"), nil
}

// Load reads the registry; a missing file is an empty registry.
func Load(path string) (*Registry, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &Registry{}, nil
	}
	if err != nil {
		return nil, fileError(path, err, false)
	}
	var r Registry
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %s", path, jsonfile.Problem(data, err, "the registry", "models"))
	}
	return &r, nil
}

// Update changes the registry under its lock and writes it atomically.
func Update(ctx context.Context, path string, fn func(*Registry) error) error {
	lock, err := filelock.Acquire(ctx, path+".lock")
	if err != nil {
		if fe := fileError(path, err, true); fe.Blocker != "" || fe.Permission {
			return fe
		}
		return fmt.Errorf("locking %s: %w", path, err)
	}
	defer lock.Unlock()
	r, err := Load(path)
	if err != nil {
		return err
	}
	if err := fn(r); err != nil {
		return err
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fileError(path, err, true)
	}
	if err := atomicfile.Write(path, append(data, '\n'), 0o644); err != nil {
		return fileError(path, err, true)
	}
	return nil
}

// FileError is a registry file that cannot be read or written for where
// it is, not for what it holds: Go's words ("open …: not a directory")
// named the call, not the fault, which can be a file where a directory of
// its path should be (XDG_CONFIG_HOME=/dev/null).
type FileError struct {
	Path   string
	Write  bool
	Reason string // in plain words: "it is a directory"
	// IsDir: the registry's path is a directory.
	IsDir bool
	// Blocker is the file on the registry's path where a directory
	// should be, if that is what is wrong.
	Blocker string
	// Permission: the file or its directory is not the user's to use.
	Permission bool
}

func (e *FileError) Error() string {
	verb := "read"
	if e.Write {
		verb = "write"
	}
	return fmt.Sprintf("cannot %s the model registry %s: %s", verb, e.Path, e.Reason)
}

func fileError(path string, err error, write bool) *FileError {
	fe := &FileError{Path: path, Write: write, Reason: cli.FileReason(err)}
	switch {
	case errors.Is(err, syscall.EISDIR):
		fe.IsDir = true
	case errors.Is(err, syscall.ENOTDIR):
		for d := filepath.Dir(path); d != filepath.Dir(d); d = filepath.Dir(d) {
			if fi, serr := os.Stat(d); serr == nil && !fi.IsDir() {
				fe.Blocker, fe.Reason = d, d+" is not a directory"
				break
			}
		}
	case errors.Is(err, fs.ErrPermission):
		fe.Permission, fe.Reason = true, "permission denied"
	}
	return fe
}

// Find returns the entry called name.
func (r *Registry) Find(name string) (*Entry, bool) {
	for i := range r.Models {
		if r.Models[i].Name == name {
			return &r.Models[i], true
		}
	}
	return nil, false
}

// Remove deletes the entry called name; removing the active model makes
// the built-in embedder active.
func (r *Registry) Remove(name string) bool {
	i := slices.IndexFunc(r.Models, func(e Entry) bool { return e.Name == name })
	if i < 0 {
		return false
	}
	r.Models = slices.Delete(r.Models, i, i+1)
	if r.Active == name {
		r.Active = ""
	}
	return true
}

// Pin hashes a file and records its size and modification time.
func Pin(path string) (File, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return File{}, err
	}
	f, err := os.Open(abs)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return File{}, err
	}
	if st.IsDir() {
		return File{}, fmt.Errorf("%s is a directory", abs)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return File{}, err
	}
	return File{Path: abs, SHA256: hex.EncodeToString(h.Sum(nil)), Size: st.Size(), MTime: st.ModTime().UTC()}, nil
}

// ErrChanged is returned by Verify for a file that is no longer the one
// registered.
var ErrChanged = errors.New("changed since it was registered")

// Verify checks that a pinned file is still the registered one. A file
// whose size and modification time are unchanged is trusted without
// rehashing (hashing a 90 MB model on every search would cost more than
// the search); otherwise its sha256 decides.
func Verify(f File) error {
	st, err := os.Stat(f.Path)
	if err != nil {
		return err
	}
	if st.Size() == f.Size && st.ModTime().UTC().Equal(f.MTime) {
		return nil
	}
	now, err := Pin(f.Path)
	if err != nil {
		return err
	}
	if now.SHA256 != f.SHA256 {
		return fmt.Errorf("%s: %w (sha256 %s, registered %s)", f.Path, ErrChanged, short(now.SHA256), short(f.SHA256))
	}
	return nil
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}

// Locate finds model.onnx and tokenizer.json among the arguments of
// 'model add': a model directory (model.onnx at its top or under onnx/,
// as Hugging Face repositories lay them out; tokenizer.json at its top),
// or the two files named directly.
func Locate(args []string) (modelPath, tokenizerPath string, err error) {
	// Each of the two is given once: a second directory, model or
	// tokenizer ('model add a b', as if it registered two models) was
	// dropped unseen. A file named beside a directory replaces the
	// directory's own.
	var dir, dirModel, dirTokenizer string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return "", "", err
		}
		if st.IsDir() {
			if dir != "" {
				return "", "", fmt.Errorf("two model directories, %s and %s: one model is registered at a time", dir, a)
			}
			dir = a
			for _, c := range []string{filepath.Join(a, "model.onnx"), filepath.Join(a, "onnx", "model.onnx")} {
				if dirModel == "" && exists(c) {
					dirModel = c
				}
			}
			if c := filepath.Join(a, "tokenizer.json"); exists(c) {
				dirTokenizer = c
			}
			continue
		}
		var dst *string
		switch {
		case strings.HasSuffix(a, ".onnx"):
			dst = &modelPath
		case strings.HasSuffix(a, ".json"):
			dst = &tokenizerPath
		default:
			return "", "", fmt.Errorf("%s: neither a .onnx model nor a tokenizer .json", a)
		}
		if *dst != "" {
			return "", "", fmt.Errorf("two %s files, %s and %s: one model is registered at a time", filepath.Ext(a), *dst, a)
		}
		*dst = a
	}
	if modelPath == "" {
		modelPath = dirModel
	}
	if tokenizerPath == "" {
		tokenizerPath = dirTokenizer
	}
	// Where it looked: a wrong directory (the repository's top, not
	// the export's) is the usual mistake.
	switch {
	case modelPath == "" && dir != "":
		return "", tokenizerPath, &NoModelError{Dir: dir, Exports: append(Exports(dir), Exports(filepath.Join(dir, "onnx"))...)}
	case modelPath == "":
		return "", "", errors.New("no model.onnx given (name it beside the tokenizer, or give the model's directory)")
	case tokenizerPath == "" && dir != "":
		return "", "", fmt.Errorf("no tokenizer.json in %s", dir)
	case tokenizerPath == "":
		return "", "", errors.New("no tokenizer.json given (name it beside the model, or give the model's directory)")
	}
	return modelPath, tokenizerPath, nil
}

// NoModelError is a model directory without model.onnx, at its top or
// under onnx/; Exports are the other ONNX files there (model_O4.onnx,
// model_quantized.onnx: a Hugging Face repository's other exports, one
// of which may be all that was downloaded).
type NoModelError struct {
	Dir     string
	Exports []string
}

func (e *NoModelError) Error() string {
	msg := fmt.Sprintf("no model.onnx in %s (nor in %s)", e.Dir, filepath.Join(e.Dir, "onnx")+string(filepath.Separator))
	if len(e.Exports) == 0 {
		return msg
	}
	var names []string
	for _, p := range e.Exports {
		if rel, err := filepath.Rel(e.Dir, p); err == nil {
			p = rel
		}
		names = append(names, p)
	}
	return msg + ", only " + cli.AndList(names)
}

// Suggested is the export to name in a hint: the quantized one (float32
// outputs, and CPU-sized), else the first that is not half precision.
func (e *NoModelError) Suggested() string {
	for _, p := range e.Exports {
		if filepath.Base(p) == "model_quantized.onnx" {
			return p
		}
	}
	for _, p := range e.Exports {
		if !strings.Contains(filepath.Base(p), "16") {
			return p
		}
	}
	return e.Exports[0]
}

// Exports lists the ONNX files in dir, sorted: a Hugging Face
// repository's exports of one model (model.onnx, model_O4.onnx,
// model_quantized.onnx, …) lie side by side.
func Exports(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".onnx") && !e.IsDir() {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// DefaultName names a model after its directory ("all-MiniLM-L6-v2" for
// …/all-MiniLM-L6-v2/onnx/model.onnx). In the Hugging Face cache
// (…/models--intfloat--e5-small-v2/snapshots/REVISION/) that directory
// is a revision's hash: the model's name is in the one above
// ("e5-small-v2"), and PrefixesOf goes by it.
func DefaultName(modelPath string) string {
	dir := filepath.Dir(modelPath)
	if filepath.Base(dir) == "onnx" {
		dir = filepath.Dir(dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return filepath.Base(dir)
	}
	snapshots := filepath.Dir(abs)
	if repo := filepath.Base(filepath.Dir(snapshots)); filepath.Base(snapshots) == "snapshots" && strings.HasPrefix(repo, "models--") {
		if i := strings.LastIndex(repo, "--"); i+2 < len(repo) {
			return repo[i+2:]
		}
	}
	return filepath.Base(abs)
}

// ValidName reports whether name can name a model. Every character must
// be printable and no space: a name is written to the terminal by every
// model command and by doctor. Nor may it start with a dash: 'model use
// -x' and 'model rm -x' read it as a flag.
func ValidName(name string) error {
	if name == "" || name == Builtin || strings.HasPrefix(name, "-") || strings.ContainsAny(name, " /\\") || strings.ContainsFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return fmt.Errorf("invalid model name %q", name)
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
