package model

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// ErrExternalData is returned by PinModel when the files a model keeps
// its tensors in cannot be pinned.
var ErrExternalData = errors.New("the model's external data")

// ExternalDataPath resolves a model's external data location (onnx.
// ModelFile.ExternalData) to its file. One that is absolute or leaves
// the model's directory is refused, as ONNX Runtime refuses it; so is
// a symbolic link out of the directory (the runtime resolves links
// before it looks: a Hugging Face cache's snapshot links every file to
// its blobs/), which would register a model no search can load.
func ExternalDataPath(modelPath, location string) (string, error) {
	clean := filepath.Clean(filepath.FromSlash(location))
	if location == "" || filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%w: location %q is outside the model's directory", ErrExternalData, location)
	}
	p := filepath.Join(filepath.Dir(modelPath), clean)
	dir, err := filepath.EvalSymlinks(filepath.Dir(modelPath))
	if err != nil {
		return p, nil // a file that cannot be read is Pin's to report
	}
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		return p, nil
	}
	if rel, err := filepath.Rel(dir, target); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%w: %s is a symbolic link out of the model's directory (to %s), which ONNX Runtime refuses", ErrExternalData, p, target)
	}
	return p, nil
}
