package ghaction

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/actiontest"
	"github.com/verdigris-dev/verdigris/internal/cli"
)

func TestMaskEveryLine(t *testing.T) {
	var out bytes.Buffer
	a := New(&out, func(string) string { return "" })
	if err := a.Mask([]byte("line one\r\n\nline%two\n")); err != nil {
		t.Fatal(err)
	}
	want := "::add-mask::line one\n::add-mask::line%25two\n"
	if out.String() != want {
		t.Fatalf("mask output %q; want %q", out.String(), want)
	}
}

// The runner compares masks literally: a line's surrounding whitespace
// kept in its mask lets the line through wherever it is printed without
// it (trimmed, indented otherwise).
func TestMaskEachLineWithoutItsSurroundingWhitespace(t *testing.T) {
	var out bytes.Buffer
	a := New(&out, func(string) string { return "" })
	if err := a.Mask([]byte("  Padded-Value \t\ndb:\n  password: hunter2\n \t\n")); err != nil {
		t.Fatal(err)
	}
	want := "::add-mask::Padded-Value\n::add-mask::db:\n::add-mask::password: hunter2\n"
	if out.String() != want {
		t.Fatalf("mask output %q; want %q", out.String(), want)
	}
}

func TestExportSecretRandomDelimiter(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "env")
	getenv := func(k string) string {
		if k == "GITHUB_ENV" {
			return envFile
		}
		return ""
	}
	a := New(&bytes.Buffer{}, getenv)
	// A value that tries to close the library's fixed, public delimiter and
	// define another variable.
	evil := []byte("x\n_GitHubActionsFileCommandDelimeter_\nINJECTED=1")
	if err := a.ExportSecret("TOKEN", evil); err != nil {
		t.Fatal(err)
	}
	if err := a.ExportSecret("OTHER", []byte("v")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(envFile)
	lines := strings.Split(string(b), "\n")
	d1 := strings.TrimPrefix(lines[0], "TOKEN<<")
	if !strings.HasPrefix(d1, "ghadelimiter_") || len(d1) != len("ghadelimiter_")+32 {
		t.Fatalf("delimiter %q", d1)
	}
	d2 := strings.TrimPrefix(lines[5], "OTHER<<")
	if d1 == d2 {
		t.Fatalf("delimiter reused: %q", d1)
	}
	if lines[4] != d1 {
		t.Fatalf("record not closed by its delimiter: %q", b)
	}
}

func TestEnvRecordRefusesDelimiter(t *testing.T) {
	_, err := EnvRecord("A", []byte("a\nDELIM\nB=2"), "DELIM")
	if !errors.Is(err, ErrDelimiterInValue) {
		t.Fatalf("err = %v", err)
	}
	if _, err := EnvRecord("1BAD", []byte("v"), "D"); err == nil {
		t.Fatal("bad name accepted")
	}
}

func FuzzEnvRecord(f *testing.F) {
	f.Add("NAME", []byte("value\nwith lines"), "ghadelimiter_0123")
	f.Fuzz(func(t *testing.T, name string, value []byte, delim string) {
		rec, err := EnvRecord(name, value, delim)
		if err != nil {
			return
		}
		// A well-formed record is exactly: header, value, delimiter line;
		// the delimiter never appears inside the value, so a reader that
		// stops at the first delimiter line gets the value back intact.
		header := name + "<<" + delim + "\n"
		if !bytes.HasPrefix(rec, []byte(header)) || !bytes.HasSuffix(rec, []byte("\n"+delim+"\n")) {
			t.Fatalf("malformed record %q", rec)
		}
		body := rec[len(header) : len(rec)-len(delim)-2]
		if !bytes.Equal(body, value) || bytes.Contains(body, []byte(delim)) {
			t.Fatalf("value not preserved: %q", rec)
		}
	})
}

func TestErrorAtNamesFileAndLine(t *testing.T) {
	var out bytes.Buffer
	a := New(&out, func(string) string { return "" })
	a.ErrorAt(".github/workflows/ci.yml", 12, "uses %s", "x,y:z")
	want := "::error file=.github/workflows/ci.yml,line=12::uses x,y:z\n"
	if out.String() != want {
		t.Fatalf("got %q; want %q", out.String(), want)
	}
}

func TestMarkdownTextIsInert(t *testing.T) {
	for in, want := range map[string]string{
		"fix: parser":                      "fix: parser",
		"a | b":                            "a &#124; b",
		"run `rm -rf`":                     "run \\`rm -rf\\`",
		"<img src=x>":                      "\\<img src=x\\>",
		"[link](javascript:alert(1))":      "\\[link\\](javascript:alert(1))",
		"one\ntwo":                         "one\\\\ntwo",
		"a\\|b":                            "a\\\\&#124;b",
		"**bold** _it_ ~s~ &amp; $x$ #1 !": "\\*\\*bold\\*\\* \\_it\\_ \\~s\\~ \\&amp; \\$x\\$ \\#1 !",
	} {
		if got := MarkdownText(in); got != want {
			t.Errorf("MarkdownText(%q) = %q; want %q", in, got, want)
		}
	}
	if got, want := MarkdownCode("v1 `x` | <b>"), "<code>v1 \\`x\\` &#124; \\<b\\></code>"; got != want {
		t.Errorf("MarkdownCode = %q; want %q", got, want)
	}
}

func TestAnnotationsEscapeWorkflowCommands(t *testing.T) {
	var out bytes.Buffer
	a := New(&out, func(string) string { return "" })
	tag := "session-100%\n::warning::x"
	a.Errorf("session tag %s is taken", tag)
	a.WarningAt("dir,a:b%\r\nc.toml", 3, "tag %s", tag)
	want := "::error::session tag session-100%25%0A::warning::x is taken\n" +
		"::warning file=dir%2Ca%3Ab%25\\r\\nc.toml,line=3::tag session-100%25%0A::warning::x\n"
	if out.String() != want {
		t.Fatalf("got %q; want %q", out.String(), want)
	}
}

func TestAnnotationsShowControlCharacters(t *testing.T) {
	var out bytes.Buffer
	a := New(&out, func(string) string { return "" })
	// A probe's coloured version output, a pin file's line with a
	// carriage return that would overwrite the start of the log line.
	a.ErrorAt("go\x1b[8m.mod", 2, "go is pinned to %s but %s would run", "1.26.8", "\x1b[31mgo1.25\x1b[0m")
	a.Warningf("line one\n\tline two\rhidden")
	a.Noticef("%s", "\u202eevil")
	want := "::error file=go\\x1b[8m.mod,line=2::go is pinned to 1.26.8 but \\x1b[31mgo1.25\\x1b[0m would run\n" +
		"::warning::line one%0A\tline two\\rhidden\n" +
		"::notice::\\u202eevil\n"
	if out.String() != want {
		t.Fatalf("got %q; want %q", out.String(), want)
	}
}

// A runner file that cannot be written said Go's "open /…/out: no such
// file or directory": the file is named with what is wrong in plain words,
// and the hint says how to fix the variable.
func TestRunnerFileErrorsInPlainWords(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, reason string }{
		{filepath.Join(dir, "nodir", "out"), "its directory does not exist"},
		{dir, "it is a directory"},
		{filepath.Join(dir, "file", "out"), "a part of its path is not a directory"},
	} {
		a := New(io.Discard, func(k string) string {
			if k == "GITHUB_OUTPUT" || k == "GITHUB_STEP_SUMMARY" {
				return c.path
			}
			return ""
		})
		for _, err := range []error{a.OutputsWritable(), a.SetOutput("x", "1"), a.Summary("x")} {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("%s: %v, want a *FileError", c.path, err)
			}
			if fe.Path != c.path || fe.Reason != c.reason || !strings.HasSuffix(err.Error(), ": "+c.reason) {
				t.Errorf("%s: %q (reason %q)", c.path, err, fe.Reason)
			}
			if !strings.Contains(fe.Hint(), "is set by the GitHub Actions runner") {
				t.Errorf("hint %q", fe.Hint())
			}
		}
	}
}

// A key-looking argument cli takes out of what a command prints is taken
// out of its step summary and outputs too, files the run's page shows as
// it shows the log, which the command writes without going through it.
func TestSummaryAndOutputsLeaveOutKeyArguments(t *testing.T) {
	const key = "AGE-SECRET-KEY-1QQQPZRY9X8GF2TVDW0S3JN54KHCE6MUA7LQQQPZRY9X8GF2TVDW0S3JN54KHCE6"
	dir := t.TempDir()
	files := map[string]string{"GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary"), "GITHUB_OUTPUT": filepath.Join(dir, "output")}
	for _, f := range files {
		os.WriteFile(f, nil, 0o644)
	}
	p := &cli.Program{Binary: "git-x", Commands: []*cli.Command{{Name: "c", Run: func(_ context.Context, env *cli.Env, _ *pflag.FlagSet, args []string) error {
		a := New(env.Stdout, env.Env)
		a.Errorf("no set %s", args[0])
		if err := a.Summary("### set " + MarkdownCode(args[0]) + "\n"); err != nil {
			return err
		}
		return a.SetOutput("set", args[0])
	}}}}
	var out, errb bytes.Buffer
	env := &cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return files[k] }}
	if code := p.Run(context.Background(), env, []string{"c", key}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	summary, _ := os.ReadFile(files["GITHUB_STEP_SUMMARY"])
	output, _ := os.ReadFile(files["GITHUB_OUTPUT"])
	for what, s := range map[string]string{"log": out.String(), "summary": string(summary), "output": string(output)} {
		if strings.Contains(s, "QQQPZRY") || !strings.Contains(s, cli.KeyNotShown) {
			t.Errorf("%s: %q", what, s)
		}
	}
}

// A value's CRs reach later steps exactly on the runner built for Linux
// and macOS, which cuts the value out of the file; the one built for
// Windows drops a CR that ends it, so such a value is refused wherever
// RUNNER_OS does not name Linux or macOS, and nothing is written.
func TestExportSecretCarriageReturns(t *testing.T) {
	for _, tc := range []struct {
		runnerOS, value string
		refused         bool
	}{
		{"Linux", "line1\r\nline2\r", false},
		{"macOS", "ends-in-cr\r", false},
		{"Linux", "crlf\r\n", false},
		{"Windows", "inner\r\ncrlf\r\n", false},
		{"Windows", "ends-in-cr\r", true},
		{"", "ends-in-cr\r", true},
	} {
		envFile := filepath.Join(t.TempDir(), "env")
		getenv := func(k string) string {
			switch k {
			case "GITHUB_ENV":
				return envFile
			case "RUNNER_OS":
				return tc.runnerOS
			}
			return ""
		}
		err := New(&bytes.Buffer{}, getenv).ExportSecret("V", []byte(tc.value))
		if tc.refused {
			if !errors.Is(err, ErrFinalCR) {
				t.Errorf("%s: %q: err = %v, want ErrFinalCR", tc.runnerOS, tc.value, err)
			}
			if _, serr := os.Stat(envFile); !errors.Is(serr, os.ErrNotExist) {
				t.Errorf("%s: %q refused, yet GITHUB_ENV was written", tc.runnerOS, tc.value)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %q: %v", tc.runnerOS, tc.value, err)
		}
		b, _ := os.ReadFile(envFile)
		kv, err := actiontest.ParseEnvFileOn(string(b), tc.runnerOS)
		if err != nil || len(kv) != 1 || kv[0].Value != tc.value {
			t.Errorf("%s: %q came back as %q (%v)", tc.runnerOS, tc.value, kv, err)
		}
	}
}
