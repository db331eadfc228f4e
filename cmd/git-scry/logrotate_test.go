package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Two background starts that both saw the log past its size rotated it
// both: the second renamed the new, nearly empty log over LOG.1, and the
// megabyte of runs it held was lost. The second is one that saw the log
// big before the first moved it.
func TestLogRotationRaceLosesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scry.log")
	old := bytes.Repeat([]byte("an earlier run\n"), logRotateSize/15+1)
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	rotateLog(path) // the first start
	if err := os.WriteFile(path, []byte("the first start's run\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rotateSeen(path) // the second, which saw the log big before
	if got, _ := os.ReadFile(path + ".1"); !bytes.Equal(got, old) {
		t.Fatalf("%s.1 holds %d bytes, not the rotated log's %d", path, len(got), len(old))
	}
	if got, _ := os.ReadFile(path); string(got) != "the first start's run\n" {
		t.Fatalf("the log holds %q, not the first start's run", got)
	}
}
