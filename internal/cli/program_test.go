package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/pflag"
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

// A private key pasted as an argument made the flag parser complain
// "bad flag syntax: -----BEGIN OPENSSH PRIVATE KEY----- b3Blbn…", the
// whole key on stderr.
func TestFlagErrorsDoNotQuoteKeys(t *testing.T) {
	key := "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----"
	p := &Program{Binary: "git-x", Commands: []*Command{{Name: "add", Run: func(context.Context, *Env, *pflag.FlagSet, []string) error { return nil }}}}
	var out, errb bytes.Buffer
	code := p.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, []string{"add", key})
	if code != ExitUsage || strings.Contains(errb.String(), "b3Blbn") || !strings.Contains(errb.String(), "looks like a private key") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
}
