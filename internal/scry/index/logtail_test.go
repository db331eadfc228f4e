package index

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLastRunError(t *testing.T) {
	failed := "2026-01-02T10:00:00Z index: start (pid 1)\ngit-scry: error: indexing failed: disk full\ngit-scry: hint: free some space\n"
	ok := "2026-01-02T10:01:00Z index: start (pid 2)\n2026-01-02T10:01:00Z index: indexed 1 new commit, pruned 0; 3 in the index (9ms)\n"
	for _, c := range []struct{ log, msg, hint string }{
		{"", "", ""},
		{failed, "indexing failed: disk full", "free some space"},
		{failed + ok, "", ""},
		{ok + failed, "indexing failed: disk full", "free some space"},
		// The log's end is read, not the megabyte before it.
		{failed + strings.Repeat("x", 2*logTail) + "\n" + failed, "indexing failed: disk full", "free some space"},
		{failed + strings.Repeat("x", 2*logTail) + "\n" + ok, "", ""},
	} {
		path := filepath.Join(t.TempDir(), "scry.log")
		if c.log != "" {
			if err := os.WriteFile(path, []byte(c.log), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if msg, hint := lastRunError(path); msg != c.msg || hint != c.hint {
			t.Errorf("%.80q…: got %q, %q; want %q, %q", c.log, msg, hint, c.msg, c.hint)
		}
	}
}
