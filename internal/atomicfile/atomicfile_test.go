package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteKeepsModeAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := Write(p, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	fi, _ := os.Stat(p)
	if string(b) != "two" || fi.Mode().Perm() != 0o640 {
		t.Fatalf("content %q mode %v", b, fi.Mode().Perm())
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("temp files left: %v", ents)
	}
}

func TestWriteAllReplacesEveryFileOrNone(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(a, []byte("old a"), 0o600)
	if err := WriteAll([]File{{Path: a, Data: []byte("new a"), Perm: 0o644}, {Path: b, Data: []byte("new b"), Perm: 0o644}}); err != nil {
		t.Fatal(err)
	}
	ga, _ := os.ReadFile(a)
	gb, _ := os.ReadFile(b)
	fi, _ := os.Stat(a)
	if string(ga) != "new a" || string(gb) != "new b" || fi.Mode().Perm() != 0o600 {
		t.Fatalf("a=%q b=%q mode=%v", ga, gb, fi.Mode())
	}
	// A file that cannot be staged (its directory is missing) stops the
	// whole write before anything is replaced.
	err := WriteAll([]File{{Path: a, Data: []byte("newer a")}, {Path: filepath.Join(dir, "missing", "c"), Data: []byte("c")}})
	if err == nil {
		t.Fatal("WriteAll succeeded with a missing directory")
	}
	if ga, _ := os.ReadFile(a); string(ga) != "new a" {
		t.Fatalf("a changed to %q by a failed WriteAll", ga)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("temp files left behind: %v", entries)
	}
}
