package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

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
	p := &Program{Name: "git x", Binary: "git-x", Usage: "program usage\n", Commands: []*Command{run, {Name: "recipients", Usage: "recipients usage\n", Commands: []*Command{{Name: "ls"}, {Name: "add"}}}}}
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
// refused as "must be an integer", which it is, and then in the flag
// parser's words ('invalid argument … for "-n, --limit" flag'), with the
// hint about a query's words that start with "-", where any other bad
// number says what the flag wants by the name it was given.
func TestFlagErrorsSayANumberIsTooLarge(t *testing.T) {
	p := &Program{Binary: "git-x", Commands: []*Command{{Name: "ls", Flags: func(fs *pflag.FlagSet) {
		fs.IntP("limit", "n", 10, "")
		fs.Float64("min", 0, "")
	}, Run: func(context.Context, *Env, *pflag.FlagSet, []string) error { return nil }}}}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ls", "-n", "99999999999999999999"}, "-n: too large a number, got \"99999999999999999999\"\ngit-x: hint: give a whole number, e.g. -n 10\n"},
		{[]string{"ls", "--limit=-99999999999999999999"}, "--limit: too large a number, got \"-99999999999999999999\"\ngit-x: hint: give a whole number, e.g. --limit 10\n"},
		{[]string{"ls", "--min", "1e400"}, "--min: too large a number, got \"1e400\"\ngit-x: hint: give a number after --min\n"},
	} {
		var out, errb bytes.Buffer
		code := p.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, c.args)
		if code != ExitUsage || errb.String() != "git-x: error: "+c.want {
			t.Errorf("%q: exit %d, stderr %q; want the error %q", c.args, code, errb.String(), c.want)
		}
	}
}

// A value that is no number was refused in the parser's words, 'invalid
// argument "abc" for "-n, --limit" flag: must be an integer', with the
// hint of git scry's query about words that start with "-": it says what
// the flag wants, by the name it was given, and the hint gives an example.
func TestBadNumberSaysWhatIsWrong(t *testing.T) {
	search := &Command{Name: "search", Flags: func(fs *pflag.FlagSet) {
		fs.IntP("limit", "n", 10, "")
		fs.Float64("min", 0, "")
		fs.Uint("jobs", 4, "")
		fs.SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
			if name == "max-count" {
				name = "limit"
			}
			return pflag.NormalizedName(name)
		})
	}, Run: func(context.Context, *Env, *pflag.FlagSet, []string) error { return nil }}
	p := &Program{Name: "git x", Binary: "git-x", Commands: []*Command{search}, Default: search, Text: true}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-n", "abc", "words"}, "git-x: error: -n must be a whole number, got \"abc\"\ngit-x: hint: give a whole number, e.g. -n 10\n"},
		{[]string{"-nabc", "words"}, "git-x: error: -n must be a whole number, got \"abc\"\ngit-x: hint: give a whole number, e.g. -n 10\n"},
		{[]string{"--max-count", "ten", "words"}, "git-x: error: --max-count must be a whole number, got \"ten\"\ngit-x: hint: give a whole number, e.g. --max-count 10\n"},
		{[]string{"--limit=2.5", "words"}, "git-x: error: --limit must be a whole number, got \"2.5\"\ngit-x: hint: give a whole number, e.g. --limit 10\n"},
		{[]string{"search", "--min", "high", "words"}, "git-x: error: --min must be a number, got \"high\"\ngit-x: hint: give a number after --min\n"},
		{[]string{"search", "--jobs", "-1", "words"}, "git-x: error: --jobs must be a whole number, 0 or more, got \"-1\"\ngit-x: hint: give a whole number, 0 or more, e.g. --jobs 4\n"},
		{[]string{"-n", "", "words"}, "git-x: error: -n: empty value\ngit-x: hint: give a whole number, e.g. -n 10, or leave -n out\n"},
		// The name that was given the value refused, not the last one
		// given: the parser stops at the first bad value.
		{[]string{"--limit", "abc", "-n", "5", "words"}, "git-x: error: --limit must be a whole number, got \"abc\"\ngit-x: hint: give a whole number, e.g. --limit 10\n"},
		{[]string{"-n", "ten", "--max-count", "5", "words"}, "git-x: error: -n must be a whole number, got \"ten\"\ngit-x: hint: give a whole number, e.g. -n 10\n"},
		{[]string{"--limit=", "-n", "5", "words"}, "git-x: error: --limit: empty value\ngit-x: hint: give a whole number, e.g. --limit 10, or leave --limit out\n"},
		{[]string{"-n", strings.Repeat("9", 30) + "x"}, "git-x: error: -n must be a whole number, got \"" + strings.Repeat("9", 30) + "x\"\ngit-x: hint: give a whole number, e.g. -n 10\n"},
		// A pasted key is not shown, as in any other flag error.
		{[]string{"-n", "AGE-SECRET-KEY-1QQQ"}, "git-x: error: an argument looks like a private key; it is not shown (give the public key instead)\n"},
	} {
		var errb bytes.Buffer
		code := p.Run(context.Background(), &Env{Stdout: io.Discard, Stderr: &errb, Getenv: func(string) string { return "" }}, c.args)
		got := errb.String()
		if strings.Contains(c.want, "private key") {
			got, _, _ = strings.Cut(got, "git-x: hint:")
		}
		if code != ExitUsage || got != c.want {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", c.args, code, errb.String(), c.want)
		}
	}
}

// A whole number written with leading zeros read as octal: "-n 010"
// gave 8 hits, and "-n 08" was no whole number. It reads as decimal, as
// git log -n reads it; a prefix that says the base is still read so.
func TestWholeNumbersWithLeadingZerosAreDecimal(t *testing.T) {
	var limit, jobs int64
	search := &Command{Name: "search", Count: "limit", Flags: func(fs *pflag.FlagSet) {
		fs.IntP("limit", "n", 10, "")
		fs.Uint("jobs", 4, "")
	}, Run: func(_ context.Context, _ *Env, fs *pflag.FlagSet, _ []string) error {
		n, _ := fs.GetInt("limit")
		j, _ := fs.GetUint("jobs")
		limit, jobs = int64(n), int64(j)
		return nil
	}}
	p := &Program{Name: "git x", Binary: "git-x", Commands: []*Command{search}, Default: search, Text: true}
	for _, c := range []struct {
		args        []string
		limit, jobs int64
	}{
		{[]string{"-n", "010", "words"}, 10, 4},
		{[]string{"-n08", "words"}, 8, 4},
		{[]string{"--limit=-007", "words"}, -7, 4},
		{[]string{"-010", "words"}, 10, 4},
		{[]string{"search", "--jobs", "009", "words"}, 10, 9},
		{[]string{"-n", "0", "words"}, 0, 4},
		{[]string{"-n", "000", "words"}, 0, 4},
		{[]string{"-n", "0x10", "--jobs", "0o17", "words"}, 16, 15},
	} {
		limit, jobs = -1, -1
		var errb bytes.Buffer
		code := p.Run(context.Background(), &Env{Stdout: io.Discard, Stderr: &errb, Getenv: func(string) string { return "" }}, c.args)
		if code != ExitOK || limit != c.limit || jobs != c.jobs {
			t.Errorf("%q: exit %d, stderr %q, limit %d, jobs %d; want limit %d, jobs %d", c.args, code, errb.String(), limit, jobs, c.limit, c.jobs)
		}
	}
}

// An unknown subcommand of a program whose default command takes free
// text (git scry model of runner) got only "run 'git scry model help'",
// where a command given too many words is told how to search for them:
// it is told too. Another program's is not: it has no search.
func TestUnknownSubcommandHintsTheSearch(t *testing.T) {
	run := func(context.Context, *Env, *pflag.FlagSet, []string) error { return nil }
	ls := &Command{Name: "ls", Run: run}
	model := &Command{Name: "model", Commands: []*Command{ls}}
	search := &Command{Name: "search", Count: "limit", Run: run, Flags: func(fs *pflag.FlagSet) {
		fs.IntP("limit", "n", 10, "")
		fs.Bool("json", false, "")
	}}
	text := &Program{Name: "git x", Binary: "git-x", Commands: []*Command{search, model}, Default: search, Text: true}
	plain := &Program{Name: "git y", Binary: "git-y", Commands: []*Command{model}}
	for _, c := range []struct {
		p    *Program
		args []string
		want string
	}{
		{text, []string{"model", "of", "runner", "--json"}, "git-x: error: git x model: unknown subcommand \"of\"\ngit-x: hint: to search for \"model of runner\", run 'git x search model of runner --json'; 'git x model help' lists its commands\n"},
		// The command is one a shell runs as it reads: "of runner; rm
		// x" pasted ran rm x, "it's" opened a quote.
		{text, []string{"model", "of runner; rm", "x"}, "git-x: error: git x model: unknown subcommand \"of runner; rm\"\ngit-x: hint: to search for \"model of runner; rm x\", run 'git x search model 'of runner; rm' x'; 'git x model help' lists its commands\n"},
		{text, []string{"model", "it's", "$HOME"}, "git-x: error: git x model: unknown subcommand \"it's\"\ngit-x: hint: to search for \"model it's $HOME\", run 'git x search model 'it'\\''s' '$HOME''; 'git x model help' lists its commands\n"},
		// A flag's value is no word of the question ("of 5"), and words
		// after "--" are, "--" staying in the command.
		{text, []string{"model", "of", "-n", "5", "runner"}, "git-x: error: git x model: unknown subcommand \"of\"\ngit-x: hint: to search for \"model of runner\", run 'git x search model of -n 5 runner'; 'git x model help' lists its commands\n"},
		{text, []string{"model", "of", "--", "-rf"}, "git-x: error: git x model: unknown subcommand \"of\"\ngit-x: hint: to search for \"model of -rf\", run 'git x search model of -- -rf'; 'git x model help' lists its commands\n"},
		// A flag the search does not take is left out; a value it
		// would refuse leaves no command to run.
		{text, []string{"model", "of", "--github", "runner"}, "git-x: error: git x model: unknown subcommand \"of\"\ngit-x: hint: to search for \"model of runner\", run 'git x search model of runner'; 'git x model help' lists its commands\n"},
		// A pasted key is neither quoted nor made a question.
		{text, []string{"model", "AGE-SECRET-KEY-1QQQ", "x"}, "git-x: error: git x model: unknown subcommand (it looks like a private key; not shown)\ngit-x: hint: run 'git x model help' for the list of commands\n"},
		{text, []string{"model", "of", "-n", "many"}, "git-x: error: git x model: unknown subcommand \"of\"\ngit-x: hint: run 'git x model help' for the list of commands\n"},
		// A near name is still guessed.
		{text, []string{"model", "lss"}, "git-x: error: git x model: unknown subcommand \"lss\"\ngit-x: hint: did you mean 'git x model ls'?\n"},
		{plain, []string{"model", "of", "runner"}, "git-y: error: git y model: unknown subcommand \"of\"\ngit-y: hint: run 'git y model help' for the list of commands\n"},
	} {
		var errb bytes.Buffer
		code := c.p.Run(context.Background(), &Env{Stdout: io.Discard, Stderr: &errb, Getenv: func(string) string { return "" }}, c.args)
		if code != ExitUsage || errb.String() != c.want {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", c.args, code, errb.String(), c.want)
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
	nested := &Program{Name: "git n", Binary: "git-n", Commands: []*Command{{Name: "sub", Commands: []*Command{cmd("ls"), cmd("add")}}}}
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
		// A flag and no command at all.
		{plain, []string{"--json"}, "", `git-y: error: flag --json given without a command`},
		{plain, []string{"--bogus"}, "", `git-y: error: flag --bogus given without a command`},
		// A value may be a secret, and a pasted key starts with "-": only
		// a flag's name is said.
		{plain, []string{"--token=hunter2"}, "", `git-y: error: flag --token given without a command`},
		{plain, []string{"-----BEGIN OPENSSH PRIVATE KEY-----"}, "", `git-y: error: a flag given without a command`},
		{nested, []string{"sub", "--bogus"}, "", `git-n: error: git n sub: flag --bogus given without a subcommand`},
	} {
		ran = nil
		var out, errb bytes.Buffer
		code := c.p.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, c.args)
		if c.error != "" {
			hint := "and its flags after it"
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

// A command with commands of its own (git vault recipients ls|add|rm)
// read the word after its name by hand: no usage on "help", no flags of
// their own, no annotation. Command.Commands picks it as a program picks
// a command, and the error names the command the word was given to.
func TestCommandsOfACommand(t *testing.T) {
	var ran []string
	sub := func(name string, flags func(*pflag.FlagSet)) *Command {
		return &Command{Name: name, Usage: "recipients usage\n", Flags: flags, Run: func(_ context.Context, _ *Env, fs *pflag.FlagSet, args []string) error {
			ran = append([]string{name}, args...)
			if j, _ := fs.GetBool("json"); j {
				ran = append(ran, "--json")
			}
			return nil
		}}
	}
	serve := sub("serve", nil)
	serve.Hidden = true
	recipients := &Command{Name: "recipients", Usage: "recipients usage\n", Synonyms: map[string]string{"list": "ls"}, Commands: []*Command{
		sub("ls", func(fs *pflag.FlagSet) { fs.Bool("json", false, "") }),
		sub("add", func(fs *pflag.FlagSet) { fs.String("identity", "", "") }),
		sub("rm", nil), serve,
	}}
	var annotated []string
	p := &Program{Name: "git x", Binary: "git-x", Usage: "program usage\n", Commands: []*Command{recipients},
		Annotate: func(_ io.Writer, _ func(string) string, msg string) { annotated = append(annotated, msg) }}
	for _, c := range []struct {
		args        []string
		code        int
		ran, stdout string
		stderr      []string
	}{
		{[]string{"recipients", "ls", "--json"}, ExitOK, "ls --json", "", nil},
		{[]string{"recipients", "add", "KEY", "bob"}, ExitOK, "add KEY bob", "", nil},
		{[]string{"recipients", "serve"}, ExitOK, "serve", "", nil},
		{[]string{"recipients"}, ExitUsage, "", "", []string{"recipients usage", "git-x: error: git x recipients: missing ls, add or rm", "git-x: hint: run 'git x recipients help' for the list of commands"}},
		{[]string{"recipients", "lss"}, ExitUsage, "", "", []string{"git-x: error: git x recipients: unknown subcommand \"lss\"", "git-x: hint: did you mean 'git x recipients ls'?"}},
		{[]string{"recipients", "list"}, ExitUsage, "", "", []string{"git-x: hint: did you mean 'git x recipients ls'?"}},
		{[]string{"recipients", "serv"}, ExitUsage, "", "", []string{"git-x: hint: run 'git x recipients help' for the list of commands"}},
		{[]string{"recipients", "version"}, ExitUsage, "", "", []string{"git-x: error: git x recipients: unknown subcommand \"version\""}},
		{[]string{"recipients", "--json", "ls"}, ExitUsage, "", "", []string{"git-x: error: flag --json given before the command \"ls\"", "git-x: hint: give the command first and its flags after it ('git x recipients ls [flags]'); 'git x recipients ls --help' lists them"}},
		{[]string{"recipients", "ls", "--identity", "f"}, ExitUsage, "", "", []string{"git-x: error: unknown flag: --identity", "git-x: hint: run 'git x recipients ls --help' for usage"}},
		{[]string{"recipients", "help"}, ExitOK, "", "recipients usage\n", nil},
		{[]string{"recipients", "-h"}, ExitOK, "", "recipients usage\n", nil},
		{[]string{"recipients", "help", "add"}, ExitOK, "", "recipients usage\n", nil},
		{[]string{"recipients", "add", "-h"}, ExitOK, "", "recipients usage\n", nil},
		{[]string{"help", "recipients", "add"}, ExitOK, "", "recipients usage\n", nil},
		{[]string{"help", "recipients", "serve"}, ExitUsage, "", "", []string{"git-x: error: git x help recipients: unexpected argument \"serve\""}},
	} {
		ran = nil
		var out, errb bytes.Buffer
		code := p.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, c.args)
		if code != c.code || strings.Join(ran, " ") != c.ran || out.String() != c.stdout {
			t.Errorf("%q: exit %d, ran %q, stdout %q, stderr %q; want exit %d, ran %q, stdout %q", c.args, code, ran, out.String(), errb.String(), c.code, c.ran, c.stdout)
		}
		for _, l := range c.stderr {
			if !strings.Contains("\n"+errb.String(), "\n"+l+"\n") {
				t.Errorf("%q: stderr %q lacks the line %q", c.args, errb.String(), l)
			}
		}
	}
	// A usage error of a command given --github is annotated by the
	// program run (once), whichever of its commands' commands it is.
	for _, args := range [][]string{{"recipients", "frob", "--github"}, {"recipients", "--github", "ls"}} {
		annotated = nil
		var out, errb bytes.Buffer
		p.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, args)
		if len(annotated) != 1 || !strings.HasPrefix(annotated[0], "git x: ") {
			t.Errorf("%q: annotated %q, want one annotation", args, annotated)
		}
	}
	annotated = nil
	p.Run(context.Background(), &Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}, []string{"recipients", "frob"})
	if annotated != nil {
		t.Errorf("without --github: annotated %q", annotated)
	}
}

// An empty --identity of one of a command's own commands fell back to
// the default as RefuseEmptyFlags had it refused of the others.
func TestRefuseEmptyFlagsOfACommandsCommands(t *testing.T) {
	add := &Command{Name: "add", Flags: func(fs *pflag.FlagSet) { fs.String("identity", "", "") }, Run: func(context.Context, *Env, *pflag.FlagSet, []string) error { return nil }}
	recipients := &Command{Name: "recipients", Commands: []*Command{add}}
	RefuseEmptyFlags(recipients, nil)
	p := &Program{Name: "git x", Binary: "git-x", Commands: []*Command{recipients}}
	var errb bytes.Buffer
	if code := p.Run(context.Background(), &Env{Stdout: io.Discard, Stderr: &errb}, []string{"recipients", "add", "--identity", ""}); code != ExitUsage || !strings.Contains(errb.String(), "error: --identity: empty value") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

// A flag whose value the parser reads (a duration, a number) given an
// empty one, as an unset variable gives it (--ttl "$TTL"), was refused
// in the parser's words, 'invalid argument "" for "--ttl" flag: …', where
// an empty string flag is "--X: empty value" with a hint: it now is too,
// with the hint RefuseEmptyFlags was given for it, or the default one.
func TestEmptyValueOfParsedFlags(t *testing.T) {
	flags := func(fs *pflag.FlagSet) {
		fs.Duration("ttl", time.Hour, "")
		fs.IntP("limit", "n", 10, "")
	}
	run := func(context.Context, *Env, *pflag.FlagSet, []string) error { return nil }
	start := &Command{Name: "start", Flags: flags, Run: run}
	agent := &Command{Name: "agent", Commands: []*Command{start}}
	RefuseEmptyFlags(agent, map[string]string{"ttl": "give a duration, or leave --ttl out"})
	plain := &Command{Name: "plain", Flags: flags, Run: run}
	p := &Program{Name: "git x", Binary: "git-x", Commands: []*Command{agent, plain}}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"agent", "start", "--ttl", ""}, "git-x: error: --ttl: empty value\ngit-x: hint: give a duration, or leave --ttl out\n"},
		{[]string{"agent", "start", "--ttl= "}, "git-x: error: --ttl: empty value\ngit-x: hint: give a duration, or leave --ttl out\n"},
		{[]string{"agent", "start", "-n", ""}, "git-x: error: -n: empty value\ngit-x: hint: give a whole number, e.g. -n 10, or leave -n out\n"},
		{[]string{"plain", "--ttl="}, "git-x: error: --ttl: empty value\ngit-x: hint: give it a value, or leave --ttl out\n"},
		{[]string{"plain", "--limit", "x"}, "git-x: error: --limit must be a whole number, got \"x\"\ngit-x: hint: give a whole number, e.g. --limit 10\n"},
	} {
		var errb bytes.Buffer
		code := p.Run(context.Background(), &Env{Stdout: io.Discard, Stderr: &errb, Getenv: func(string) string { return "" }}, c.args)
		if code != ExitUsage || errb.String() != c.want {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", c.args, code, errb.String(), c.want)
		}
	}
}

// A mistyped long flag is answered with the command's nearest flag, as a
// mistyped command word is: "--ful" with "did you mean --full?"; a flag
// near none of them only with the usage hint.
func TestMistypedFlagIsGuessed(t *testing.T) {
	p := &Program{Name: "git x", Binary: "git-x", Commands: []*Command{{Name: "index", Flags: func(fs *pflag.FlagSet) {
		fs.Bool("full", false, "")
		fs.Bool("background", false, "")
	}, Run: func(context.Context, *Env, *pflag.FlagSet, []string) error { return nil }}}}
	for _, c := range []struct {
		args []string
		hint string
	}{
		{[]string{"index", "--ful"}, "git-x: hint: did you mean --full? run 'git x index --help' for usage\n"},
		{[]string{"index", "--backgroud"}, "git-x: hint: did you mean --background? run 'git x index --help' for usage\n"},
		{[]string{"index", "--zzzz"}, "git-x: hint: run 'git x index --help' for usage\n"},
		{[]string{"index", "--hlep"}, "git-x: hint: run 'git x index --help' for usage\n"},
	} {
		var out, errb bytes.Buffer
		code := p.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, c.args)
		if code != ExitUsage || !strings.HasSuffix(errb.String(), c.hint) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", c.args, code, errb.String(), c.hint)
		}
	}
}

// git log's -N ("-5") is a count where pflag reads a flag there, and
// stays as it was where pflag reads a value or a word of text.
func TestCountArgs(t *testing.T) {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.IntP("limit", "n", 10, "")
	fs.StringP("author", "a", "", "")
	fs.BoolP("verbose", "v", false, "")
	for _, c := range []struct{ args, want []string }{
		{[]string{"-5", "q"}, []string{"--limit=5", "q"}},
		{[]string{"q", "-12"}, []string{"q", "--limit=12"}},
		{[]string{"--", "-5"}, []string{"--", "-5"}},
		{[]string{"-n", "-5", "-3"}, []string{"-n", "-5", "--limit=3"}},
		{[]string{"--author", "-5", "-3"}, []string{"--author", "-5", "--limit=3"}},
		{[]string{"--author=-5", "-3"}, []string{"--author=-5", "--limit=3"}},
		{[]string{"-va", "-5", "-3"}, []string{"-va", "-5", "--limit=3"}},
		{[]string{"-av", "-5"}, []string{"-av", "--limit=5"}}, // -a's value is "v"
		{[]string{"-v", "-5"}, []string{"-v", "--limit=5"}},
		{[]string{"-5x", "-"}, []string{"-5x", "-"}},
	} {
		if got := countArgs(fs, "limit", c.args); !slices.Equal(got, c.want) {
			t.Errorf("countArgs(%q) = %q, want %q", c.args, got, c.want)
		}
	}
}

// CI=false (exported in a shell's profile) read as CI: git scry drew no
// progress bar on a terminal.
func TestInCI(t *testing.T) {
	for v, want := range map[string]bool{
		"": false, "true": true, "1": true, "yes": true, "woodpecker": true,
		"false": false, "False": false, "FALSE": false, "0": false, " false ": false,
	} {
		env := &Env{Getenv: func(k string) string {
			if k == "CI" {
				return v
			}
			return ""
		}}
		if got := env.InCI(); got != want {
			t.Errorf("CI=%q: InCI() = %v; want %v", v, got, want)
		}
	}
}

// An empty argument was read as none where a command takes an optional
// one: git session show "" showed the active session. It is refused, as
// git scry refused it, whatever the count.
func TestNArgsRefusesAnEmptyArgument(t *testing.T) {
	for _, args := range [][]string{{""}, {" "}, {"a", ""}, {"", "b", "c"}} {
		err := NArgs("git x show", args, 0, 1)
		var e *Error
		if !errors.As(err, &e) || e.Code != ExitUsage || e.Msg != "git x show: empty argument" || e.Hint != "run 'git x show --help' for usage" {
			t.Errorf("NArgs(%q) = %#v", args, err)
		}
	}
	if err := NArgs("git x show", []string{"id"}, 0, 1); err != nil {
		t.Errorf("NArgs refuses a plain argument: %v", err)
	}
}

// A flag given no value was said in the flag parser's words, "flag
// needs an argument: 'n' in -n", and a number's with the hint about a
// query's words that start with "-". The flag is named as it was given,
// and a number's hint asks for one.
func TestFlagWithoutValueNamedAsGiven(t *testing.T) {
	search := &Command{Name: "search", Flags: func(fs *pflag.FlagSet) {
		fs.IntP("limit", "n", 10, "")
		fs.BoolP("quiet", "q", false, "")
		fs.StringP("path", "p", "", "")
	}, Run: func(context.Context, *Env, *pflag.FlagSet, []string) error { return nil }}
	p := &Program{Name: "git x", Binary: "git-x", Commands: []*Command{search}, Default: search, Text: true}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"words", "-n"}, "git-x: error: flag needs an argument: -n\ngit-x: hint: give a whole number, e.g. -n 10\n"},
		{[]string{"words", "-qn"}, "git-x: error: flag needs an argument: -n\ngit-x: hint: give a whole number, e.g. -n 10\n"},
		{[]string{"words", "--limit"}, "git-x: error: flag needs an argument: --limit\ngit-x: hint: give a whole number, e.g. --limit 10\n"},
		{[]string{"words", "-p"}, "git-x: error: flag needs an argument: -p\ngit-x: hint: run 'git x search --help' for usage; words of the query that start with '-' go after '--' ('git x -- --force push')\n"},
	} {
		var errb bytes.Buffer
		code := p.Run(context.Background(), &Env{Stdout: io.Discard, Stderr: &errb, Getenv: func(string) string { return "" }}, c.args)
		if code != ExitUsage || errb.String() != c.want {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", c.args, code, errb.String(), c.want)
		}
	}
}

func TestOneLineKeepsRunsOfSpaces(t *testing.T) {
	for s, want := range map[string]string{
		`"  ": no indexed commit changed this path`: `"  ": no indexed commit changed this path`,
		"open x:\n\tpermission denied\n":            "open x: permission denied",
		"  padded  ":                                "padded",
		"a \r\n b":                                  "a b",
		"zażółć  gęślą":                             "zażółć  gęślą",
	} {
		if got := oneLine(s); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", s, got, want)
		}
	}
}
