package onnx

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/sourcetree"
)

// The tests that load ONNX Runtime build only with cgo and without the
// noonnx tag, which the ci set's 'go test ./...' has: scripts/test.sh runs
// them afterwards with the runtime fetched, picked by a -run pattern. A
// test that pattern did not name (TestModelFileAgreesWithRuntime,
// TestOpenRefusesFloat16Outputs) ran nowhere, in CI or out.
func TestTestScriptRunsEveryRuntimeTest(t *testing.T) {
	root, err := sourcetree.Root()
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join(root, "scripts", "test.sh"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^[^#\n]*go test [^\n]*\./internal/scry/embed/onnx/\.\.\.[^\n]*-run '([^']*)'`).FindSubmatch(script)
	if m == nil {
		t.Fatal("scripts/test.sh: no 'go test ./internal/scry/embed/onnx/... -run PATTERN' line")
	}
	run, err := regexp.Compile(string(m[1]))
	if err != nil {
		t.Fatalf("scripts/test.sh: -run %q: %v", m[1], err)
	}
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(src), "//go:build cgo && !noonnx") {
			continue
		}
		for _, name := range regexp.MustCompile(`(?m)^func (Test\w+)\(`).FindAllSubmatch(src, -1) {
			found++
			if !run.Match(name[1]) {
				t.Errorf("%s: %s needs ONNX Runtime, and scripts/test.sh's -run %q does not run it", f, name[1], m[1])
			}
		}
	}
	if found == 0 {
		t.Fatal("no test of ONNX Runtime found (the build constraint changed?)")
	}
}
