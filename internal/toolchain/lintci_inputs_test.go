package toolchain

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Each reusable workflow of the chain hands both of its inputs to the
// next through a matrix of the two (a: ${{ matrix.x }}, b: ${{
// matrix.x }}), so the values a call gives doubled at each level: 2^40
// of them at the end of this chain. A value that comes twice from the
// same place is one value, and the chain is read in a moment.
func TestLintCIInputsThroughMatrixChain(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, ".github", "workflows")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	const depth = 40
	for i := range depth {
		wf := fmt.Sprintf(`on:
  workflow_call:
    inputs:
      a:
        default: '1.20'
      b:
        default: '1.30'
jobs:
  j:
    strategy:
      matrix:
        x: ['${{ inputs.a }}', '${{ inputs.b }}']
    uses: ./.github/workflows/w%d.yml
    with:
      a: ${{ matrix.x }}
      b: ${{ matrix.x }}
`, i+1)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("w%d.yml", i)), []byte(wf), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	last := `on:
  workflow_call:
    inputs:
      a:
        default: '1.26.8'
jobs:
  k:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ inputs.a }}
`
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("w%d.yml", depth)), []byte(last), 0o644); err != nil {
		t.Fatal(err)
	}
	findings, files, err := LintCI(root, []string{filepath.Join(dir, "w0.yml")}, map[string]Pin{"go": {Version: "1.26.8"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != depth+1 {
		t.Errorf("read %d files, want %d", len(files), depth+1)
	}
	var got []string
	for _, f := range findings {
		got = append(got, fmt.Sprintf("%s:%d", f.File, f.Line))
	}
	want := []string{".github/workflows/w0.yml:5", ".github/workflows/w0.yml:7"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("findings at %v, want %v", got, want)
	}
}
