package main

import (
	"debug/buildinfo"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/verdigris-dev/verdigris/internal/clitest"
	"github.com/verdigris-dev/verdigris/internal/scry/embed/onnx"
	"github.com/verdigris-dev/verdigris/internal/scry/embed/onnx/onnxtest"
)

// TestModelScripts runs testdata/model: the model registry and the choice
// of embedder, against the real binaries. Scripts get:
//
//	onnxmodel [-vocab N] [-external FILE] DIR [SEED]
//	                      write DIR/model.onnx (a token-table model with
//	                      random weights from SEED) and DIR/tokenizer.json
//	                      (the real BERT vocabulary); -vocab N gives the
//	                      model a table of N tokens, fewer than the
//	                      tokenizer's when N < 30522 (a mismatched pair);
//	                      -external FILE keeps the table in DIR/FILE, as
//	                      large exports keep theirs in model.onnx_data;
//	                      -rename INPUT=NAME gives an input another name;
//	                      -pooled outputs sentence_embedding, the model's
//	                      own mean of its token states; -nan ID makes
//	                      the model output NaN for a text with token ID;
//	                      -fp16 makes its output half precision;
//	                      -maxlen N: tokenizer.json cuts at N tokens (64;
//	                      0: it sets no truncation); -dynhidden declares
//	                      the output's last dimension by name, its size
//	                      known only by running the model
//	fakeort FILE          build FILE, a shared library that poses as ONNX
//	                      Runtime 1.17 (the C API version 24 is not
//	                      there: it says so on stderr, as the real one
//	                      does), with cc ([exec:cc])
//	scry-sql STATEMENT    as in testdata/*.txtar (main_test.go)
//	[ort]           the git-scry under test has ONNX Runtime and its library is
//	                installed (VERDIGRIS_ONNXRUNTIME points at it)
//	[onnx]          the git-scry under test has the ONNX Runtime bindings (cgo),
//	                the library installed or not
func TestModelScripts(t *testing.T) {
	lib, _, libErr := onnx.FindLibrary(os.Getenv)
	// The git-scry under test, not this test binary: scripts/test.sh
	// builds the tests without cgo and git-scry with it.
	built := binaryHasONNX(t, filepath.Join(clitest.Binaries(t), "git-scry"))
	ort := built && libErr == nil
	if !ort && os.Getenv("VERDIGRIS_REQUIRE_ONNXRUNTIME") != "" {
		t.Fatalf("ONNX Runtime required: built=%v, %v", built, libErr)
	}
	vocab, vocabErr := onnxtest.BertVocab()
	switch {
	case vocabErr != nil && os.Getenv("VERDIGRIS_REQUIRE_ONNXRUNTIME") != "":
		// Skipped, every model script would pass unrun: this package
		// alone does not make go download the module it ships in.
		t.Fatalf("ONNX Runtime required, but no BERT vocabulary for the test models (run 'go mod download github.com/sugarme/tokenizer'): %v", vocabErr)
	case vocabErr != nil:
		t.Skipf("no BERT vocabulary for the test models: %v", vocabErr)
	}
	p := clitest.Params(t, filepath.Join("testdata", "model"), func(e *testscript.Env) error {
		e.Setenv(onnx.LibraryEnv, "")
		if ort {
			e.Setenv(onnx.LibraryEnv, lib)
		}
		return nil
	})
	p.Condition = func(cond string) (bool, error) {
		switch cond {
		case "ort":
			return ort, nil
		case "onnx":
			return built, nil
		}
		return false, nil
	}
	cmds := map[string]func(*testscript.TestScript, bool, []string){}
	for k, v := range p.Cmds {
		cmds[k] = v
	}
	cmds["onnxmodel"] = func(ts *testscript.TestScript, neg bool, args []string) {
		vocabSize, external, rename, pooled, half, dynHidden, maxLen := 30522, "", map[string]string{}, false, false, false, 64
		var nanRows []int
		for len(args) > 1 && (args[0] == "-pooled" || args[0] == "-fp16" || args[0] == "-dynhidden") || len(args) > 2 && (args[0] == "-vocab" || args[0] == "-external" || args[0] == "-rename" || args[0] == "-nan" || args[0] == "-maxlen") {
			switch args[0] {
			case "-pooled":
				pooled, args = true, args[1:]
				continue
			case "-fp16":
				half, args = true, args[1:]
				continue
			case "-dynhidden":
				dynHidden, args = true, args[1:]
				continue
			case "-vocab":
				n, err := strconv.Atoi(args[1])
				ts.Check(err)
				vocabSize = n
			case "-external":
				external = args[1]
			case "-rename":
				from, to, _ := strings.Cut(args[1], "=")
				rename[from] = to
			case "-maxlen":
				n, err := strconv.Atoi(args[1])
				ts.Check(err)
				maxLen = n
			case "-nan":
				id, err := strconv.Atoi(args[1])
				ts.Check(err)
				nanRows = append(nanRows, id)
			}
			args = args[2:]
		}
		if len(args) < 1 || len(args) > 2 {
			ts.Fatalf("usage: onnxmodel [-vocab N] [-external FILE] [-rename INPUT=NAME] [-pooled] [-nan ID] [-fp16] [-dynhidden] [-maxlen N] DIR [SEED]")
		}
		seed := uint64(1)
		if len(args) == 2 {
			n, err := strconv.ParseUint(args[1], 10, 64)
			ts.Check(err)
			seed = n
		}
		dir := ts.MkAbs(args[0])
		ts.Check(os.MkdirAll(dir, 0o755))
		table, err := onnxtest.TokenTableWith(onnxtest.TableOptions{Vocab: vocabSize, Hidden: 8, Seed: seed, TokenTypes: true, External: external, Rename: rename, Pooled: pooled, NaNRows: nanRows, Float16: half, HiddenUnknown: dynHidden})
		ts.Check(err)
		ts.Check(os.WriteFile(filepath.Join(dir, "model.onnx"), table.Model, 0o644))
		if external != "" {
			ts.Check(os.WriteFile(filepath.Join(dir, external), table.External, 0o644))
		}
		_, _, err = onnxtest.WriteTokenizer(dir, vocab, maxLen)
		ts.Check(err)
	}
	cmds["scry-sql"] = scrySQL
	cmds["fakeort"] = func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 1 {
			ts.Fatalf("usage: fakeort FILE")
		}
		src := ts.MkAbs(args[0] + ".c")
		ts.Check(os.WriteFile(src, []byte(fakeORT), 0o644))
		out, err := exec.Command("cc", "-shared", "-fPIC", "-o", ts.MkAbs(args[0]), src).CombinedOutput()
		if err != nil {
			ts.Fatalf("cc: %v\n%s", err, out)
		}
	}
	p.Cmds = cmds
	testscript.Run(t, p)
}

// fakeORT is the C API entry point of an ONNX Runtime too old for the
// bindings, which prints its refusal rather than returning it.
const fakeORT = `#include <stdio.h>
typedef struct {
	const void *(*GetApi)(unsigned int version);
	const char *(*GetVersionString)(void);
} OrtApiBase;
static const void *get_api(unsigned int version) {
	fprintf(stderr, "The requested API version [%u] is not available, only API versions [1, 17] are supported in this build. Current ORT Version is: 1.17.0\n", version);
	return NULL;
}
static const char *version_string(void) { return "1.17.0"; }
static const OrtApiBase base = {get_api, version_string};
const OrtApiBase *OrtGetApiBase(void) { return &base; }
`

// binaryHasONNX reports whether the binary at path was built with the
// ONNX Runtime bindings (internal/scry/embed/onnx's build constraint: cgo
// and no noonnx tag), from the build settings Go records in it.
func binaryHasONNX(t *testing.T, path string) bool {
	t.Helper()
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the build settings of %s: %v", path, err)
	}
	cgo, noonnx := false, false
	for _, s := range info.Settings {
		switch s.Key {
		case "CGO_ENABLED":
			cgo = s.Value == "1"
		case "-tags":
			noonnx = slices.Contains(strings.Split(s.Value, ","), "noonnx")
		}
	}
	return cgo && !noonnx
}
