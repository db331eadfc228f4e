package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// A fake age identity (the pattern's shape, no one's key) and a fake PEM
// key: what a user pastes by mistake where a path, a name or a query goes.
const (
	fakeAgeKey = "AGE-SECRET-KEY-1QQQPZRY9X8GF2TVDW0S3JN54KHCE6MUA7LQQQPZRY9X8GF2TVDW0S3JN54KHCE6"
	fakePEMKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDfakefakefakefakefakefakefakefake\n-----END OPENSSH PRIVATE KEY-----"
)

// echo is a command that quotes its argument every way a command may:
// in output lines, --json, a warning, an error and its hint, written in
// pieces as a buffered writer would, cut, lower-cased and as an
// environment variable's name.
var echo = &Command{Name: "echo", Flags: func(fs *pflag.FlagSet) { fs.String("path", "", "") },
	Run: func(_ context.Context, env *Env, fs *pflag.FlagSet, args []string) error {
		arg, _ := fs.GetString("path")
		if len(args) > 0 {
			arg = args[0]
		}
		fmt.Fprintf(env.Stdout, "query: %s\n", Printable(arg))
		WriteJSON(env.Stdout, map[string]string{"query": arg})
		half := len(arg) / 2
		fmt.Fprintf(env.Stdout, "split: %s", arg[:half])
		fmt.Fprintf(env.Stdout, "%s\n", arg[half:])
		fmt.Fprintf(env.Stdout, "cut: %s\n", Fit(arg, 30))
		Warnf(env.Stderr, "git-x", "no file %s (%s)", Printable(arg), strings.ToLower(strings.ReplaceAll(arg, "-", "_")))
		return Failf("%q: no such revision", arg).WithHint("run 'git x log %s'", ShellWord(arg))
	}}

func TestRunTakesKeysOutOfAllItPrints(t *testing.T) {
	p := &Program{Binary: "git-x", Name: "git x", Commands: []*Command{echo}}
	for _, args := range [][]string{
		{"echo", fakeAgeKey},
		{"echo", "--path=" + fakeAgeKey},
		{"echo", "--path", strings.ToLower(fakeAgeKey)},
		{"echo", "--", fakePEMKey},
		{"echo", "--", strings.ReplaceAll(fakePEMKey, "\n", " ")},
	} {
		var out, errb bytes.Buffer
		code := p.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, args)
		all := out.String() + errb.String()
		for _, secret := range []string{"QQQPZRY9X8GF2TVDW0S3", "b3BlbnNzaC1rZXkt", "QyNTUxOQAAACD"} {
			if strings.Contains(strings.ToLower(all), strings.ToLower(secret)) {
				t.Errorf("%.30q: the key was printed:\n%s", args[len(args)-1], all)
			}
		}
		if code != ExitFailed || !strings.Contains(errb.String(), "git-x: error: \""+KeyNotShown+"\": no such revision\n") ||
			!strings.Contains(out.String(), "query: "+KeyNotShown+"\n") {
			t.Errorf("%.30q: exit %d, not said in its place:\n%s", args[len(args)-1], code, all)
		}
		// --json's string holds KeyNotShown, and is JSON still.
		start := strings.Index(out.String(), "{")
		end := strings.Index(out.String(), "}")
		var v map[string]string
		if err := json.Unmarshal([]byte(out.String()[start:end+1]), &v); err != nil || v["query"] != KeyNotShown {
			t.Errorf("%.30q: --json reads %q (%v)", args[len(args)-1], v["query"], err)
		}
	}
}

// Arguments that look like no key are printed as they were given, and
// the command's writers are the caller's own (a terminal stays one).
func TestRunLeavesOtherArgumentsAlone(t *testing.T) {
	p := &Program{Binary: "git-x", Name: "git x", Commands: []*Command{echo}}
	for _, arg := range []string{"where is the private key read", "age-secret-key handling", "docs/keys.md"} {
		var out, errb bytes.Buffer
		p.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, []string{"echo", arg})
		if looksLikeKey(arg) || !strings.Contains(out.String(), "query: "+arg+"\n") {
			t.Errorf("%q: printed\n%s", arg, out.String())
		}
	}
	var stderr Env
	(&Program{Binary: "git-x", Commands: []*Command{{Name: "c", Run: func(_ context.Context, env *Env, _ *pflag.FlagSet, _ []string) error {
		stderr = *env
		return nil
	}}}}).Run(context.Background(), &Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}, []string{"c", "x"})
	if _, ok := stderr.Stderr.(*bytes.Buffer); !ok || redactorOf(stderr.Stdout) != nil {
		t.Errorf("a run without a key wrapped its writers: %T, %T", stderr.Stdout, stderr.Stderr)
	}
}

// A key written in two writes, the cut inside it, is taken out whole;
// what waits for the rest of its word is written by Flush.
func TestRedactWriterJoinsWrites(t *testing.T) {
	var b bytes.Buffer
	w := &redactWriter{w: &b, r: newRedactor([]string{fakeAgeKey})}
	fmt.Fprint(w, "a "+fakeAgeKey[:20])
	fmt.Fprint(w, fakeAgeKey[20:]+" b\nc")
	if b.String() != "a "+KeyNotShown+" b\n" {
		t.Fatalf("got %q before Flush", b.String())
	}
	w.Flush()
	if b.String() != "a "+KeyNotShown+" b\nc" {
		t.Fatalf("got %q", b.String())
	}
}
