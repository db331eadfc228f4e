package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// A fixed-choice flag's value in another case is that choice, as the
// command reads it back; a typo is a usage error before the command
// runs, guessing the nearest choice, and a pasted key is not quoted.
func TestChoiceFlag(t *testing.T) {
	var got string
	ran := false
	cmd := &Command{Name: "show",
		Flags: func(fs *pflag.FlagSet) { ChoiceFlag(fs, "mode", "", "hybrid", "lexical", "semantic") },
		Run: func(_ context.Context, _ *Env, fs *pflag.FlagSet, _ []string) error {
			ran = true
			got, _ = fs.GetString("mode")
			return nil
		}}
	p := &Program{Name: "git x", Binary: "git-x", Commands: []*Command{cmd}}
	for _, c := range []struct {
		arg, want, stderr string
		code              int
	}{
		{"", "", "", ExitOK},
		{"--mode=lexical", "lexical", "", ExitOK},
		{"--mode=LexicaL", "lexical", "", ExitOK},
		{"--mode=Semantic", "semantic", "", ExitOK},
		{"--mode=lexcial", "", "git-x: error: --mode: unknown value \"lexcial\"\ngit-x: hint: did you mean --mode lexical? use --mode hybrid, lexical or semantic\n", ExitUsage},
		{"--mode=fuzzy", "", "git-x: error: --mode: unknown value \"fuzzy\"\ngit-x: hint: use --mode hybrid, lexical or semantic\n", ExitUsage},
		{"--mode= ", "", "git-x: error: --mode: empty value\ngit-x: hint: use --mode hybrid, lexical or semantic\n", ExitUsage},
	} {
		got, ran = "", false
		args := []string{"show"}
		if c.arg != "" {
			args = append(args, c.arg)
		}
		var out, errb bytes.Buffer
		code := p.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, args)
		if code != c.code || errb.String() != c.stderr || got != c.want || ran != (c.code == ExitOK) {
			t.Errorf("%q: exit %d, ran %v, mode %q, stderr %q; want exit %d, mode %q, stderr %q", c.arg, code, ran, got, errb.String(), c.code, c.want, c.stderr)
		}
	}
	var errb bytes.Buffer
	key := "-----BEGIN OPENSSH PRIVATE KEY-----b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"
	if code := p.Run(context.Background(), &Env{Stderr: &errb, Getenv: func(string) string { return "" }}, []string{"show", "--mode", key}); code != ExitUsage || strings.Contains(errb.String(), "b3Blbn") {
		t.Errorf("a key as --mode: exit %d, stderr %q", code, errb.String())
	}
}
