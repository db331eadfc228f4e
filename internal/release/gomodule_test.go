package release

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A Go module's tag from v2 on needs the module path's /vMAJOR suffix,
// and a path with one takes only that major version: the release made a
// tag go get refuses ("module path must match major version").
func TestCheckGoModuleMajorVersion(t *testing.T) {
	for _, c := range []struct {
		gomod   string
		version Version
		refused string
	}{
		{"module example.com/m\n", Version{1, 4, 0}, ""},
		{"module example.com/m\n", Version{0, 1, 0}, ""},
		{"module example.com/m\n", Version{2, 0, 0}, "go.mod's module path example.com/m does not end in /v2: Go refuses the tag v2.0.0"},
		{"// comment\nmodule \"example.com/m/v2\" // quoted\n", Version{2, 1, 0}, ""},
		{"module example.com/m/v2\n", Version{3, 0, 0}, "does not end in /v3"},
		{"module example.com/m/v2\n", Version{0, 1, 0}, "go.mod's module path example.com/m/v2 takes v2 tags: Go refuses the tag v0.1.0"},
		{"module example.com/m/v2\n", Version{1, 0, 0}, "takes v2 tags"},
		{"module gopkg.in/yaml.v3\n", Version{3, 0, 1}, ""},
		{"module example.com/tool/v1x\n", Version{2, 0, 0}, "does not end in /v2"},
	} {
		root := t.TempDir()
		if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte(c.gomod), 0o644); err != nil {
			t.Fatal(err)
		}
		err := checkGoModule(root, c.version)
		switch {
		case c.refused == "" && err != nil:
			t.Errorf("%q %s: refused: %v", c.gomod, c.version, err)
		case c.refused != "" && (err == nil || !strings.Contains(err.Error(), c.refused)):
			t.Errorf("%q %s: got %v, want %q", c.gomod, c.version, err, c.refused)
		}
	}
	if err := checkGoModule(t.TempDir(), Version{5, 0, 0}); err != nil {
		t.Errorf("no go.mod: %v", err)
	}
	// One that is there but cannot be read is no answer: refused.
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "go.mod"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := checkGoModule(root, Version{5, 0, 0}); err == nil || err.Error() != "cannot read go.mod: it is a directory" {
		t.Errorf("go.mod a directory: %v", err)
	}
}
