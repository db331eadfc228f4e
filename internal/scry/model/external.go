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
// the model's directory is refused, as ONNX Runtime refuses it.
func ExternalDataPath(modelPath, location string) (string, error) {
	clean := filepath.Clean(filepath.FromSlash(location))
	if location == "" || filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%w: location %q is outside the model's directory", ErrExternalData, location)
	}
	return filepath.Join(filepath.Dir(modelPath), clean), nil
}
