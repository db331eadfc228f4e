package onnx

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestFindLibraryOrder(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{"HOME": home}
	getenv := func(k string) string { return env[k] }
	if _, tried, err := FindLibrary(getenv); !errors.Is(err, ErrNoLibrary) || len(tried) < 3 {
		t.Fatalf("nothing installed: err %v, tried %v", err, tried)
	}
	local := filepath.Join(home, ".local", "lib", "verdigris", libraryName())
	os.MkdirAll(filepath.Dir(local), 0o755)
	os.WriteFile(local, []byte("lib"), 0o644)
	if p, _, err := FindLibrary(getenv); err != nil || p != local {
		t.Fatalf("fetch-onnxruntime.sh's default location: got %q, %v", p, err)
	}
	// The variable wins, and is the only place looked at: a wrong path
	// is reported, not silently replaced.
	env[LibraryEnv] = filepath.Join(home, "elsewhere.so")
	if _, tried, err := FindLibrary(getenv); err == nil || len(tried) != 1 || tried[0] != env[LibraryEnv] {
		t.Fatalf("%s set to a missing file: err %v, tried %v", LibraryEnv, err, tried)
	}
	os.WriteFile(env[LibraryEnv], []byte("lib"), 0o644)
	if p, _, err := FindLibrary(getenv); err != nil || p != env[LibraryEnv] {
		t.Fatalf("%s: got %q, %v", LibraryEnv, p, err)
	}
}
