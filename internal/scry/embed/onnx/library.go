// Package onnx runs BERT-style sentence models (model.onnx and its
// tokenizer.json) through ONNX Runtime: WordPiece tokens in, mean-pooled
// and L2-normalised hidden states out, in length-sorted batches. The
// runtime library is loaded at run time; a binary built without cgo (or
// with -tags noonnx) has the same API and reports ErrNoRuntime.
package onnx

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// LibraryEnv names the environment variable that points at the ONNX
// Runtime shared library, overriding the search.
const LibraryEnv = "VERDIGRIS_ONNXRUNTIME"

// RuntimeVersion is the ONNX Runtime release the bindings speak to (C API
// version 24), and the one scripts/fetch-onnxruntime.sh installs.
const RuntimeVersion = "1.24.1"

// ErrNoRuntime is returned by Open in a binary built without ONNX Runtime.
var ErrNoRuntime = errors.New("built without ONNX Runtime")

// ErrNoLibrary is returned when the ONNX Runtime library is not found.
var ErrNoLibrary = errors.New("ONNX Runtime library not found")

// ErrBadModel is returned for a model file ONNX Runtime cannot read:
// not an ONNX model, cut short, or of operators this runtime lacks.
var ErrBadModel = errors.New("not a model ONNX Runtime can load")

// ErrNotFinite is returned for a text the model computes NaN or an
// infinity for: such a vector ranks nowhere (its every score is NaN),
// and an export that overflows in half precision makes them.
var ErrNotFinite = errors.New("the model's output holds NaN or infinite values")

// ErrTooFewDims is returned for a model whose vectors are to be cut to
// more dimensions than it outputs (Config.TruncateDim).
var ErrTooFewDims = errors.New("too few dimensions")

// ErrBadLibrary is returned when the library found does not load: not
// ONNX Runtime, damaged, or another version.
var ErrBadLibrary = errors.New("cannot load ONNX Runtime")

func libraryName() string {
	if runtime.GOOS == "darwin" {
		return "libonnxruntime.dylib"
	}
	return "libonnxruntime.so.1"
}

// LibraryCandidates lists where the runtime library is looked for, in
// order: $VERDIGRIS_ONNXRUNTIME; lib/verdigris next to the executable's
// bin directory ($PREFIX/lib/verdigris, where install.sh puts it);
// ~/.local/lib/verdigris (scripts/fetch-onnxruntime.sh's default);
// /usr/local/lib/verdigris and /usr/lib/verdigris.
func LibraryCandidates(getenv func(string) string) []string {
	var out []string
	if p := getenv(LibraryEnv); p != "" {
		return []string{p}
	}
	name := libraryName()
	if exe, err := os.Executable(); err == nil {
		if exe, err = filepath.EvalSymlinks(exe); err == nil {
			out = append(out, filepath.Join(filepath.Dir(filepath.Dir(exe)), "lib", "verdigris", name))
		}
	}
	if home := getenv("HOME"); home != "" {
		out = append(out, filepath.Join(home, ".local", "lib", "verdigris", name))
	}
	out = append(out, filepath.Join("/usr/local/lib/verdigris", name), filepath.Join("/usr/lib/verdigris", name))
	return dedupe(out)
}

// FindLibrary returns the first candidate that exists, and every place
// it looked.
func FindLibrary(getenv func(string) string) (string, []string, error) {
	cands := LibraryCandidates(getenv)
	if p := getenv(LibraryEnv); p != "" {
		// The directory fetch-onnxruntime.sh installed into is a
		// natural thing to set it to; "not found" would be untrue.
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return "", cands, fmt.Errorf("%w: %s names a directory; set it to the library file, %s", ErrNoLibrary, LibraryEnv, filepath.Join(p, libraryName()))
		}
	}
	for _, p := range cands {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, cands, nil
		}
	}
	return "", cands, ErrNoLibrary
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
