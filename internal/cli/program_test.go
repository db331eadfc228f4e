package cli

import (
	"bytes"
	"errors"
	"testing"
)

// Diagnostics are one line each, whatever a library's message holds:
// a multi-line git error inside a warning once printed across several.
func TestDiagnosticsAreOneLine(t *testing.T) {
	var b bytes.Buffer
	Warnf(&b, "git-x", "tag %s: %v", "t1", errors.New("fatal: bad\n  object\n"))
	Warnf(&b, "git-x", "no file %s", "x\x1b[31mred")
	ErrorLinef(&b, "git-x", "could not create %s:\n%s", "t2", "reason")
	code := Report(&b, "git-x", Failf("failed:\nfirst\nsecond").WithHint("do\nthis"))
	want := "git-x: warning: tag t1: fatal: bad object\n" +
		"git-x: warning: no file x\\x1b[31mred\n" +
		"git-x: error: could not create t2: reason\n" +
		"git-x: error: failed: first second\n" +
		"git-x: hint: do this\n"
	if b.String() != want || code != ExitFailed {
		t.Fatalf("got %q (exit %d), want %q", b.String(), code, want)
	}
}
