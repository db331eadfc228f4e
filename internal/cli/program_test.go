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

// A program that runs QUERY by default (git scry) read "version bump"
// and "help text wrong" as its built-in words and printed the version
// or its usage, dropping the query; alone they stay built-ins, and
// "help CMD" is CMD's usage.
func TestDefaultCommandTakesQueriesStartingWithBuiltins(t *testing.T) {
	var got []string
	search := &Command{Name: "search", Usage: "search usage\n", Run: func(_ context.Context, _ *Env, _ *pflag.FlagSet, args []string) error {
		got = args
		return nil
	}}
	p := &Program{Name: "git x", Binary: "git-x", Usage: "program usage\n", Commands: []*Command{search, {Name: "index", Usage: "index usage\n"}}, Default: search, Text: true}
	for _, c := range []struct {
		args       []string
		query, out string
	}{
		{[]string{"version", "bump"}, "version bump", ""},
		{[]string{"help", "text", "wrong"}, "help text wrong", ""},
		{[]string{"help", "index"}, "", "index usage\n"},
		{[]string{"help"}, "", "program usage\n"},
		{[]string{"--help"}, "", "program usage\n"},
		{[]string{"version"}, "", "git-x "},
	} {
		got = nil
		var out, errb bytes.Buffer
		code := p.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, c.args)
		if code != ExitOK || strings.Join(got, " ") != c.query || !strings.HasPrefix(out.String(), c.out) || (c.out == "" && out.Len() > 0) {
			t.Errorf("%q: exit %d, query %q, stdout %q, stderr %q; want query %q, stdout %q", c.args, code, got, out.String(), errb.String(), c.query, c.out)
		}
	}
}

// "git vault help run", as "git help commit" or "gh help pr", printed the
// program's usage (the list of commands) instead of run's; only git scry
// answered "help CMD" with CMD's usage.
func TestHelpCommandPrintsItsUsage(t *testing.T) {
	run := &Command{Name: "run", Usage: "run usage\n"}
	p := &Program{Name: "git x", Binary: "git-x", Usage: "program usage\n", Commands: []*Command{run, {Name: "recipients", Usage: "recipients usage\n", Subcommands: []string{"ls", "add"}}}}
	for _, c := range []struct {
		args []string
		out  string
	}{
		{[]string{"help", "run"}, "run usage\n"},
		{[]string{"help", "recipients", "add"}, "recipients usage\n"},
		{[]string{"help"}, "program usage\n"},
	} {
		var out, errb bytes.Buffer
		code := p.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, c.args)
		if code != ExitOK || out.String() != c.out {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want stdout %q", c.args, code, out.String(), errb.String(), c.out)
		}
	}
	// A word that names no command printed the list and exited 0, as if
	// the command had no usage of its own; git help and gh help fail.
	var out, errb bytes.Buffer
	code := p.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, []string{"help", "nosuch"})
	if code != ExitUsage || out.Len() > 0 || !strings.Contains(errb.String(), `error: unknown command "nosuch"`) || !strings.Contains(errb.String(), "hint: run 'git x help' for the list of commands") {
		t.Errorf("help nosuch: exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
	// Words after "help CMD" (other than one of CMD's own commands), "help
	// help" or "--version" were dropped, exit 0.
	for _, args := range [][]string{{"help", "run", "extra"}, {"help", "recipients", "nosuch"}, {"help", "recipients", "add", "x"}, {"help", "help", "x"}, {"--version", "x"}, {"version", "x"}, {"--help", "run", "x"}} {
		out.Reset()
		errb.Reset()
		if code := p.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, args); code != ExitUsage || out.Len() > 0 || !strings.Contains(errb.String(), "unexpected argument") || !strings.Contains(errb.String(), "hint: ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out.String(), errb.String())
		}
	}
	// "--help CMD" is "help CMD".
	out.Reset()
	if code := p.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, []string{"--help", "run"}); code != ExitOK || out.String() != "run usage\n" {
		t.Errorf("--help run: exit %d, stdout %q", code, out.String())
	}
	// "help -h" is help, as "git help -h" is.
	for _, h := range []string{"-h", "--help"} {
		out.Reset()
		errb.Reset()
		if code := p.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, []string{"help", h}); code != ExitOK || out.String() != "program usage\n" {
			t.Errorf("help %s: exit %d, stdout %q, stderr %q", h, code, out.String(), errb.String())
		}
	}
}

// A number too large for its flag ("-n 99999999999999999999") was
// refused as "must be an integer", which it is.
func TestFlagErrorsSayANumberIsTooLarge(t *testing.T) {
	p := &Program{Binary: "git-x", Commands: []*Command{{Name: "ls", Flags: func(fs *pflag.FlagSet) {
		fs.IntP("limit", "n", 10, "")
		fs.Float64("min", 0, "")
	}, Run: func(context.Context, *Env, *pflag.FlagSet, []string) error { return nil }}}}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ls", "-n", "99999999999999999999"}, `invalid argument "99999999999999999999" for "-n, --limit" flag: too large a number` + "\n"},
		{[]string{"ls", "-n", "-99999999999999999999"}, `invalid argument "-99999999999999999999" for "-n, --limit" flag: too large a number` + "\n"},
		{[]string{"ls", "--min", "1e400"}, `invalid argument "1e400" for "--min" flag: too large a number` + "\n"},
		{[]string{"ls", "-n", "abc"}, `invalid argument "abc" for "-n, --limit" flag: must be an integer` + "\n"},
	} {
		var out, errb bytes.Buffer
		code := p.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, c.args)
		line, _, _ := strings.Cut(errb.String(), "git-x: hint:")
		if code != ExitUsage || line != "git-x: error: "+c.want {
			t.Errorf("%q: exit %d, stderr %q; want the error %q", c.args, code, errb.String(), c.want)
		}
	}
}

// A flag before the command word was read as the default command's
// argument ("git release --dry-run notes v1.0.0": unknown bump "notes")
// or as an unknown command ("git session --json status": unknown command
// "--json"); both now say the flag goes after the command. A program
// whose default command takes free text (git scry) takes its flags first,
// and a word after them is its text even when it names a command.
func TestFlagBeforeCommandIsAUsageError(t *testing.T) {
	var ran []string
	cmd := func(name string) *Command {
		return &Command{Name: name, Flags: func(fs *pflag.FlagSet) {
			fs.Bool("json", false, "")
			fs.String("mode", "", "")
		}, Run: func(_ context.Context, _ *Env, _ *pflag.FlagSet, args []string) error {
			ran = append([]string{"run " + name}, args...)
			return nil
		}}
	}
	release := cmd("")
	release.Flags = func(fs *pflag.FlagSet) { fs.BoolP("dry-run", "n", false, "") }
	withDefault := &Program{Name: "git x", Binary: "git-x", Commands: []*Command{cmd("notes")}, Default: release}
	plain := &Program{Name: "git y", Binary: "git-y", Commands: []*Command{cmd("status")}}
	search := cmd("search")
	text := &Program{Name: "git z", Binary: "git-z", Commands: []*Command{search, cmd("index")}, Default: search, Text: true}
	for _, c := range []struct {
		p          *Program
		args       []string
		ran, error string
	}{
		{withDefault, []string{"--dry-run", "notes", "v1.0.0"}, "", `git-x: error: flag --dry-run given before the command "notes"`},
		{withDefault, []string{"-n", "notes"}, "", `git-x: error: flag -n given before the command "notes"`},
		{withDefault, []string{"--dry-run", "minor", "notes"}, "run  minor notes", ""},
		{withDefault, []string{"--dry-run"}, "run ", ""},
		{withDefault, []string{"--dry-run", "--", "notes"}, "run  notes", ""},
		{plain, []string{"--json", "status"}, "", `git-y: error: flag --json given before the command "status"`},
		{plain, []string{"--mode", "x", "status"}, "", `git-y: error: flag --mode given before the command "status"`},
		{plain, []string{"status", "--json"}, "run status", ""},
		{text, []string{"--mode", "lexical", "index"}, "run search index", ""},
	} {
		ran = nil
		var out, errb bytes.Buffer
		code := c.p.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, c.args)
		if c.error != "" {
			hint := "hint: give the command first and its flags after it"
			if code != ExitUsage || ran != nil || !strings.HasPrefix(errb.String(), c.error+"\n") || !strings.Contains(errb.String(), hint) {
				t.Errorf("%q: exit %d, ran %q, stderr %q; want exit 2 and %q", c.args, code, ran, errb.String(), c.error)
			}
			continue
		}
		if code != ExitOK || strings.Join(ran, " ") != c.ran {
			t.Errorf("%q: exit %d, ran %q, stderr %q; want %q", c.args, code, ran, errb.String(), c.ran)
		}
	}
}
