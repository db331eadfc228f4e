// Package sourcetree finds verdigris's own source tree, for tests and
// benchmarks that read its fixtures or build its binaries. It looks from
// the working directory up (go test runs in the package's directory), not
// at compiled-in file names, which -trimpath makes relative.
package sourcetree

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// Module is verdigris's module path.
const Module = "github.com/verdigris-dev/verdigris"

// Root returns the directory holding verdigris's go.mod, searching from the
// working directory upwards.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isRoot(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the verdigris source tree (no go.mod of " + Module + " above the working directory)")
		}
		dir = parent
	}
}

func isRoot(gomod string) bool {
	f, err := os.Open(gomod)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(m), `"`) == Module
		}
	}
	return false
}
