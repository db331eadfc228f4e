package builtin

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/verdigris-dev/verdigris/internal/atomicfile"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// ModelFile is where a repository's built-in model is kept:
// <git-common-dir>/verdigris/scry-model.bin, beside the commit index.
func ModelFile(repo *gitrepo.Repo) string {
	return filepath.Join(repo.StateDir(), "scry-model.bin")
}

// Save writes the model atomically: a reader sees the old model or the
// new one, never a mix.
func Save(path string, m *Model) error {
	data, err := m.MarshalBinary()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o644)
}

// Load reads a saved model; a missing file is (nil, nil): no model has
// been trained yet.
func Load(path string) (*Model, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m, err := Unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}
