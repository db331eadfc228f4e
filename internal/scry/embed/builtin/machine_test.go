package builtin

import (
	"os"
	"path/filepath"
	"testing"
)

// The newest python3.N directory that holds a standard library wins.
func TestNewestPythonLib(t *testing.T) {
	dir := t.TempDir()
	for _, v := range []string{"python3.9", "python3.11", "python3.12", "python2.7"} {
		os.MkdirAll(filepath.Join(dir, v), 0o755)
		if v != "python3.12" { // a directory without its library
			os.WriteFile(filepath.Join(dir, v, "os.py"), nil, 0o644)
		}
	}
	if got := newestPythonLib([]string{filepath.Join(dir, "python3.*")}); got != filepath.Join(dir, "python3.11") {
		t.Fatalf("newestPythonLib = %q", got)
	}
	if got := newestPythonLib([]string{filepath.Join(dir, "none3.*")}); got != "" {
		t.Fatalf("newestPythonLib without a match = %q", got)
	}
}

// A python3 outside the distribution's directories (pyenv, Homebrew) is
// asked where its library is: isolated (-I) and from the temporary
// directory, never from the repository being indexed, and only an
// answer that is a standard library counts.
func TestAskPythonLib(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib", "python3.12")
	os.MkdirAll(lib, 0o755)
	os.WriteFile(filepath.Join(lib, "os.py"), nil, 0o644)
	tmp := filepath.Join(dir, "tmp")
	os.MkdirAll(tmp, 0o755)
	t.Setenv("TMPDIR", tmp)
	bin := filepath.Join(dir, "bin")
	os.MkdirAll(bin, 0o755)
	fake := func(answer string) {
		script := "#!/bin/sh\n[ \"$1\" = -I ] || exit 3\n[ \"$(pwd -P)\" = \"$(cd '" + tmp + "' && pwd -P)\" ] || exit 4\necho '" + answer + "'\n"
		if err := os.WriteFile(filepath.Join(bin, "python3"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin)

	fake(lib)
	if got := askPythonLib(); got != lib {
		t.Fatalf("askPythonLib = %q, want %q", got, lib)
	}
	fake(filepath.Join(dir, "lib")) // no os.py there
	if got := askPythonLib(); got != "" {
		t.Fatalf("askPythonLib of a directory without a library = %q", got)
	}
	fake("lib/python3.12") // relative: not an answer
	if got := askPythonLib(); got != "" {
		t.Fatalf("askPythonLib of a relative path = %q", got)
	}
	os.Remove(filepath.Join(bin, "python3"))
	if got := askPythonLib(); got != "" {
		t.Fatalf("askPythonLib without python3 = %q", got)
	}
}

// The go command is asked where its distribution is from the temporary
// directory with GOTOOLCHAIN=local: a repository's go.mod asking for a
// newer Go must not make indexing fetch a toolchain.
func TestAskGoRoot(t *testing.T) {
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	os.MkdirAll(tmp, 0o755)
	t.Setenv("TMPDIR", tmp)
	bin := filepath.Join(dir, "bin")
	os.MkdirAll(bin, 0o755)
	script := "#!/bin/sh\n[ \"$GOTOOLCHAIN\" = local ] || exit 3\n[ \"$(pwd -P)\" = \"$(cd '" + tmp + "' && pwd -P)\" ] || exit 4\necho /opt/go\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	t.Setenv("GOTOOLCHAIN", "auto")
	if got := askGoRoot(); got != "/opt/go" {
		t.Fatalf("askGoRoot = %q", got)
	}
	os.Remove(filepath.Join(bin, "go"))
	if got := askGoRoot(); got != "" {
		t.Fatalf("askGoRoot without go = %q", got)
	}
}
